// Wolfe's minimum-norm-point algorithm (see the header).
#include "marginlab/margin/min_norm_point.hpp"

#include <algorithm>
#include <vector>

#include "marginlab/core/error.hpp"

namespace marginlab::margin {

std::string MinNormPointOptions::Validate() const {
  if (!(tolerance >= 0)) return "tolerance must be ≥ 0";
  if (max_iterations < 1) return "max_iterations must be ≥ 1";
  return "";
}

namespace {

// Affine minimizer of the points P.row(S[0..]) : min ‖Σ μ_s p_s‖, Σ μ = 1.
Vector AffineMinimizer(const Matrix& P, const std::vector<Index>& S) {
  const Index k = static_cast<Index>(S.size());
  Vector mu(k);
  if (k == 1) {
    mu[0] = 1;
    return mu;
  }
  const Vector p0 = P.row(S[0]).transpose();
  Matrix B(P.cols(), k - 1);  // d × (k−1): p_s − p_0
  for (Index s = 1; s < k; ++s) B.col(s - 1) = P.row(S[s]).transpose() - p0;
  const Vector t = B.colPivHouseholderQr().solve(-p0);
  mu[0] = 1 - t.sum();
  mu.tail(k - 1) = t;
  return mu;
}

}  // namespace

MinNormPointResult MinNormPoint(const Matrix& P, const MinNormPointOptions& opts) {
  ValidateOrThrow(opts, "min-norm point");
  const Index k = P.rows();
  ML_CHECK(k >= 1) << "MinNormPoint needs at least one point";
  MinNormPointResult res;
  Stopwatch sw;
  const double scale = std::max(P.rowwise().squaredNorm().maxCoeff(), 1e-300);
  Index first = 0;
  P.rowwise().squaredNorm().minCoeff(&first);
  std::vector<Index> S{first};
  std::vector<double> lam{1.0};
  Vector x = P.row(first).transpose();
  res.termination = Termination::kMaxIterations;
  while (res.iterations < opts.max_iterations) {
    ++res.iterations;
    // Major step: the vertex most violating the supporting-hyperplane test.
    const Vector px = P * x;
    Index j = 0;
    const double min_px = px.minCoeff(&j);
    const double gap = x.squaredNorm() - min_px;
    if (gap <= opts.tolerance * scale ||
        std::find(S.begin(), S.end(), j) != S.end()) {
      res.termination = Termination::kConverged;
      break;
    }
    S.push_back(j);
    lam.push_back(0.0);
    // Minor steps: move toward the affine minimizer, dropping vertices.
    while (res.iterations < opts.max_iterations) {
      ++res.iterations;
      const Vector mu = AffineMinimizer(P, S);
      bool interior = true;
      for (Index s = 0; s < mu.size(); ++s) interior = interior && mu[s] > 0;
      if (interior) {
        for (Index s = 0; s < mu.size(); ++s) lam[s] = mu[s];
        break;
      }
      double theta = 1.0;
      for (Index s = 0; s < mu.size(); ++s)
        if (mu[s] <= 0) theta = std::min(theta, lam[s] / (lam[s] - mu[s]));
      std::vector<Index> S2;
      std::vector<double> lam2;
      for (Index s = 0; s < mu.size(); ++s) {
        const double v = lam[s] + theta * (mu[s] - lam[s]);
        if (v > 1e-15) {
          S2.push_back(S[s]);
          lam2.push_back(v);
        }
      }
      ML_CHECK(!S2.empty()) << "Wolfe minor step removed every vertex";
      S = S2;
      lam = lam2;
    }
    double total = 0;
    for (double v : lam) total += v;
    x.setZero(P.cols());
    for (size_t s = 0; s < S.size(); ++s) x += (lam[s] / total) * P.row(S[s]).transpose();
  }
  res.q = Vector::Zero(k);
  double total = 0;
  for (double v : lam) total += v;
  for (size_t s = 0; s < S.size(); ++s) res.q[S[s]] = lam[s] / total;
  res.x = P.transpose() * res.q;
  res.gap = std::max(0.0, res.x.squaredNorm() - (P * res.x).minCoeff());
  res.AddTiming("wolfe", sw.Seconds());
  return res;
}

}  // namespace marginlab::margin
