// Empirical NTK of finite networks and its Monte-Carlo average over initializations.
//
// The empirical NTK of a network f(x; Θ) is the Gram matrix of parameter gradients
//     Θ̂(x, x′) = ⟨∇_Θ f(x; Θ), ∇_Θ f(x′; Θ)⟩          (Wei et al. §2; Jacot et al. 2018)
// computed exactly (no finite differences) by batched backpropagation.
//
// Networks (the parameter layout of the nn module: W_k is (out × in), no biases, DESIGN §2):
//  - two-layer f(x) = s Σ_j w_j relu(u_j·x), U (m×d) rows u_j, w (m); s = 1 ('standard') or
//    1/√m ('ntk'). With u ~ N(0, r_u² I), w ~ N(0, r_w²) and s = 1/√m, E[Θ̂] is exactly Wei et al.'s
//    K (kernel "ntk"), at every width m: the gradient Gram is a mean over independent units.
//  - deep MLP f(x) = c_q W_q φ(c_{q−1} W_{q−1} … φ(c_1 W_1 x)), φ = ReLU, with per-layer
//    multipliers c_k: neural-tangents' 'ntk' parameterization has W entries N(0,1) and
//    c_k = W_std/√n_{k−1}; 'standard' has entries N(0, W_std²/n_{k−1}) and c_k = 1 (b_std = 0).
//    Θ̂ = Σ_k c_k² (Δ_k Δ′_kᵀ) ∘ (A_{k−1} A′_{k−1}ᵀ), A_{k−1} the layer inputs (A_0 = X) and
//    Δ_k = ∂f/∂h_k the backpropagated signals (Δ_q = 1, Δ_k = φ′(H_k) ∘ (c_{k+1} Δ_{k+1} W_{k+1})).
//    As the widths grow, E[Θ̂] → deep-ntk and E[f(x) f(x′)] → deep-nngp (closed_form.hpp).
// Networks of the nn module (any depth and scaling, frozen output layer) and files saved by
// `marginlab train --save`: nn_ntk.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/kernel/kernel_spec.hpp"

namespace marginlab::kernel {

// Two-layer net, s the output scale. X1 (n1×d), X2 (n2×d) → n1×n2.
Matrix EmpiricalNtkTwoLayer(const Matrix& U, const Vector& w, double s, const Matrix& X1,
                            const Matrix& X2);

// Deep bias-free ReLU MLP with weights W[k] (n_k × n_{k−1}, W.back() has one row) and layer
// multipliers c[k]. Returns Θ̂ (n1×n2); if outputs != nullptr, also f(X1) (n1) and f(X2) (n2).
// trainable_layers = t ≥ 0 sums the gradient terms of the first t layers only (the others are
// fixed, e.g. a frozen output layer: t = q − 1); −1 means all q layers.
Matrix EmpiricalNtkMlp(const std::vector<Matrix>& W, const std::vector<double>& c, const Matrix& X1,
                       const Matrix& X2, Vector* f1 = nullptr, Vector* f2 = nullptr,
                       Index trainable_layers = -1);
// Forward pass of the same MLP: f(X) (n).
Vector MlpForward(const std::vector<Matrix>& W, const std::vector<double>& c, const Matrix& X);

struct MonteCarloNtkOptions {
  std::string net = "two-layer";  // two-layer | mlp
  Index width = 1000;             // hidden width m (every hidden layer of the MLP)
  Index depth = 2;                // MLP: number of weight matrices (2 = one hidden layer)
  Index samples = 16;             // independent initializations
  std::uint64_t seed = 0;         // sample t draws from Rng(seed).Split(t).Split(kMonteCarlo)
  std::string parameterization = "ntk";  // two-layer: scale 1/√m (ntk) or 1 (standard)
  double rw = 1, ru = 1;          // two-layer init stds
  double w_std = 1;               // MLP: neural-tangents W_std

  template <class V>
  void Fields(V& v) {
    v("net", net, "", Nets());
    v("width", width, "hidden width");
    v("depth", depth, "mlp: number of weight matrices");
    v("samples", samples, "number of initializations averaged");
    v("seed", seed, "random seed");
    v("parameterization", parameterization, "", ParameterizationNames());
    v("rw", rw, "two-layer: std of the output weights");
    v("ru", ru, "two-layer: std of the hidden weights");
    v("w_std", w_std, "mlp: W_std");
  }
  std::string Validate() const;
  bool two_layer() const { return net == "two-layer"; }  // else the MLP (Validate() checked the list)
  bool standard_parameterization() const { return parameterization == "standard"; }
  // "" when `field` is used by this net, else why not (core/params.hpp UnusedField).
  std::string Unused(const std::string& field) const;
  static const std::vector<std::string>& Nets();  // two-layer, mlp
};

struct MonteCarloNtk {
  Matrix ntk_mean, ntk_stderr;    // mean of Θ̂ over samples and its standard error
  Matrix nngp_mean, nngp_stderr;  // mean of f(x)f(x′) and its standard error
};

// Averages the empirical NTK (and the output covariance) over opts.samples initializations,
// in parallel over samples; the result does not depend on the thread count.
MonteCarloNtk MonteCarloEmpiricalNtk(const MonteCarloNtkOptions& opts, const Matrix& X1, const Matrix& X2);

}  // namespace marginlab::kernel
