// Empirical NTK of a network of the nn module (nn/mlp.hpp) and of a network saved by
// `marginlab train --save`.
//
// The nn module's MLP is f(x) = s · W_q relu(W_{q−1} relu(… relu(W_1 x))), W_k of shape
// (dims[k] × dims[k−1]), no biases, output scale s = 1 (standard), 1/√m (ntk) or 1/m (mean-field),
// m the last hidden width (MlpShape::OutputScale). Its parameters are the raw W_k, so
//     Θ̂(x, x′) = Σ_{k trainable} ⟨∂f(x)/∂W_k, ∂f(x′)/∂W_k⟩
// is EmpiricalNtkMlp (empirical_ntk.hpp) with layer multipliers c = (1, …, 1, s). A frozen output
// layer (MlpShape::freeze_output, Ji eq. 4) is not a parameter: it enters the forward pass but
// contributes no gradient term, exactly as nn::MlpBackward gives it no gradient.
// With l > 1 outputs, `output` picks the component f_c (the Θ̂ of f_c = s W_q[c,:] h).
//
// Saved networks (.npz of `marginlab train --save`, see apps/cli/cmd_train.cpp):
//   <key>/W1 … <key>/Wq   (out, in), or (trials, out, in) with --trials T > 1;  key init | final
//   meta/dims (q+1,), meta/output_scale (1,), meta/frozen_output (1,)
// The scaling is not stored, only s, which is all the NTK needs. A file with plain W1 … Wq (no
// key prefix, as --init-from accepts) is read with key "" and s = 1 unless meta/output_scale says.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "marginlab/core/types.hpp"
#include "marginlab/nn/mlp.hpp"

namespace marginlab {

// A network as the empirical NTK sees it: weights, output scale s, frozen output layer or not.
struct NnNetwork {
  nn::Weights<double> W;  // W[k] = W_{k+1}, shape dims[k+1] × dims[k]
  double output_scale = 1.0;
  bool frozen_output = false;

  // From the nn module's shape (s = shape.OutputScale()) and weights; checks the shapes.
  static NnNetwork From(const nn::MlpShape& shape, const nn::Weights<double>& W);
  int depth() const { return static_cast<int>(W.size()); }
  Index input_dim() const { return W.front().cols(); }
  Index output_dim() const { return W.back().rows(); }
  std::vector<Index> dims() const;
  // e.g. "10-16-16-1 (depth 3, output scale 0.25, frozen output)"
  std::string Describe() const;
  // f(X) (n × l).
  Matrix Outputs(const Matrix& X) const;
};

// Θ̂(X1, X2) (n1 × n2) of output `output` (0 ≤ output < l). InputError if X's width is not the
// network's input dimension or `output` is out of range. If f1/f2 are given, also f_output(X1/X2).
Matrix EmpiricalNtk(const NnNetwork& net, const Matrix& X1, const Matrix& X2, Index output = 0,
                    Vector* f1 = nullptr, Vector* f2 = nullptr);
// Θ̂(X, X), exactly symmetric.
Matrix EmpiricalNtk(const NnNetwork& net, const Matrix& X, Index output = 0);

// Reads `<key>/W1 …` (key "final" or "init"; "" reads W1 …) and meta/ from a saved network
// (nn/network_file.hpp); with several trials (3-D arrays) `trial` picks one. InputError naming
// the file and member when something is missing, has the wrong shape, or disagrees with meta/dims.
NnNetwork LoadNnNetwork(const std::filesystem::path& path, const std::string& key = "final", long trial = 0);

}  // namespace marginlab
