// Ji §4.2 split into S_sep and S_sc (see the header).
#include "marginlab/margin/ji_split.hpp"

#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/margin/linear_svm.hpp"

namespace marginlab::margin {

namespace {

double Softplus(double t) { return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)); }
double Sigmoid(double t) { return t >= 0 ? 1 / (1 + std::exp(-t)) : std::exp(t) / (1 + std::exp(t)); }

// min_c (1/n) Σ_i log(1 + e^{−a_i·c}) over c ∈ R^r (A: k×r), strongly convex.
Vector LogisticNewton(const Matrix& A, double n, double* value) {
  const Index r = A.cols();
  Vector c = Vector::Zero(r);
  auto f = [&](const Vector& v) {
    double s = 0;
    const Vector z = A * v;
    for (Index i = 0; i < z.size(); ++i) s += Softplus(-z[i]);
    return s / n;
  };
  double fc = f(c);
  for (int it = 0; it < 200; ++it) {
    const Vector z = A * c;
    Vector g = Vector::Zero(r);
    Matrix Hs = Matrix::Zero(r, r);
    for (Index i = 0; i < z.size(); ++i) {
      const double p = Sigmoid(-z[i]);
      g -= p * A.row(i).transpose();
      Hs += p * (1 - p) * A.row(i).transpose() * A.row(i);
    }
    g /= n;
    Hs /= n;
    if (g.norm() < 1e-15) break;
    const Vector step = Hs.ldlt().solve(-g);
    if (-g.dot(step) < 1e-28) break;  // Newton decrement: quadratic convergence reached
    double t = 1;
    double fn = f(c + step);
    while (fn > fc + 1e-4 * t * g.dot(step) && t > 1e-12) {
      t /= 2;
      fn = f(c + t * step);
    }
    c += t * step;
    fc = fn;
  }
  *value = fc;
  return c;
}

}  // namespace

JiSplit SplitSeparable(const Matrix& X, const Vector& y, LpBackend& backend) {
  const Matrix Z = SignedRows(X, y, "S_sep/S_sc split");
  const Index n = Z.rows(), d = Z.cols();
  // Variables (u ∈ R^d free, s ∈ [0,1]^n); rows Z u − s ≥ 0.
  LpProblem lp = LpProblem::Make(n, d + n);
  lp.maximize = true;
  lp.A.leftCols(d) = Z;
  lp.A.rightCols(n) = -Matrix::Identity(n, n);
  lp.row_lower.setZero();
  lp.c.tail(n).setOnes();
  lp.col_lower.head(d).setConstant(-kLpInf);
  lp.col_upper.tail(n).setOnes();
  const LpSolution sol = backend.Solve(lp);
  ML_CHECK(sol.status == LpStatus::kOptimal) << "split LP: " << ToString(sol.status);
  JiSplit out;
  for (Index i = 0; i < n; ++i) (sol.x[d + i] > 0.5 ? out.sep : out.sc).push_back(i);

  // H = span{x_i : i ∈ S_sc}.
  if (!out.sc.empty()) {
    Matrix Xsc(static_cast<Index>(out.sc.size()), d);
    for (size_t k = 0; k < out.sc.size(); ++k) Xsc.row(k) = Z.row(out.sc[k]);
    Eigen::JacobiSVD<Matrix> svd(Xsc, Eigen::ComputeFullV);
    const double tol = 1e-10 * std::max(svd.singularValues()[0], 1e-300);
    Index r = 0;
    while (r < svd.singularValues().size() && svd.singularValues()[r] > tol) ++r;
    out.H = svd.matrixV().leftCols(r);
    const Vector c = LogisticNewton(Xsc * out.H, static_cast<double>(n), &out.risk_sc);
    out.vbar = out.H * c;
  } else {
    out.H = Matrix::Zero(d, 0);
    out.vbar = Vector::Zero(d);
  }
  out.sep_direction = Vector::Zero(d);
  if (!out.sep.empty()) {
    const Matrix P = Matrix::Identity(d, d) - out.H * out.H.transpose();
    Matrix Xs(static_cast<Index>(out.sep.size()), d);
    Vector ys = Vector::Ones(Xs.rows());
    for (size_t k = 0; k < out.sep.size(); ++k) Xs.row(k) = Z.row(out.sep[k]) * P;
    const LinearSvmResult svm = LinearMaxMargin(Xs, ys);
    out.sep_margin = svm.margin;
    out.sep_direction = svm.w;
  }
  return out;
}

}  // namespace marginlab::margin
