// The mean-field objective, its first variation and velocity field, evaluated
// on a particle measure (Wei et al. §3, Example 3.2; DESIGN §2 "Mean field").
//
//   a_i = ∫Φ_i dρ = Σ_j m_j w_j relu(u_j·x_i)                    (the network's outputs)
//   L[ρ] = R(a) + ∫V dρ,  R(a) = Σ_i log(1 + e^{−y_i a_i}),  V(θ) = λ‖θ‖²
//   α_i = ∂R/∂a_i = −y_i / (1 + e^{y_i a_i})
//   L′[ρ](θ) = Σ_i α_i w relu(u·x_i) + λ‖θ‖²                   (first variation)
//   v[ρ](θ) = −∇_θ L′[ρ](θ):  v_w = −(Σ_i α_i relu(u·x_i) + 2λw),
//                             v_u = −(w Σ_i α_i 1[u·x_i > 0] x_i + 2λu)
// with relu′(0) = 0 (the nn module's convention). Note R is the SUM over the n
// examples (Example 3.2), not the mean of eq. 2.2: L[ρ] = n · (the mean-loss
// objective with λ/n), which is how certify.hpp's certificates are rescaled.
//
// Since ∂L/∂θ_j of the particle system equals m_j ∇L′[ρ](θ_j) = −m_j v(θ_j), one
// transport step θ_j ← θ_j + η v(θ_j) with equal masses 1/M is one gradient step
// of the width-M network with mean-field scaling f = (1/M) Σ_j w_j relu(u_j·x) on
// (1/n) Σ ℓ + (λ/(nM)) ‖Θ‖² with step η n M (tested against nn::Train).
//
// Computation: particles in fixed blocks of kBlock (results do not depend on the
// thread count), by the nn module's fused two-layer kernels (nn/two_layer_kernel.hpp;
// a step of the particle system is a step of a two-layer network): pass 1 (outputs)
// a = Σ_b relu(X U_bᵀ)(m∘w)_b with Z in registers, one partial sum per block added in
// block order, and the activation pattern 1[u_j·x_i > 0] kept as bits (M·n/8 bytes);
// pass 2 (velocity) from that pattern: v_j = Σ_i α_i 1[u_j·x_i > 0] x_i, then
// G_u = w_j v_j and g_w = Σ_i α_i relu(u_j·x_i) = u_j·v_j — 4Mnd flops per step. The
// pattern travels from Evaluate to Transport / Velocity in a Workspace; without one,
// pass 2 runs pass 1 again (6Mnd).
#pragma once

#include <cstdint>
#include <vector>

#include "marginlab/core/types.hpp"
#include "marginlab/meanfield/measure.hpp"
#include "marginlab/core/block_pool.hpp"
#include "marginlab/nn/mlp.hpp"

namespace marginlab::meanfield {

inline constexpr Index kBlock = nn::kUnitBlock;  // particles per block (64)

// Buffers and the activation pattern of the last Evaluate, for pass 2 of the same measure
// (Transport invalidates it: it moves the particles).
struct Workspace {
  Index particles = -1;            // M of the measure the pattern belongs to; −1: none
  std::vector<std::uint8_t> mask;  // activation pattern, blocks of n × kBlock bits
  Matrix coeff, w, gw;             // 1×M rows: m∘w, w, g_w
  Matrix part;                     // n × blocks: per-block partial outputs
  Vector reg;                      // blocks: per-block Σ m‖θ‖²
  Matrix G;                        // M×d: w_j v_j
};

// Training data and λ. y ∈ {±1}.
struct Problem {
  Matrix X;        // n×d
  Vector y;        // n
  double lambda = 0;
  Matrix Xt;       // d×n (filled by Make)
  static Problem Make(const Matrix& X, const Vector& y, double lambda);  // InputError on bad data
  Index n() const { return X.rows(); }
  Index d() const { return X.cols(); }
};

struct Evaluation {
  Vector a;          // n outputs ∫Φ dρ
  Vector alpha;      // n, ∂R/∂a
  double data = 0;   // R(a)
  double reg = 0;    // ∫V dρ
  double objective = 0;  // L[ρ]
};

// Pass 1: outputs, R, ∫V, L and α. `pool` may be null (one thread).
// With a workspace, also keeps the activation pattern there for the pass 2 that follows.
Evaluation Evaluate(const Problem& p, const ParticleMeasure& rho, BlockPool* pool = nullptr,
                    Workspace* workspace = nullptr);

// Pass 2: velocities v[ρ](θ_j) at every particle (M×(d+1), column 0 = v_w) given α of ρ,
// and optionally the first variation L′[ρ](θ_j) (M).
// `workspace`: from Evaluate of this ρ (then pass 1 is not repeated), or null.
Matrix Velocity(const Problem& p, const ParticleMeasure& rho, const Vector& alpha,
                Vector* first_variation = nullptr, BlockPool* pool = nullptr,
                Workspace* workspace = nullptr);

// Pass 2 fused with the transport: θ_j ← θ_j + η v[ρ](θ_j) in place (α from ρ before the step).
// If `direction_variation` is given it receives L′[ρ](θ̄_j) at the unit direction θ̄_j = θ_j/‖θ_j‖
// before the step (= L′[ρ](θ_j)/‖θ_j‖²): by Euler's identity d/dt ‖θ‖² = −4 L′[ρ](θ), so a
// particle's content m‖θ‖² grows exactly when this is below −σ/4.
void Transport(const Problem& p, ParticleMeasure& rho, const Vector& alpha, double eta,
               BlockPool* pool = nullptr, Vector* direction_variation = nullptr,
               Workspace* workspace = nullptr);

// The first variation at arbitrary points θ = (w, u) (rows of Theta, M×(d+1)).
Vector FirstVariation(const Problem& p, const Vector& alpha, const Matrix& Theta);

// FLOPs of one Evaluate + Transport sharing a Workspace at M particles (2 GEMM-shaped
// products of 2Mnd each plus the elementwise passes): the count the benchmark divides by.
double StepFlops(Index M, Index n, Index d);

}  // namespace marginlab::meanfield
