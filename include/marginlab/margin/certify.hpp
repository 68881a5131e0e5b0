// Certified optimality gaps for the l2-regularized two-layer objective, and
// its exact global optimum in low dimension (DESIGN §2, "Global optimum and
// certificates"; Wei et al. eq. 2.2, §3 and Example 3.2).
//
// Objective of a network Θ = (U, w) with output scale s:
//     L(Θ) = (1/n) Σ_i ℓ_i(f(x_i)) + λ‖Θ‖²,   ℓ_i(a) = log(1 + e^{−y_i a})  (logistic)
//                                              ℓ_i(a) = (a − y_i)²           (squared).
// Since λ(w² + ‖u‖²) ≥ 2λ|w|‖u‖ (equality when balanced) and f is a signed
// measure c on the sphere (c = s Σ_j w_j‖u_j‖ δ_{û_j}), for every width
//     L(Θ) ≥ P(c) = R(Φc) + (2λ/s)‖c‖_TV,   R(a) = (1/n) Σ ℓ_i(a_i),
// and inf over widths ≥ n + 1 of L equals min_c P (Wei et al. §3 / E).
// Fenchel dual: for any β ∈ Rⁿ with M(β) ≤ 2λ/s (M: best_neuron.hpp),
//     min_c P(c) ≥ D(β) = −R*(β) = −(1/n) Σ_i ℓ_i*(n β_i),
//     logistic ℓ_i*(v) = t log t + (1−t) log(1−t),  t = −y_i v ∈ [0, 1],
//     squared  ℓ_i*(v) = v y_i + v²/4.
// The certificate of a trained network takes β = ∇R(f(X)) (its residuals,
// (1/n) ℓ_i'(f_i)), scales it by min(1, (2λ/s)/M̄(β)) and reports
// D ≤ min P ≤ L(Θ) and gap = L(Θ) − D. It is certified when M̄ is an upper
// bound on M (exact oracle or branch-and-bound). With the heuristic oracle M̄
// is the oracle's value, D is only an ESTIMATE of a lower bound (never called
// one) and `certified` is false. The oracle is seeded with the network's own
// neurons, so M̄ ≥ max_j |Σ_i β_i relu(û_j·x_i)| and, by Fenchel–Young, even
// the estimate never exceeds L(Θ) (checked). At the global optimum β is the
// optimal dual point and the gap is 0.
//
// GlobalOptimum (global_optimum.hpp) computes the global minimum itself.
#pragma once

#include <string>
#include <vector>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/margin/best_neuron.hpp"
#include "marginlab/margin/objective.hpp"
#include "marginlab/margin/global_optimum.hpp"
#include "marginlab/margin/two_layer.hpp"

namespace marginlab::margin {

struct CertifyOptions {
  std::string loss = "logistic";  // logistic | squared
  double lambda = 1e-3;           // λ (of λ‖Θ‖², with the 1/n-mean data loss)
  OracleOptions oracle;
  long max_rounds = 300;          // GlobalOptimum: column-generation rounds
  long cd_sweeps = 2000;          // GlobalOptimum: coordinate-descent sweeps per round (max)
  double tolerance = 1e-10;       // GlobalOptimum: stop when the gap ≤ tolerance · max(1, |P|)
  int columns_per_round = 8;      // GlobalOptimum: directions added per round (at most)
  long initial_inputs = 256;      // GlobalOptimum: first columns ±x̂_i of this many inputs, ±e_k
  // GlobalOptimum: called after each round with min L's bracket; false stops
  // (Termination::kStopped). Not a parameter (no Fields entry).
  Observer<BracketRecord> observer;
  template <class V>
  void Fields(V& v) {
    v("loss", loss, "data loss (mean over the examples)", MarginLoss::Names());
    v("lambda", lambda, "regularization λ of λ‖Θ‖²");
    v("oracle", oracle.method, "{choices} (ascent: an estimate, not a bound)", OracleMethods());
    v("max_rounds", max_rounds, "global optimum: column-generation rounds");
    v("tolerance", tolerance, "global optimum: relative gap that stops");
    v("columns_per_round", columns_per_round, "global optimum: directions added per round");
  }
  std::string Validate() const;
};

struct GapCertificate {
  double objective = 0;     // L(Θ) of the network (or P of the measure)
  double data_loss = 0;     // (1/n) Σ ℓ_i
  double lower_bound = 0;   // D(β scaled): ≤ the global minimum when certified, else an estimate
  double gap = 0;           // objective − lower_bound (an estimate unless certified)
  bool certified = false;
  std::string oracle_mode;  // exact | bound | heuristic
  double oracle_value = 0, oracle_upper = 0;  // M(β) found / bounded
  double dual_scale = 1;    // min(1, (2λ/s)/M̄)

  // Its output keys (core/options.hpp): `lower` and `gap` are bounds when `certified`, else
  // estimates; oracle_upper only when certified.
  template <class V>
  void Fields(V& v) const {
    v("objective", objective);
    v("data_loss", data_loss);
    v("lower", lower_bound);
    v("gap", gap);
    v("bracket", Bracket{lower_bound, objective});
    v("certified", certified);
    v("oracle", oracle_mode);
    v("oracle_value", oracle_value);
    v("oracle_upper", certified ? std::optional<double>(oracle_upper) : std::nullopt);
    v("dual_scale", dual_scale);
  }
};

// Checks shapes, finiteness, and ±1 labels for the logistic loss (InputError naming `what`).
void CheckCertifyData(const Matrix& X, const Vector& y, const MarginLoss& loss, const char* what);

GapCertificate CertifyNetwork(const TwoLayerNet& net, const Matrix& X, const Vector& y,
                              const CertifyOptions& opts);

// The dual value at outputs f for the problem with TV weight mu (= 2λ/s):
// β = ∇R(f) scaled into {M ≤ mu}, the oracle seeded with `atoms` (directions of
// the measure that produced f). Fills lower_bound, certified, oracle_*, dual_scale.
GapCertificate DualAtOutputs(const MarginLoss& loss, const Matrix& X, const Vector& y,
                             const Vector& f, double mu, const OracleOptions& oracle,
                             const Matrix& atoms, long* evaluations = nullptr);

// The margin gap of a network: γ_hi/2 − γ(Θ) (Wei et al. Prop. B.10: γ_hi/2
// bounds the normalized margin of every two-layer network from above).
inline double MarginGap(double network_margin, double gamma_hi) {
  return gamma_hi / 2 - network_margin;
}

}  // namespace marginlab::margin
