// Θ_λ, the global minimizer of the l2-regularized two-layer objective over every
// width ≥ n + 1 (Wei et al. eq. 2.2, §3, Example 3.2; DESIGN §2), by column
// generation on the convex measure problem of objective.hpp:
//     min_c P(c) = R(Φc) + 2λ‖c‖_TV.
// Columns start as what is known (l1svm.hpp KnownDirections: ±x̂_i of up to
// `initial_inputs` inputs and ±e_k, or the caller's directions). Each round
// solves the restricted problem min_a R(Φ_S a) + 2λ‖a‖₁ exactly
// (restricted_fit.hpp, warm-started from the last a), then prices
// β = ∇R(Φa) with the best-neuron oracle seeded with the support; every
// candidate ū with |Σ_i β_i relu(ū·x_i)| > 2λ joins (up to
// `columns_per_round`), until M(β) ≤ 2λ(1 + tolerance) or the bracket closes.
// Bracket on min P = inf_Θ L(Θ): upper = P(a) of the best measure (attained by
// `network`); lower = D(β·min(1, 2λ/M̄(β))) (objective.hpp). Certified when M̄
// is an upper bound on M (exact oracle, or a branch-and-bound) — then `lower`
// is the best over rounds. With the heuristic oracle `lower` is an ESTIMATE
// (the final round's, ≤ upper because the support seeds the oracle) and
// `certified` is false.
#pragma once

#include <string>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/margin/best_neuron.hpp"
#include "marginlab/margin/two_layer.hpp"

namespace marginlab::margin {

struct CertifyOptions;  // certify.hpp: loss, λ, oracle and the column-generation controls

struct GlobalOptimumResult : SummaryBase {
  double lower = 0, upper = 0;  // bracket on min_c P = inf_Θ L(Θ) (lower: an estimate unless certified)
  bool certified = false;
  std::string oracle_mode;      // exact | bound | heuristic
  TwoLayerNet network;          // balanced network of the best measure (its L(Θ) is `upper`)
  Matrix directions;            // K×d columns
  Vector weights;               // K signed masses a_j
  long rounds = 0;
  long oracle_evaluations = 0;

  // Its output keys (core/options.hpp): `objective` is min L's upper end, attained by `network`;
  // `lower` its lower end (a bound when certified).
  template <class V>
  void Fields(V& v) const {
    v("objective", upper);
    v("lower", lower);
    v("bracket", Bracket{lower, upper});
    v("certified", certified);
    v("oracle", oracle_mode);
    v("rounds", rounds);
    v("columns", static_cast<long>(directions.rows()));
    v("oracle_evaluations", oracle_evaluations);
    OutcomeFields(*this, v);
  }
};

GlobalOptimumResult GlobalOptimum(const Matrix& X, const Vector& y, const CertifyOptions& opts,
                                  const Matrix& initial = Matrix());

}  // namespace marginlab::margin
