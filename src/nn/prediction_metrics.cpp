// Metrics of predictions against labels (see the header).
#include "marginlab/nn/prediction_metrics.hpp"

#include "marginlab/core/error.hpp"
#include "marginlab/nn/loss.hpp"

namespace marginlab::nn {

double ErrorRate(const Matrix& F, const Vector& y, LabelKind kind) {
  ML_CHECK(F.rows() == y.size()) << "scores and labels differ in length";
  if (kind == LabelKind::kReal || F.rows() == 0 || !F.allFinite()) return std::numeric_limits<double>::quiet_NaN();
  const Vector z = Margins(F, y);
  Index wrong = 0;
  for (Index i = 0; i < z.size(); ++i) wrong += z[i] <= 0 ? 1 : 0;
  return static_cast<double>(wrong) / static_cast<double>(z.size());
}

PredictionMetrics EvaluatePredictions(const Matrix& F, const Vector& y, LabelKind kind) {
  PredictionMetrics m;
  m.error = ErrorRate(F, y, kind);
  if (F.cols() == 1 && kind != LabelKind::kClass && F.rows() > 0 && F.allFinite()) {
    const Vector f = F.col(0);
    m.mse = (f - y).squaredNorm() / static_cast<double>(y.size());
    m.truncated_mse = (f - y).array().square().min(1.0).mean();
  }
  return m;
}

}  // namespace marginlab::nn
