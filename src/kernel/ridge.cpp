// Kernel ridge path and interpolation (ridge.hpp).
#include "marginlab/kernel/ridge.hpp"

#include <Eigen/Cholesky>
#include <cmath>
#include <utility>

#include "marginlab/core/error.hpp"

namespace marginlab::kernel {

std::string RidgePathOptions::Validate() const {
  if (!(rcond >= 0 && rcond < 1)) return "rcond must be in [0, 1)";
  return "";
}

KernelRidgePath::KernelRidgePath(const Matrix& K, const Matrix& Y, RidgePathOptions opts,
                                 SymmetricEigenMethod method)
    : opts_(opts) {
  ValidateOrThrow(opts_, "ridge path");
  ML_CHECK(K.rows() == K.cols() && K.rows() == Y.rows())
      << "KernelRidgePath: K is " << K.rows() << "x" << K.cols() << ", Y has " << Y.rows() << " rows";
  SymmetricEigen es = DecomposeSymmetric(K, method);
  Q_ = std::move(es.vectors);
  evals_ = std::move(es.values);
  method_ = std::move(es.method);
  QtY_ = Q_.transpose() * Y;
}

Vector KernelRidgePath::Filter(double lambda, int power) const {
  ML_REQUIRE(lambda >= 0 && std::isfinite(lambda)) << "lambda must be finite and >= 0, got " << lambda;
  const double cut = opts_.rcond * std::max(evals_.maxCoeff(), 0.0);
  Vector f(evals_.size());
  for (Index i = 0; i < evals_.size(); ++i) {
    const double e = evals_[i];
    if (lambda == 0 && e <= cut) {
      f[i] = 0;  // pseudo-inverse: drop the (numerical) null space
    } else {
      f[i] = (power == 0 ? 1.0 : e) / (e + lambda);
    }
  }
  return f;
}

Matrix KernelRidgePath::Coefficients(double lambda) const {
  return Q_ * (Filter(lambda, 0).asDiagonal() * QtY_);
}

Matrix KernelRidgePath::Fitted(double lambda) const {
  return Q_ * (Filter(lambda, 1).asDiagonal() * QtY_);
}

Vector KernelRidgePath::FlowFilter(double tau, int power) const {
  ML_REQUIRE(tau >= 0) << "the flow time tau = eta * t / n must be >= 0, got " << tau;
  if (std::isinf(tau)) return Filter(0, power);
  Vector f(evals_.size());
  for (Index i = 0; i < evals_.size(); ++i) {
    const double e = std::max(evals_[i], 0.0), x = tau * e;
    const double one_minus = -std::expm1(-x);  // 1 − e^{−τλ}, exact for small τλ
    f[i] = power == 1 ? one_minus : (x == 0 ? tau : one_minus / e);
  }
  return f;
}

Matrix KernelRidgePath::FlowCoefficients(double tau) const {
  return Q_ * (FlowFilter(tau, 0).asDiagonal() * QtY_);
}

Matrix KernelRidgePath::FlowFitted(double tau) const {
  return Q_ * (FlowFilter(tau, 1).asDiagonal() * QtY_);
}

Vector KernelRidgePath::RkhsNormSquared(double lambda) const {
  const Vector f = Filter(lambda, 0);
  Vector out = Vector::Zero(QtY_.cols());
  for (Index c = 0; c < QtY_.cols(); ++c)
    for (Index i = 0; i < f.size(); ++i) {
      const double t = f[i] * QtY_(i, c);
      out[c] += std::max(evals_[i], 0.0) * t * t;
    }
  return out;
}

Matrix InterpolateCholesky(const Matrix& K, const Matrix& Y) {
  Eigen::LLT<Matrix> llt(K);
  ML_REQUIRE(llt.info() == Eigen::Success)
      << "interpolation: the kernel matrix is not numerically positive definite (duplicate inputs?); "
         "use ridge with lambda = 0 for the minimum-norm (pseudo-inverse) interpolant";
  return llt.solve(Y);
}

Matrix OneHot(const Vector& labels, int num_classes, double on, double off) {
  Matrix Y = Matrix::Constant(labels.size(), num_classes, off);
  for (Index i = 0; i < labels.size(); ++i) {
    const double c = labels[i];
    ML_REQUIRE(c >= 0 && c < num_classes && c == std::floor(c))
        << "label " << c << " at row " << i << " is not a class index in [0, " << num_classes << ")";
    Y(i, static_cast<Index>(c)) = on;
  }
  return Y;
}

Vector ArgMaxRows(const Matrix& scores) {
  Vector out(scores.rows());
  for (Index i = 0; i < scores.rows(); ++i) {
    Index best;
    scores.row(i).maxCoeff(&best);
    out[i] = static_cast<double>(best);
  }
  return out;
}

}  // namespace marginlab::kernel
