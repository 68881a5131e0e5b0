// A network as a saved file holds it and as every reader needs it: the weights W_1 … W_q of
//     f(x) = s · W_q relu(W_{q−1} relu(… relu(W_1 x))),   W_k of shape (dims[k] × dims[k−1]),
// no biases, the output scale s (1 standard, 1/√m ntk, 1/m mean-field: MlpShape::OutputScale,
// DESIGN §2) and whether the output layer was frozen in training (Ji eq. 4: not a parameter).
//
// The network types and how they relate (docs/architecture.md "Networks"):
//   nn::MlpShape + nn::Weights<T>  the trainer's: the shape with its scaling rule, weights in
//                                  double or float32, many trials at once;
//   nn::Network                    a trained network on its own: what nn::NetworkFile reads and
//                                  writes and what the empirical NTK (kernel/nn_ntk.hpp) takes;
//                                  From(shape, W) makes one from the trainer's;
//   margin::TwoLayerNet            the two-layer case as Θ = (U, w) for margins and certificates
//                                  (margin/two_layer.hpp): FromNetwork(net) checks depth 2, one
//                                  output and a trained output layer.
#pragma once

#include <string>
#include <vector>

#include "marginlab/core/types.hpp"
#include "marginlab/nn/mlp.hpp"

namespace marginlab::nn {

struct Network {
  Weights<double> W;  // W[k] = W_{k+1}, shape dims[k+1] × dims[k]
  double output_scale = 1.0;
  bool frozen_output = false;

  // From the trainer's shape (s = shape.OutputScale()) and weights; InputError if they disagree.
  static Network From(const MlpShape& shape, const Weights<double>& W);
  int depth() const { return static_cast<int>(W.size()); }
  Index input_dim() const { return W.front().cols(); }
  Index output_dim() const { return W.back().rows(); }
  std::vector<Index> dims() const;
  // e.g. "10-16-16-1 (depth 3, output scale 0.25, frozen output)"
  std::string Describe() const;
  // InputError naming `where` when there is no layer, a layer is empty, or consecutive layers
  // do not chain (W_{k+1}'s columns ≠ W_k's rows).
  void Check(const std::string& where) const;
  // f(X) (n × l).
  Matrix Outputs(const Matrix& X) const;
};

}  // namespace marginlab::nn
