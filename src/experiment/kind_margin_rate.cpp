// Trial kind "margin-rate": a linear model trained by nn::Train (depth 1, e.g. exponential
// loss with normalized GD, η_t = η / R̂(w_t)), with the exact max margin of its training
// set — the quantities of Ji Thm 4.1 and §4.4 [ji2020thesis]:
//   γ = max_{‖u‖≤1} min_i y_i ⟨u, x_i⟩ (margin module: LinearMaxMargin, primal value and the
//       dual upper bound), the trace of the normalized margin γ_t of the iterates, and
//   the dual objective g(q_T) = ½‖Σ_i q_i y_i x_i‖² at the last iterate, q_T = softmax(−z)
//       with z_i = y_i ⟨w_T, x_i⟩ (Ji eq. 10), whose minimum over the simplex is γ²/2.
// Parameters: `data` (linearly separable), `test_data` (optional), nn::TrainOptions fields.
// Finals: the nn-train finals plus gamma_star, gamma_star_upper, n, dual_objective,
// dual_optimum (γ²/2).
#include <cmath>

#include "marginlab/core/error.hpp"
#include "experiment/kinds.hpp"
#include "marginlab/margin/linear_svm.hpp"

namespace marginlab::experiment {

TrialResult RunMarginRateTrial(const TrialSpec& spec) {
  Dataset train;
  const nn::TrainSummary s = TrainForTrial(spec, spec.params, &train, nullptr);
  ML_REQUIRE(s.shape.depth() == 1 && s.shape.output_dim() == 1)
      << spec.params.context() << ": margin-rate needs a linear model (depth = 1) with one output";
  TrialResult r = NnTrainResult(s);
  const margin::LinearSvmResult svm = margin::LinearMaxMargin(train.X, train.y);
  ML_REQUIRE(svm.separable) << spec.params.context() << ": margin-rate needs linearly separable data";
  r.AddFinal("gamma_star", svm.margin);
  r.AddFinal("gamma_star_upper", svm.margin_upper);
  r.AddFinal("n", static_cast<double>(train.n()));
  // Dual iterate at the end: q = softmax(−z), computed stably (shift by min z).
  const Vector w = s.final[0].row(0).transpose() * s.shape.OutputScale();
  const Vector z = train.y.cwiseProduct(train.X * w);
  const Vector e = (-(z.array() - z.minCoeff())).exp();
  const Vector q = e / e.sum();
  const Vector v = train.X.transpose() * q.cwiseProduct(train.y);
  r.AddFinal("dual_objective", 0.5 * v.squaredNorm());
  r.AddFinal("dual_optimum", 0.5 * svm.margin * svm.margin);
  return r;
}

}  // namespace marginlab::experiment
