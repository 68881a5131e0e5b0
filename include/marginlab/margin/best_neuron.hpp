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
//   ascent  — seeded multi-start ascent on the sphere (best_neuron_ascent.cpp):
//             starts at what is known — the caller's seeds (the current
//             column-generation support, a certified net's own neurons), ±x̂_i
//             of the inputs with the largest |α_i|‖x_i‖, ±e_k, and seeded
//             random directions — and climbs cell-wise from each (fixed point
//             u ← ĝ_{D(u)}, else a backtracking step along the cell gradient
//             u + t g_{D(u)}, renormalized), all starts at once with blocked
//             matrix products. Its value is never below its best seed. A lower
//             estimate only: "heuristic", upper = +inf, never called a bound.
//   auto    — exact for r ≤ 3, bnb for r ≤ bnb_max_dim, ascent otherwise.
// Seeds matter for honesty as well as speed: a dual value built from the
// oracle is ≤ the objective of a measure whose atoms were all seeds (its
// atoms then satisfy |F(ū_j)| ≤ the oracle's value), so seeding with the
// certified net's neurons, or the current support, keeps an estimate from
// exceeding a primal value the run knows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"

namespace marginlab::margin {

// The best-neuron oracle's methods, the one list every option, flag and message uses:
// "auto" picks exact (effective dimension ≤ 3), bnb (≤ bnb_max_dim) or ascent (an estimate).
const std::vector<std::string>& OracleMethods();
bool IsOracleMethod(const std::string& name);
// The methods as the algorithms see them (strings at the edge, enums inside):
enum class OracleMethod { kAuto, kExact, kBranchBound, kAscent };
OracleMethod ParseOracleMethod(const std::string& name, const std::string& what);  // InputError naming `what`
// What a result of the oracle is: exact (the maximum), a branch-and-bound bracket (upper a
// bound), or a heuristic value (upper +inf: an estimate).
enum class OracleMode { kExact, kBound, kHeuristic };
const char* ToString(OracleMode mode);  // "exact" | "bound" | "heuristic": the results' `oracle` key

struct OracleOptions {
  std::string method = "auto";  // auto | exact | bnb | ascent
  int bnb_max_dim = 5;          // auto uses bnb up to this effective dimension
  long bnb_max_nodes = 200000;  // node budget of the branch-and-bound
  double tolerance = 1e-7;      // bnb: stop when upper − value ≤ tol · Σ|α_i|‖x_i‖
  int ascent_starts = 32;       // random starts (each climbed with both signs of α)
  int data_starts = 64;         // ±x̂_i of this many inputs, largest |α_i|‖x_i‖ first
  bool axis_starts = true;      // ±e_k
  int ascent_iterations = 200;  // steps per start
  int candidates = 1;           // distinct best directions returned (column generation)
  std::uint64_t seed = 0;
  template <class V>
  void Fields(V& v) {
    v("method", method, "{choices} (exact: effective dim ≤ 3; ascent: uncertified)", OracleMethods());
    v("bnb_max_dim", bnb_max_dim, "auto: branch-and-bound up to this effective dimension");
    v("bnb_max_nodes", bnb_max_nodes, "branch-and-bound node budget");
    v("tolerance", tolerance, "bnb: relative gap (to Σ|α_i|‖x_i‖) that certifies");
    v("ascent_starts", ascent_starts, "ascent: random starts (both signs)");
    v("data_starts", data_starts, "ascent: starts ±x̂_i of the inputs with the largest |α_i|‖x_i‖");
    v("axis_starts", axis_starts, "ascent: start from ±e_k");
    v("ascent_iterations", ascent_iterations, "ascent: steps per start");
    v("candidates", candidates, "distinct best directions returned");
    v("seed", seed, "random starts");
  }
  std::string Validate() const;
};

struct OracleResult {
  double value = 0;   // |F(u)| at the returned u: always attained (a lower bound on M)
  double upper = 0;   // a certified upper bound on M; +inf for the heuristic
  bool certified = false;  // upper − value within tolerance (exact: always)
  OracleMode mode = OracleMode::kHeuristic;
  // Whether `upper` bounds M (exact or branch-and-bound): the one test of every certificate.
  bool Bounded() const { return mode != OracleMode::kHeuristic; }
  Vector u;           // d, unit norm (or zero when M = 0)
  int sign = 1;       // F(u) = sign · value
  int effective_dim = 0;
  long nodes = 0;        // bnb nodes / ascent iterations (over all starts)
  long starts = 0;       // ascent: starting directions climbed
  long evaluations = 0;  // directions at which F was evaluated (ascent and its warm starts)
  // Up to `candidates` distinct directions, best first (row 0 is u), with
  // their |F|; column generation adds every one that prices out.
  Matrix candidates;     // k×d, unit rows
  Vector candidate_values;
};

// F(u) = Σ_i α_i relu(u·x_i).
double NeuronValue(const Matrix& X, const Vector& alpha, const Vector& u);

// `seeds` (K×d, any norm; zero rows ignored): directions the ascent starts
// from and the branch-and-bound's warm start; the exact method ignores them.
OracleResult BestNeuron(const Matrix& X, const Vector& alpha, const OracleOptions& opts = {},
                        const Matrix& seeds = Matrix());

// The methods directly (X already any shape; each reduces to the row space).
OracleResult BestNeuronExact(const Matrix& X, const Vector& alpha);
OracleResult BestNeuronBranchBound(const Matrix& X, const Vector& alpha, const OracleOptions& opts,
                                   const Matrix& seeds = Matrix());
OracleResult BestNeuronAscent(const Matrix& X, const Vector& alpha, const OracleOptions& opts,
                              const Matrix& seeds = Matrix());

// Orthonormal basis V (d×r) of X's row space (rows with ‖x‖ = 0 ignored): the oracles search
// within it, and the mean-field flow's diagnostics measure the effective dimension r with it.
Matrix RowSpaceBasis(const Matrix& X);

}  // namespace marginlab::margin
