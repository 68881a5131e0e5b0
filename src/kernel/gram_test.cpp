// Tiled, vectorized Gram matrices against the scalar reference; diagonal exactness; symmetry,
// PSD; thread-count independence; tile-by-tile products.
#include "marginlab/kernel/gram.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>

#include "marginlab/core/rng.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/kernel/closed_form.hpp"

namespace marginlab::kernel {
namespace {

KernelOptions Opts(const std::string& k) {
  KernelOptions o;
  o.kernel = k;
  o.rw = 0.8;
  o.ru = 1.3;
  o.depth = 3;
  o.w_std = 1.2;
  o.b_std = 0.2;
  return o;
}

// Data with awkward pairs: duplicates, scaled copies, negatives, near-duplicates, a zero row.
Matrix AwkwardData(Index n, Index d, std::uint64_t seed) {
  Rng rng(seed);
  Matrix X = rng.NormalMatrix(n, d);
  X.row(3) = X.row(1);
  X.row(4) = -2.0 * X.row(1);
  X.row(5) = X.row(2) * 0.5;
  X.row(6) = X.row(2);
  X(6, 0) += 1e-7;
  X.row(7) = -X.row(2);
  X(7, 1) += 1e-9;
  X.row(8).setZero();
  return X;
}

double MaxScaledError(const Matrix& K, const Matrix& R, const Vector& da, const Vector& db) {
  double worst = 0;
  for (Index j = 0; j < K.cols(); ++j)
    for (Index i = 0; i < K.rows(); ++i) {
      const double scale = std::sqrt(std::fabs(da[i] * db[j]));
      const double err = std::fabs(K(i, j) - R(i, j));
      worst = std::max(worst, scale > 0 ? err / scale : err);
    }
  return worst;
}

class GramKinds : public ::testing::TestWithParam<std::string> {};

TEST_P(GramKinds, TiledMatchesScalarReference) {
  const KernelOptions o = Opts(GetParam());
  for (const char* param : {"ntk", "standard"}) {
    KernelOptions oo = o;
    oo.parameterization = param;
    oo.width = 40;
    const Matrix A = AwkwardData(300, 9, 1), B = AwkwardData(270, 9, 2);
    const Matrix K = CrossGram(oo, A, B), R = GramReference(oo, A, B);
    Vector da(A.rows()), db(B.rows());
    for (Index i = 0; i < A.rows(); ++i) da[i] = KernelReference(oo, A.row(i).transpose(), A.row(i).transpose());
    for (Index j = 0; j < B.rows(); ++j) db[j] = KernelReference(oo, B.row(j).transpose(), B.row(j).transpose());
    EXPECT_LT(MaxScaledError(K, R, da, db), 1e-12) << oo.Describe();
    const Matrix S = Gram(oo, A), SR = GramReference(oo, A, A);
    EXPECT_LT(MaxScaledError(S, SR, da, da), 1e-12) << oo.Describe();
    EXPECT_TRUE(S == S.transpose());
  }
}

TEST_P(GramKinds, PositiveSemidefinite) {
  const KernelOptions o = Opts(GetParam());
  const Matrix X = AwkwardData(200, 5, 3);
  const Matrix K = Gram(o, X);
  Eigen::SelfAdjointEigenSolver<Matrix> es(K, Eigen::EigenvaluesOnly);
  EXPECT_GE(es.eigenvalues().minCoeff(), -1e-10 * K.trace());
}

INSTANTIATE_TEST_SUITE_P(AllKernels, GramKinds,
                         ::testing::Values("ntk", "relu", "arccos0", "arccos1", "hinf", "deep-ntk",
                                           "deep-nngp"));

TEST(Gram, DiagonalIsExact) {
  KernelOptions o;
  o.rw = 0.6;
  o.ru = 1.7;
  Rng rng(11);
  const Matrix X = rng.NormalMatrix(600, 37) * 3.0;
  const Matrix K = Gram(o, X);
  const Matrix C = CrossGram(o, X, X);
  for (Index i = 0; i < X.rows(); ++i) {
    const double expected = (o.ru * o.ru + o.rw * o.rw) * X.row(i).squaredNorm() / 2;
    EXPECT_NEAR(K(i, i) / expected, 1.0, 1e-14) << i;
    EXPECT_NEAR(C(i, i) / expected, 1.0, 1e-14) << i;
  }
}

TEST(Gram, IndependentOfThreadCount) {
  const KernelOptions o = Opts("ntk");
  const Matrix X = AwkwardData(700, 12, 4);
  const Matrix C = Rng(5).NormalMatrix(700, 2);
  SetNumThreads(1);
  const Matrix K1 = Gram(o, X);
  const Matrix F1 = SymmetricKernelTimes(o, X, C);
  SetNumThreads(2);
  const Matrix K2 = Gram(o, X);
  const Matrix F2 = SymmetricKernelTimes(o, X, C);
  SetNumThreads(1);
  EXPECT_TRUE(K1 == K2);
  EXPECT_TRUE(F1 == F2);
}

TEST(Gram, KernelTimesMatchesDense) {
  const KernelOptions o = Opts("deep-ntk");
  const Matrix A = AwkwardData(530, 6, 6), B = AwkwardData(610, 6, 7);
  const Matrix C = Rng(8).NormalMatrix(610, 3);
  const Matrix F = KernelTimes(o, A, B, C);
  const Matrix FD = CrossGram(o, A, B) * C;
  EXPECT_LT((F - FD).cwiseAbs().maxCoeff(), 1e-12 * FD.cwiseAbs().maxCoeff());
  const Matrix CS = Rng(9).NormalMatrix(530, 2);
  const Matrix FS = SymmetricKernelTimes(o, A, CS);
  const Matrix FSD = Gram(o, A) * CS;
  EXPECT_LT((FS - FSD).cwiseAbs().maxCoeff(), 1e-12 * FSD.cwiseAbs().maxCoeff());
}

}  // namespace
}  // namespace marginlab::kernel
