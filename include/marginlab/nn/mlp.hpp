// Homogeneous ReLU multilayer perceptron without biases: model, initialization,
// forward and backward passes.
//
//   depth q = 1:  f(x) = s · W_1 x                          (linear model)
//   depth q = 2:  f(x) = s · W_2 relu(W_1 x) = s Σ_j w_j [u_j·x]_+   (Wei et al. eq. 2.2)
//   depth q ≥ 3:  f(x) = s · W_q relu(W_{q−1} relu(… relu(W_1 x)))  (Wei et al. eq. 4.2)
// W_k has shape (dims[k] × dims[k−1]); dims = (d, m_1, …, m_{q−1}, l). A bias is
// obtained only by appending a constant input coordinate.
// Output scaling s (DESIGN §2): standard s = 1; ntk s = 1/√m (Ji eq. 4) and
// mean-field s = 1/m, m = m_{q−1} the last hidden width (s = 1 for q = 1).
// freeze_output fixes W_q at its initial value (Ji eq. 4: a_s ∈ {±1}, drawn
// Rademacher); it is then not a parameter: it gets no gradient, no update, no
// regularization, and is excluded from ‖Θ‖; f is then (q−1)-homogeneous in Θ.
// Otherwise f(x; cΘ) = c^q f(x; Θ) for c > 0 (tested).
//
// Layout: a batch of inputs is X (n×d), one example per row; activations are
// H_k (n×m_k); outputs F (n×l). Forward/backward follow the llm.c convention
// (outputs, inputs, saved values; gradients prefixed d).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marginlab/core/rng.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/core/block_pool.hpp"

namespace marginlab::nn {

enum class Scaling { kStandard, kNtk, kMeanField };
const char* ToString(Scaling s);
// "standard" | "ntk" | "mean-field" (also "meanfield", "mf"); InputError naming `what`.
const std::vector<std::string>& ScalingNames();  // the canonical names
Scaling ParseScaling(const std::string& text, const std::string& what);

struct MlpShape {
  std::vector<Index> dims;  // d, m_1, …, m_{q−1}, l  (size q + 1 ≥ 2)
  Scaling scaling = Scaling::kStandard;
  bool freeze_output = false;

  int depth() const { return static_cast<int>(dims.size()) - 1; }
  Index input_dim() const { return dims.front(); }
  Index output_dim() const { return dims.back(); }
  double OutputScale() const;
  // q, or q − 1 with a frozen output layer: f(x; cΘ) = c^h f(x; Θ).
  int Homogeneity() const { return depth() - (freeze_output ? 1 : 0); }
  // Number of trainable layers (the leading ones).
  int TrainableLayers() const { return freeze_output ? depth() - 1 : depth(); }
  std::string Describe() const;  // e.g. "20-64-1 (depth 2, ntk, frozen output)"
  // Throws InputError when dims are empty/non-positive or q = 1 with a frozen output.
  void Check() const;
};

template <class T>
using Weights = std::vector<MatrixT<T>>;  // W[k] is W_{k+1}: dims[k+1] × dims[k]

// Independent N(0, std_k²) entries, layer by layer, each filled column by column
// from `rng` (so double and float32 runs start from the same numbers). `stds`
// has one entry per layer or a single entry for all. With freeze_output the last
// layer is Rademacher ±1 instead (Ji eq. 4).
Weights<double> InitWeights(const MlpShape& shape, const std::vector<double>& stds, Rng& rng);

template <class To, class From>
Weights<To> CastWeights(const Weights<From>& w) {
  Weights<To> out;
  for (const auto& m : w) out.push_back(m.template cast<To>());
  return out;
}

// Hidden units per block in the two-layer, scalar-output kernels (fixed, so that
// results do not depend on how blocks are scheduled).
inline constexpr Index kUnitBlock = 64;

// Preallocated buffers for one batch size n (no allocation in the step loop).
template <class T>
struct MlpWorkspace {
  std::vector<MatrixT<T>> H;   // H[k], k = 1..q−1: relu activations (n×m_k); H[0] unused
  std::vector<MatrixT<T>> dH;  // gradient buffers (n×m_k) for the general path
  MatrixT<T> F;                // outputs (n×l)
  MatrixT<T> dWt;              // a weight gradient, transposed (resized on first use)
  MatrixT<T> Fpart;            // two-layer path: per-block partial outputs (n × blocks)
  BlockPool* pool = nullptr;   // if set, the two-layer kernels run their blocks on it
  // Two-layer path: the fused kernels (two_layer_kernel.hpp) keep Z in registers and store
  // only the activation pattern (one bit per entry, blocks of n × kUnitBlock), which is all
  // the backward pass needs. write_activations = false also skips writing H in the forward
  // pass, which only the metrics need (training steps clear it).
  std::vector<std::uint8_t> mask;
  bool write_activations = true;
  void Resize(const MlpShape& shape, Index n);
};

// Forward: ws.H[k] = relu(H_{k−1} W_kᵀ), ws.F = s · H_{q−1} W_qᵀ, H_0 = X.
template <class T>
void MlpForward(MlpWorkspace<T>& ws, const MlpShape& shape, const Weights<T>& W,
                const MatrixT<T>& X);

// Backward: given dF = ∂L/∂F (n×l), fills dW[k] = ∂L/∂W_k for the trainable
// layers (dW must have W's shapes). Uses ws from the matching MlpForward and
// may overwrite ws.H (call MlpForward again before reusing activations).
template <class T>
void MlpBackward(Weights<T>& dW, MlpWorkspace<T>& ws, const MlpShape& shape, const Weights<T>& W,
                 const MatrixT<T>& X, const MatrixT<T>& dF);

// Plain reference implementations (no fusion, allocating), for tests.
Matrix MlpForwardReference(const MlpShape& shape, const Weights<double>& W, const Matrix& X);
Weights<double> MlpBackwardReference(const MlpShape& shape, const Weights<double>& W,
                                     const Matrix& X, const Matrix& dF);

// ‖Θ‖² over the trainable layers, summed in layer order then column order.
template <class T>
double SquaredNorm(const MlpShape& shape, const Weights<T>& W);

}  // namespace marginlab::nn
