// Empirical NTK of a network of the nn module (nn/network.hpp), trained or saved.
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
// The network is an nn::Network (nn/network.hpp): a trained one from nn::Network::From(shape, W),
// a saved one from nn::NetworkFile::Read(path).Load(key, trial).
#pragma once

#include "marginlab/core/types.hpp"
#include "marginlab/nn/network.hpp"

namespace marginlab::kernel {

// Θ̂(X1, X2) (n1 × n2) of output `output` (0 ≤ output < l). InputError if X's width is not the
// network's input dimension or `output` is out of range. If f1/f2 are given, also f_output(X1/X2).
Matrix EmpiricalNtk(const nn::Network& net, const Matrix& X1, const Matrix& X2, Index output = 0,
                    Vector* f1 = nullptr, Vector* f2 = nullptr);
// Θ̂(X, X), exactly symmetric.
Matrix EmpiricalNtk(const nn::Network& net, const Matrix& X, Index output = 0);

}  // namespace marginlab::kernel
