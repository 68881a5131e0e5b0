// Hard-margin linear SVM through the origin via Wolfe's min-norm point (see the header).
#include "marginlab/margin/linear_svm.hpp"

#include <cmath>

#include "marginlab/core/error.hpp"

namespace marginlab::margin {

Matrix SignedRows(const Matrix& X, const Vector& y, const char* what) {
  ML_REQUIRE(X.rows() == y.size()) << what << ": X has " << X.rows() << " rows but y has "
                                   << y.size() << " labels";
  ML_REQUIRE(X.rows() >= 1) << what << ": no examples";
  ML_REQUIRE(X.allFinite()) << what << ": the inputs contain NaN or Inf";
  for (Index i = 0; i < y.size(); ++i)
    ML_REQUIRE(y[i] == 1.0 || y[i] == -1.0)
        << what << ": label " << i << " is " << y[i] << "; expected binary labels ±1";
  return y.asDiagonal() * X;
}

LinearSvmResult LinearMaxMargin(const Matrix& X, const Vector& y, const MinNormPointOptions& opts) {
  const Matrix Z = SignedRows(X, y, "linear max margin");
  const MinNormPointResult mnp = MinNormPoint(Z, opts);
  LinearSvmResult res;
  static_cast<SummaryBase&>(res) = mnp;
  res.q = mnp.q;
  res.kkt_gap = mnp.gap;
  res.margin_upper = mnp.x.norm();
  const double norm = mnp.x.norm();
  const double scale = std::sqrt(Z.rowwise().squaredNorm().maxCoeff());
  // Separable iff the min-norm point is not the origin; and its direction then
  // separates every point with margin ‖x‖ (up to the KKT gap).
  res.separable = norm > 1e-12 * scale && (Z * mnp.x).minCoeff() > 0;
  if (res.separable) {
    res.w = mnp.x / norm;
    res.margin = (Z * res.w).minCoeff();  // the primal value of w (≤ γ, = γ at the optimum)
    res.alpha = res.q / (norm * norm);
  } else {
    res.w = Vector::Zero(X.cols());
    res.margin = 0;
    res.alpha = Vector::Zero(X.rows());
  }
  for (Index i = 0; i < res.q.size(); ++i)
    if (res.q[i] > 0) res.support.push_back(i);
  return res;
}

}  // namespace marginlab::margin
