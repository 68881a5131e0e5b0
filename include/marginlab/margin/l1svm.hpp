// The l1-SVM over ReLU features (Wei et al. eq. B.14) and the network it
// defines (Prop. B.10).
//
// Problem:  γ_ℓ1 = max_{‖μ‖₁ ≤ 1} min_i y_i ∫ relu(ū·x_i) dμ(ū),  ū ∈ S^{d−1},
//           with dual γ_ℓ1 = min_{q∈Δ_n} M(q∘y) (M: best_neuron.hpp).
// (a) Over a finite dictionary ū_1…ū_K (rows of D, unit norm; F.4 uses K = 1000
//     evenly spaced (w, b) on the circle, CircleDictionary): the LP
//        max t  s.t.  y_i Σ_j relu(ū_j·x_i)(a⁺_j − a⁻_j) ≥ t,  Σ_j (a⁺_j + a⁻_j) ≤ 1,
//     a± ≥ 0, solved by the LP backend; q ∈ Δ_n are its row duals.
// (b) Column generation: solve (a) on the current columns (γ_lo, a lower bound:
//     the restricted μ is feasible for B.14), price with the oracle
//     (γ_hi = min over rounds of the oracle's upper bound on M(q∘y), an upper
//     bound by weak duality), add the oracle's ū, repeat until
//     γ_hi − γ_lo ≤ tolerance. The bracket is certified when every γ_hi came
//     from a certified oracle (exact, or a finished branch-and-bound); with the
//     heuristic oracle γ_hi is only an estimate ("uncertified").
// (c) The network of the LP's vertex solution: width ≤ n + 1 (a basic solution
//     of n + 1 rows), neurons u_j = √|a_j| ū_j, w_j = sign(a_j)√|a_j| (balanced),
//     so ‖Θ‖² = 2‖a‖₁ = 2 and its normalized margin is γ_lo/2 (Prop. B.10).
#pragma once

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
  OracleOptions oracle;         // pricing
  template <class V>
  void Fields(V& v) {
    v("max_rounds", max_rounds, "column-generation rounds");
    v("tolerance", tolerance, "stop when γ_hi − γ_lo ≤ tolerance · max‖x_i‖");
    v("oracle", oracle.method, "pricing oracle: auto | exact | bnb | ascent (uncertified)");
  }
  std::string Validate() const;
};

struct L1SvmRound {
  long columns = 0;
  double gamma_lo = 0, gamma_hi = 0, oracle_value = 0;
};

struct L1SvmResult : SummaryBase {
  double gamma_lo = 0;       // the LP value on the final columns (attained by `weights`)
  double gamma_hi = 0;       // an upper bound on γ_ℓ1 (+inf if none was computed)
  bool certified = false;    // γ_hi is a proven bound (see the header)
  std::string oracle_mode;   // "exact" | "bound" | "heuristic" | "" (dictionary only)
  Matrix directions;         // K×d unit columns ū_j used (all of them)
  Vector weights;            // K, signed a_j, Σ|a_j| ≤ 1 (the vertex solution)
  Vector q;                  // n, the dual on the simplex
  std::vector<L1SvmRound> trace;
};

// F.4's dictionary: K directions (cos θ_k, sin θ_k), θ_k = 2πk/K.
Matrix CircleDictionary(Index K);

// (a): the LP over the dictionary D (K×d, rows normalized here).
L1SvmResult L1SvmDictionary(const Matrix& X, const Vector& y, const Matrix& D, LpBackend& lp);

// (b): column generation from `initial` columns (K₀×d; empty: ±x̂_i).
L1SvmResult L1SvmColumnGeneration(const Matrix& X, const Vector& y, LpBackend& lp,
                                  const L1SvmOptions& opts = {}, const Matrix& initial = Matrix());

// (c): the balanced network of the nonzero weights (width = their number).
TwoLayerNet ExtractNetwork(const L1SvmResult& r);

}  // namespace marginlab::margin
