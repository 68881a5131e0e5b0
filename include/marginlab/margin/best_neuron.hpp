// The best-neuron oracle (DESIGN §2, "Global optimum and certificates").
//
// Problem:   M(α) = max_{‖u‖₂ ≤ 1} |F(u)|,   F(u) = Σ_i α_i relu(u·x_i),
//            X (n×d, one x_i per row), α (n). F is 1-homogeneous, so M is the
//            max of |F| on the unit sphere (or 0). It is the dual norm that
//            prices a neuron: the l1-SVM over ReLU features (Wei et al. eq.
//            B.14) has γ_ℓ1 = min_{q∈Δ} M(q∘y), and the convex problem over
//            measures behind the l2-regularized two-layer objective has the
//            dual constraint M(β) ≤ 2λ.
// Methods (OracleOptions::method):
//   exact   — effective dimension r = rank X ≤ 3 (d = 2 covers 1-D inputs
//             with a bias). X is reduced to its row space. r = 2: a sweep
//             around the circle through the 2n arcs of the arrangement
//             {u·x_i = 0}; on an arc with activation set D, F(u) = g_D·u with
//             g_D = Σ_{i∈D} α_i x_i, maximized at ĝ_D if ĝ_D lies in the arc,
//             else at an end. r = 3: F's maximum over a closed cell of the
//             great-circle arrangement is either interior (u = ĝ_D, value
//             ‖g_D‖, which requires ĝ_D in the cell) or on a great circle
//             {u·x_i = 0}, where F restricted to the circle is again the r = 2
//             problem. So M = max(the n circle sweeps, F(ĝ_D) over cells D),
//             the cells being read off both sides of every arc of every sweep
//             and visited in decreasing ‖g_D‖ with the exact pruning
//             max_{cell D} F ≤ ‖g_D‖. Cost O(n² log n). Certified.
//   bnb     — a certified upper bound by branch-and-bound on the sphere for
//             moderate r: the sphere is the radial image of the 2r faces of
//             the cube, boxes are bisected along their longest side; on a cap
//             of angular radius ρ around c, u·x_i ∈ ‖x_i‖[cos(θ_i+ρ),
//             cos(max(θ_i−ρ, 0))] (θ_i = ∠(c, x_i)), which bounds F from above
//             and below. It stops when the best upper bound is within the
//             tolerance of the best value found (certified) or at the node
//             budget (then `upper` is still a valid, looser bound).
//   ascent  — multi-start projected ascent (fixed-point steps u ← ĝ_{D(u)}
//             with backtracking toward u + t g_{D(u)}), from random starts and
//             ±x̂_i. A lower estimate only: "uncertified" wherever reported.
//   auto    — exact for r ≤ 3, bnb for r ≤ bnb_max_dim, ascent otherwise.
#pragma once

#include <cstdint>
#include <string>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"

namespace marginlab::margin {

struct OracleOptions {
  std::string method = "auto";  // auto | exact | bnb | ascent
  int bnb_max_dim = 5;          // auto uses bnb up to this effective dimension
  long bnb_max_nodes = 200000;  // node budget of the branch-and-bound
  double tolerance = 1e-7;      // bnb: stop when upper − value ≤ tol · Σ|α_i|‖x_i‖
  int ascent_starts = 64;       // random starts (plus ±x̂_i, up to 2n more)
  int ascent_iterations = 200;
  std::uint64_t seed = 0;
  template <class V>
  void Fields(V& v) {
    v("method", method, "auto | exact (effective dim ≤ 3) | bnb | ascent (uncertified)");
    v("bnb_max_dim", bnb_max_dim, "auto: branch-and-bound up to this effective dimension");
    v("bnb_max_nodes", bnb_max_nodes, "branch-and-bound node budget");
    v("tolerance", tolerance, "bnb: relative gap (to Σ|α_i|‖x_i‖) that certifies");
    v("ascent_starts", ascent_starts, "projected ascent: random starts");
    v("ascent_iterations", ascent_iterations, "projected ascent: steps per start");
    v("seed", seed, "random starts");
  }
  std::string Validate() const;
};

struct OracleResult {
  double value = 0;   // |F(u)| at the returned u: always attained (a lower bound on M)
  double upper = 0;   // a certified upper bound on M; +inf for the heuristic
  bool certified = false;  // upper − value within tolerance (exact: always)
  std::string mode;   // "exact" | "bound" | "heuristic"
  Vector u;           // d, unit norm (or zero when M = 0)
  int sign = 1;       // F(u) = sign · value
  int effective_dim = 0;
  long nodes = 0;     // bnb nodes / ascent steps
};

// F(u) = Σ_i α_i relu(u·x_i).
double NeuronValue(const Matrix& X, const Vector& alpha, const Vector& u);

OracleResult BestNeuron(const Matrix& X, const Vector& alpha, const OracleOptions& opts = {});

// The methods directly (X already any shape; each reduces to the row space).
OracleResult BestNeuronExact(const Matrix& X, const Vector& alpha);
OracleResult BestNeuronBranchBound(const Matrix& X, const Vector& alpha, const OracleOptions& opts);
OracleResult BestNeuronAscent(const Matrix& X, const Vector& alpha, const OracleOptions& opts);

namespace detail {
// Orthonormal basis V (d×r) of X's row space (rows with ‖x‖ = 0 ignored).
Matrix RowSpaceBasis(const Matrix& X);
}  // namespace detail

}  // namespace marginlab::margin
