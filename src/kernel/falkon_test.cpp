// Falkon-style PCG and the blocked Cholesky against dense references (small n; the n = 20,000
// comparison runs in bench/run_kernel_bench.sh).
#include "marginlab/kernel/falkon.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "marginlab/core/rng.hpp"
#include "marginlab/kernel/dense_cholesky.hpp"
#include "marginlab/kernel/gram.hpp"

namespace marginlab::kernel {
namespace {

TEST(DenseCholesky, MatchesEigenAndLapack) {
  Rng rng(1);
  const Matrix B = rng.NormalMatrix(700, 650);
  Matrix A = B * B.transpose();
  A.diagonal().array() += 1.0;
  Matrix L = A, Lp = A;
  ASSERT_TRUE(CholeskyInPlace(L));
  ASSERT_TRUE(LapackCholeskyInPlace(Lp));
  const Matrix Le = A.llt().matrixL();
  const Matrix Lo = L.triangularView<Eigen::Lower>();
  const Matrix Ll = Lp.triangularView<Eigen::Lower>();
  EXPECT_LT((Lo - Le).cwiseAbs().maxCoeff(), 1e-10 * Le.cwiseAbs().maxCoeff());
  EXPECT_LT((Lo - Ll).cwiseAbs().maxCoeff(), 1e-10 * Le.cwiseAbs().maxCoeff());
  const Matrix rhs = rng.NormalMatrix(700, 2);
  EXPECT_LT((A * CholeskySolve(L, rhs) - rhs).cwiseAbs().maxCoeff(), 1e-8);
  Matrix N = -A;
  EXPECT_FALSE(CholeskyInPlace(N));
}

TEST(Falkon, MatchesDenseRidge) {
  Rng rng(2);
  const Index n = 1500, d = 10;
  const Matrix X = rng.NormalMatrix(n, d) / std::sqrt(static_cast<double>(d));
  Vector y(n);
  for (Index i = 0; i < n; ++i) y[i] = X(i, 0) > 0 ? 1.0 : -1.0;
  KernelOptions k;
  for (double lambda : {1e-1, 1e-3}) {
    FalkonOptions o;
    o.lambda = lambda;
    o.centers = 300;
    o.tol = 1e-10;
    FalkonSummary s;
    const Vector beta = FalkonSolve(k, X, y, o, &s);
    EXPECT_EQ(s.termination, Termination::kConverged) << s.BriefReport();
    EXPECT_LE(s.true_residual, 1e-9) << s.BriefReport();
    const Vector dense = DenseRidgeSolve(Gram(k, X), y, lambda);
    EXPECT_LT((beta - dense).norm(), 1e-6 * dense.norm()) << lambda;
    EXPECT_LT(s.iterations, 200) << lambda;
    std::printf("lambda %g: %ld iterations\n", lambda, static_cast<long>(s.iterations));
  }
}

TEST(Falkon, PreconditionerHelps) {
  Rng rng(3);
  const Index n = 1200, d = 5;
  const Matrix X = rng.NormalMatrix(n, d);
  const Vector y = rng.NormalMatrix(n, 1);
  KernelOptions k;
  FalkonOptions few, many;
  few.lambda = many.lambda = 1e-2;
  few.centers = 1;
  many.centers = 400;
  FalkonSummary sf, sm;
  FalkonSolve(k, X, y, many, &sm);
  ASSERT_EQ(sm.termination, Termination::kConverged);
  few.max_iterations = 3 * sm.iterations;  // one center: not converged in 3× the iterations
  FalkonSolve(k, X, y, few, &sf);
  EXPECT_EQ(sf.termination, Termination::kMaxIterations) << sm.iterations << " vs " << sf.iterations;
}

}  // namespace
}  // namespace marginlab::kernel
