// DecomposeSymmetric: every method against a matrix with a known spectrum, against each other on a
// kernel Gram matrix, bitwise independence of the thread count, and lower-triangle-only reads.
#include <gtest/gtest.h>

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <vector>

#include "marginlab/build_config.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/kernel/gram.hpp"
#include "marginlab/kernel/symmetric_eigen.hpp"

namespace marginlab::kernel {
namespace {

using Method = SymmetricEigenMethod;

std::vector<Method> Methods() {
#if MARGINLAB_HAVE_OPENBLAS
  return {Method::kAuto, Method::kDivideAndConquer, Method::kRelativelyRobust, Method::kEigen};
#else
  return {Method::kAuto, Method::kEigen};
#endif
}

// A = Q0 diag(λ0) Q0ᵀ with Haar-random Q0 and a spectrum that has a cluster, a repeated value,
// zeros and a negative value (a kernel matrix's numerical null space looks like this).
struct Known {
  Matrix A;
  Vector values;  // ascending
};

Known MakeKnown(Index n, std::uint64_t seed) {
  Rng rng(seed);
  const Matrix G = rng.NormalMatrix(n, n);
  const Matrix Q0 = Eigen::HouseholderQR<Matrix>(G).householderQ();
  Vector lam(n);
  for (Index i = 0; i < n; ++i) lam[i] = 1.0 + 10.0 * static_cast<double>(i) / static_cast<double>(n);
  for (Index i = 0; i < 10; ++i) lam[i] = 2.0 + 1e-13 * static_cast<double>(i);  // a tight cluster
  for (Index i = 10; i < 20; ++i) lam[i] = 5.0;                                  // repeated
  lam[20] = lam[21] = 0.0;
  lam[22] = -3.0;
  Known k{Q0 * lam.asDiagonal() * Q0.transpose(), lam};
  k.A = (k.A + k.A.transpose()).eval() / 2;
  std::sort(k.values.data(), k.values.data() + n);
  return k;
}

TEST(SymmetricEigen, EveryMethodRecoversAKnownSpectrum) {
  const Index n = 300;
  const Known k = MakeKnown(n, 11);
  const double scale = k.values.cwiseAbs().maxCoeff();
  for (Method m : Methods()) {
    const SymmetricEigen e = DecomposeSymmetric(k.A, m);
    SCOPED_TRACE(e.method);
    ASSERT_EQ(e.values.size(), n);
    ASSERT_EQ(e.vectors.rows(), n);
    ASSERT_EQ(e.vectors.cols(), n);
    EXPECT_LE((e.values - k.values).cwiseAbs().maxCoeff(), 1e-12 * scale);
    for (Index i = 1; i < n; ++i) EXPECT_LE(e.values[i - 1], e.values[i]) << "not ascending at " << i;
    const Matrix residual = k.A * e.vectors - e.vectors * e.values.asDiagonal();
    EXPECT_LE(residual.norm(), 1e-12 * k.A.norm());
    EXPECT_LE((e.vectors.transpose() * e.vectors - Matrix::Identity(n, n)).cwiseAbs().maxCoeff(), 1e-12);
  }
}

TEST(SymmetricEigen, MethodsAgreeOnAKernelGramMatrix) {
  const Matrix X = Rng(3).NormalMatrix(500, 6);
  KernelOptions o;
  const Matrix K = Gram(o, X);
  const SymmetricEigen ref = DecomposeSymmetric(K, Method::kEigen);
  const double scale = ref.values.cwiseAbs().maxCoeff();
  for (Method m : Methods()) {
    const SymmetricEigen e = DecomposeSymmetric(K, m);
    SCOPED_TRACE(e.method);
    EXPECT_LE((e.values - ref.values).cwiseAbs().maxCoeff(), 1e-12 * scale);
    const Matrix rebuilt = e.vectors * e.values.asDiagonal() * e.vectors.transpose();
    EXPECT_LE((rebuilt - K).cwiseAbs().maxCoeff(), 1e-12 * scale);
  }
#if MARGINLAB_HAVE_OPENBLAS
  EXPECT_EQ(DecomposeSymmetric(K).method, "lapack-dsyevd");
#else
  EXPECT_EQ(DecomposeSymmetric(K).method, "eigen");
#endif
}

// OpenBLAS's threaded dsymv sums in a thread-count-dependent order; the LAPACK paths are held to
// one BLAS thread so that the eigenvectors are bitwise the same whatever --threads says.
TEST(SymmetricEigen, IndependentOfThreadCount) {
  const Matrix X = Rng(4).NormalMatrix(900, 10);
  KernelOptions o;
  const Matrix K = Gram(o, X);
  for (Method m : Methods()) {
    SetNumThreads(1);
    const SymmetricEigen a = DecomposeSymmetric(K, m);
    SetNumThreads(2);
    const SymmetricEigen b = DecomposeSymmetric(K, m);
    SetNumThreads(1);
    SCOPED_TRACE(a.method);
    EXPECT_TRUE(a.values == b.values);
    EXPECT_TRUE(a.vectors == b.vectors);
  }
}

TEST(SymmetricEigen, ReadsOnlyTheLowerTriangle) {
  const Known k = MakeKnown(60, 5);
  Matrix junk = k.A;
  junk.triangularView<Eigen::StrictlyUpper>().setConstant(1e300);
  for (Method m : Methods()) {
    const SymmetricEigen a = DecomposeSymmetric(k.A, m), b = DecomposeSymmetric(junk, m);
    SCOPED_TRACE(a.method);
    EXPECT_TRUE(a.values == b.values);
    EXPECT_TRUE(a.vectors == b.vectors);
  }
}

TEST(SymmetricEigen, EdgeCasesAndErrors) {
  for (Method m : Methods()) {
    const SymmetricEigen e = DecomposeSymmetric(Matrix::Constant(1, 1, -2.5), m);
    EXPECT_EQ(e.values[0], -2.5);
    EXPECT_EQ(std::abs(e.vectors(0, 0)), 1.0);
    EXPECT_EQ(DecomposeSymmetric(Matrix(0, 0), m).values.size(), 0);
  }
  EXPECT_THROW(DecomposeSymmetric(Matrix::Zero(3, 4)), Error);
}

}  // namespace
}  // namespace marginlab::kernel
