// Kernel predictors against naive dense references: ridge path, interpolation, logistic
// regression's optimality conditions, SVMs (own vs LIBSVM), multi-class.
#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <cmath>

#include "marginlab/core/rng.hpp"
#include "marginlab/kernel/gram.hpp"
#include "marginlab/kernel/kernel_logistic.hpp"
#include "marginlab/kernel/kernel_svm.hpp"
#include "marginlab/kernel/ridge.hpp"

namespace marginlab::kernel {
namespace {

struct Problem {
  Matrix X, K;
  Vector y;
};

Problem MakeProblem(Index n, Index d, std::uint64_t seed, bool separable_by_x0 = true) {
  Rng rng(seed);
  Problem p;
  p.X = rng.NormalMatrix(n, d);
  p.y.resize(n);
  for (Index i = 0; i < n; ++i) p.y[i] = (p.X(i, 0) + 0.3 * p.X(i, 1) * p.X(i, 2) > 0) ? 1.0 : -1.0;
  if (!separable_by_x0) p.y[0] = -p.y[0];
  KernelOptions o;
  p.K = Gram(o, p.X);
  return p;
}

TEST(Ridge, PathMatchesDenseSolves) {
  const Problem p = MakeProblem(80, 5, 1);
  Matrix Y(80, 2);
  Y.col(0) = p.y;
  Y.col(1) = p.X.col(1);
  const KernelRidgePath path(p.K, Y);
  for (double lam : {1e-6, 1e-3, 0.1, 10.0}) {
    Matrix A = p.K;
    A.diagonal().array() += lam;
    const Matrix beta = A.llt().solve(Y);
    const Matrix b = path.Coefficients(lam);
    EXPECT_LT((b - beta).cwiseAbs().maxCoeff(), 1e-8 * beta.cwiseAbs().maxCoeff()) << lam;
    EXPECT_LT((path.Fitted(lam) - p.K * beta).cwiseAbs().maxCoeff(), 1e-9) << lam;
    const Vector norms = path.RkhsNormSquared(lam);
    for (Index c = 0; c < 2; ++c)
      EXPECT_NEAR(norms[c], beta.col(c).dot(p.K * beta.col(c)), 1e-8 * norms[c]) << lam;
  }
}

TEST(Ridge, SmallLambdaApproachesInterpolation) {
  const Problem p = MakeProblem(60, 8, 2);
  const Matrix beta = InterpolateCholesky(p.K, p.y);
  EXPECT_LT((p.K * beta - p.y).cwiseAbs().maxCoeff(), 1e-8);
  const KernelRidgePath path(p.K, p.y);
  const double scale = beta.cwiseAbs().maxCoeff();
  EXPECT_LT((path.Coefficients(0.0) - beta).cwiseAbs().maxCoeff(), 1e-7 * scale);
  const double gap_small = (path.Coefficients(1e-8) - beta).cwiseAbs().maxCoeff();
  const double gap_large = (path.Coefficients(1e-4) - beta).cwiseAbs().maxCoeff();
  EXPECT_LT(gap_small, 1e-5 * scale);
  EXPECT_LT(gap_small, gap_large);
}

TEST(Ridge, PseudoInverseWithDuplicates) {
  Problem p = MakeProblem(30, 4, 3);
  p.X.row(5) = p.X.row(4);
  p.y[5] = p.y[4];
  KernelOptions o;
  p.K = Gram(o, p.X);
  EXPECT_THROW(InterpolateCholesky(p.K, p.y), InputError);
  const KernelRidgePath path(p.K, p.y);
  const Vector beta = path.Coefficients(0.0);
  EXPECT_LT((p.K * beta - p.y).cwiseAbs().maxCoeff(), 1e-6);
}

TEST(KernelLogistic, SatisfiesOptimalityConditions) {
  const Problem p = MakeProblem(70, 4, 4, false);
  KernelLogisticOptions o;
  o.lambda = 1e-2;
  KernelLogisticSummary s;
  const Vector beta = FitKernelLogistic(p.K, p.y, o, &s);
  EXPECT_EQ(s.termination, Termination::kConverged) << s.BriefReport();
  // Stationarity: β = y∘σ(−y f)/(nλ).
  const Vector f = p.K * beta;
  const double n = 70;
  for (Index i = 0; i < 70; ++i) {
    const double z = p.y[i] * f[i];
    EXPECT_NEAR(beta[i], p.y[i] / (1 + std::exp(z)) / (n * o.lambda), 1e-8) << i;
  }
  for (std::size_t k = 1; k < s.objective.size(); ++k) EXPECT_LE(s.objective[k], s.objective[k - 1] + 1e-15);
}

TEST(KernelSvm, HardMarginWithoutBias) {
  const Problem p = MakeProblem(60, 6, 5);
  KernelSvmOptions o;  // C = 1e8: hard margin
  o.tol = 1e-9;
  KernelSvmSummary s;
  const KernelSvmModel m = FitKernelSvm(p.K, p.y, o, &s);
  ASSERT_EQ(s.termination, Termination::kConverged) << s.BriefReport();
  const Vector f = p.K * m.beta;
  const Vector z = p.y.cwiseProduct(f);
  EXPECT_GE(z.minCoeff(), 1 - 1e-6);
  for (Index i = 0; i < 60; ++i)
    if (m.beta[i] != 0) {
      EXPECT_NEAR(z[i], 1.0, 1e-6) << i;
    }
  const double norm = std::sqrt(RkhsNormSquared(p.K, m.beta));
  EXPECT_NEAR(RkhsNormalizedMargin(p.K, m.beta, 0, p.y), 1 / norm, 1e-6 / norm);
  // Strong duality: ½‖f‖² = dual objective at the optimum.
  EXPECT_NEAR(0.5 * norm * norm, s.dual_objective, 1e-6 * s.dual_objective);
}

TEST(KernelSvm, LibsvmAgreesWithOwnSolverOnSymmetricData) {
  // Data closed under (x, y) → (−x, −y): the NTK family has K(−x,−x′) = K(x,x′), so the optimum is
  // symmetric, its bias is 0 and Σ y_i α_i = 0 holds automatically: the bias-free problem (own
  // solver) and LIBSVM's problem with a free bias have the same solution.
  const Problem half = MakeProblem(25, 4, 6);
  Matrix X(50, 4);
  X << half.X, -half.X;
  Vector y(50);
  y << half.y, -half.y;
  KernelOptions ko;
  const Matrix K = Gram(ko, X);
  for (double C : {1.0, 100.0}) {
    KernelSvmOptions lib;
    lib.C = C;
    lib.bias = true;
    lib.tol = 1e-10;
    const KernelSvmModel ml = FitKernelSvm(K, y, lib);
    KernelSvmOptions own = lib;
    own.bias = false;
    own.tol = 1e-9;
    KernelSvmSummary so;
    const KernelSvmModel mo = FitKernelSvm(K, y, own, &so);
    // LIBSVM caches kernel values in single precision (Qfloat = float), so it agrees to ~1e-7·C.
    const double tol = 1e-7 * C;
    ASSERT_EQ(so.termination, Termination::kConverged) << so.BriefReport() << " C=" << C << " viol " << so.max_violation;
    EXPECT_NEAR(ml.b, 0.0, tol) << C;
    const Vector fl = (K * ml.beta).array() + ml.b, fo = K * mo.beta;
    const double scale = fo.cwiseAbs().maxCoeff();
    EXPECT_LT((fo - fl).cwiseAbs().maxCoeff(), tol * scale) << C;
    EXPECT_NEAR(RkhsNormalizedMargin(K, ml.beta, ml.b, y), RkhsNormalizedMargin(K, mo.beta, 0, y),
                tol * std::fabs(RkhsNormalizedMargin(K, mo.beta, 0, y)))
        << C;
    // LIBSVM's KKT conditions.
    for (Index i = 0; i < 50; ++i) {
      const double a = ml.beta[i] * y[i], zl = y[i] * fl[i];
      if (a > 1e-8 * C && a < C * (1 - 1e-8)) {
        EXPECT_NEAR(zl, 1.0, tol);
      }
      if (a <= 1e-8 * C) {
        EXPECT_GE(zl, 1 - tol);
      }
    }
  }
}

TEST(MultiClass, OneHotRidgeInterpolatesAndOneVsRestAgrees) {
  Rng rng(7);
  const Index n = 90, d = 5, l = 3;
  Matrix X = rng.NormalMatrix(n, d) * 0.3;
  Vector labels(n);
  for (Index i = 0; i < n; ++i) {
    labels[i] = static_cast<double>(i % l);
    X(i, i % l) += 2.0;
  }
  KernelOptions o;
  const Matrix K = Gram(o, X);
  const KernelRidgePath path(K, OneHot(labels, l));
  EXPECT_TRUE(ArgMaxRows(path.Fitted(0.0)) == labels);
  const KernelRidgePath ovr(K, OneHot(labels, l, 1.0, -1.0));
  EXPECT_TRUE(ArgMaxRows(ovr.Fitted(1e-3)) == labels);
  // Held-out points from the same clusters are classified correctly.
  Matrix T = rng.NormalMatrix(30, d) * 0.3;
  Vector tl(30);
  for (Index i = 0; i < 30; ++i) {
    tl[i] = static_cast<double>(i % l);
    T(i, i % l) += 2.0;
  }
  const Matrix F = KernelTimes(o, T, X, path.Coefficients(1e-3));
  EXPECT_TRUE(ArgMaxRows(F) == tl);
}

}  // namespace
TEST(KernelSvm, RkhsMarginIsNaNWhenAnOutputIsNaN) {
  const Matrix K = Matrix::Identity(3, 3);
  const Vector y = (Vector(3) << 1, -1, 1).finished();
  Vector beta = y;
  EXPECT_EQ(RkhsNormalizedMargin(K, beta, 0, y), 1 / std::sqrt(3.0));
  beta[1] = std::nan("");
  EXPECT_TRUE(std::isnan(RkhsNormalizedMargin(K, beta, 0, y)));
}

}  // namespace marginlab::kernel
