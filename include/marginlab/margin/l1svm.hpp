// The l1-SVM over ReLU features (Wei et al. eq. B.14) and the network it
// defines (Prop. B.10).
//
// Problem:  γ_ℓ1 = max_{‖μ‖₁ ≤ 1} min_i y_i ∫ relu(ū·x_i) dμ(ū),  ū ∈ S^{d−1},
//           with dual γ_ℓ1 = min_{q∈Δ_n} M(q∘y) (M: best_neuron.hpp).
// (a) Over a finite dictionary ū_1…ū_K (rows of D, unit norm; F.4 uses K = 1000
//     evenly spaced (w, b) on the circle, CircleDictionary): the LP
//        max t  s.t.  y_i Σ_j relu(ū_j·x_i)(a⁺_j − a⁻_j) ≥ t,  Σ_j (a⁺_j + a⁻_j) ≤ 1,
//     a± ≥ 0, solved by the LP backend; q ∈ Δ_n are its row duals.
// (b) Column generation: solve (a) on the current columns — one signed column
//     per direction, a_j ≥ 0 with feature s_j relu(ū_j·x_i), in an LP model kept
//     between rounds (warm-started Clp) — for γ_lo (a lower bound: the
//     restricted μ is feasible for B.14; recomputed from the weights), price
//     with the oracle at α = q∘y seeded with the current support, add every
//     candidate direction that prices out (s·F(ū) > γ_lo, up to
//     `columns_per_round`), repeat until γ_hi − γ_lo ≤ tolerance or no column
//     prices out. The first columns are `initial`, or what is known: ±x̂_i of
//     up to `initial_inputs` inputs (all when n is at most that; else an evenly
//     strided subset) and ±e_k, each with both signs. With an exact or branch-and-bound oracle
//     γ_hi = min over rounds of the oracle's upper bound on M(q∘y) (weak
//     duality), a certified bracket. With the heuristic oracle there is no
//     upper bound: γ_hi is the *estimate* M̂(q∘y) at the final q (≥ γ_lo,
//     because the support seeds the oracle), reported as uncertified.
// (c) The network of the LP's vertex solution: width ≤ n + 1 (a basic solution
//     of n + 1 rows), neurons u_j = √|a_j| ū_j, w_j = sign(a_j)√|a_j| (balanced),
//     so ‖Θ‖² = 2‖a‖₁ = 2 and its normalized margin is γ_lo/2 (Prop. B.10).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/margin/best_neuron.hpp"
#include "marginlab/margin/lp.hpp"
#include "marginlab/margin/two_layer.hpp"

namespace marginlab::margin {

struct L1SvmOptions {
  long max_rounds = 500;        // column-generation rounds
  double tolerance = 1e-9;      // stop when γ_hi − γ_lo ≤ tolerance · max_i ‖x_i‖
  int columns_per_round = 8;    // candidate directions added per round (at most)
  long initial_inputs = 32;     // first columns: ±x̂_i of this many inputs (and ±e_k)
  OracleOptions oracle;         // pricing
  // Column generation: called after each round with γ's bracket (lower = γ_lo attained, upper =
  // γ_hi); false stops (Termination::kStopped). Not a parameter (no Fields entry).
  Observer<BracketRecord> observer;
  template <class V>
  void Fields(V& v) {
    v("max_rounds", max_rounds, "column-generation rounds");
    v("tolerance", tolerance, "stop when γ_hi − γ_lo ≤ tolerance · max‖x_i‖");
    v("columns_per_round", columns_per_round, "directions added per round (at most)");
    v("initial_inputs", initial_inputs, "first columns: ±x̂_i of this many inputs, and ±e_k");
    v("oracle", oracle.method, "best-neuron (pricing) oracle: {choices} (ascent: an estimate, not a bound)",
      OracleMethods());
  }
  std::string Validate() const;
};

struct L1SvmRound {
  long columns = 0;
  double gamma_lo = 0, gamma_hi = 0, oracle_value = 0;
  long lp_iterations = 0, oracle_evaluations = 0;
};

struct L1SvmResult : SummaryBase {
  double gamma_lo = 0;       // the LP value on the final columns (attained by `weights`)
  double gamma_hi = 0;       // certified: an upper bound on γ_ℓ1; else an estimate (+inf: none)
  bool certified = false;    // γ_hi is a proven bound (see the header)
  long oracle_evaluations = 0;  // directions at which the oracle evaluated F, all rounds
  std::string oracle_mode;   // "exact" | "bound" | "heuristic" | "" (dictionary only)
  Matrix directions;         // K×d unit columns ū_j used (all of them)
  Vector weights;            // K, signed a_j, Σ|a_j| ≤ 1 (the vertex solution)
  Vector q;                  // n, the dual on the simplex
  std::vector<L1SvmRound> trace;

  // Its output keys (core/options.hpp): γ_ℓ1 ∈ [lower, upper]; `lower` is attained by the
  // extracted network, `upper` a bound when certified (none when there is no upper end).
  template <class V>
  void Fields(V& v) const {
    v("lower", gamma_lo);
    v("upper", FiniteOrNone(gamma_hi));
    v("bracket", Bracket{gamma_lo, gamma_hi});
    v("certified", certified);
    v("oracle", oracle_mode);
    v("columns", static_cast<long>(directions.rows()));
    v("rounds", static_cast<long>(trace.size()));
    v("oracle_evaluations", oracle_evaluations);
    OutcomeFields(*this, v);
  }
};

// F.4's dictionary: K directions (cos θ_k, sin θ_k), θ_k = 2πk/K.
Matrix CircleDictionary(Index K);

// (a): the LP over the dictionary D (K×d, rows normalized here). γ_hi = +inf (no bound).
L1SvmResult L1SvmDictionary(const Matrix& X, const Vector& y, const Matrix& D, LpBackend& lp);

// The dictionary of `margin l1svm --dictionary K`: CircleDictionary(K) when d = 2, else K
// directions uniform on the sphere from Rng(seed).Split(Purpose::kInit). `description` (if given)
// says which, e.g. "1000 random directions on the sphere".
Matrix DefaultDictionary(Index K, Index d, std::uint64_t seed, std::string* description = nullptr);

// γ_hi of a dictionary solution r (from L1SvmDictionary): γ_ℓ1 ≤ M(q∘y) for the LP's dual point q
// (weak duality, B.14), priced by the oracle seeded with the support; certified with an exact or
// branch-and-bound oracle (its upper end), else the oracle's value as an estimate. Sets
// gamma_hi (≥ gamma_lo), certified and oracle_mode.
void BoundDictionarySolution(const Matrix& X, const Vector& y, const OracleOptions& oracle, L1SvmResult& r);

// (b): column generation from `initial` columns (K₀×d; empty: ±x̂_i).
L1SvmResult L1SvmColumnGeneration(const Matrix& X, const Vector& y, LpBackend& lp,
                                  const L1SvmOptions& opts = {}, const Matrix& initial = Matrix());

// Directions known before any pricing: ±x̂_i of up to `max_inputs` inputs
// (evenly strided) and ±e_k (rows, unit). The first columns of the column
// generations of this module and certify.hpp.
Matrix KnownDirections(const Matrix& X, long max_inputs);

// The directions with a nonzero weight (the support; seeds for the oracle).
Matrix SupportDirections(const L1SvmResult& r);

// (c): the balanced network of the nonzero weights (width = their number).
TwoLayerNet ExtractNetwork(const L1SvmResult& r);

}  // namespace marginlab::margin
