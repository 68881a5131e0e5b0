// Blocked dense Cholesky (dense_cholesky.hpp).
#include "marginlab/kernel/dense_cholesky.hpp"

#include <algorithm>
#include <cmath>

#include "marginlab/build_config.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/kernel/gram.hpp"

#if MARGINLAB_HAVE_OPENBLAS
#include <cblas.h>
extern "C" void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
#endif

namespace marginlab::kernel {
namespace {
// Unblocked Cholesky of the kb×kb block at a (leading dimension lda), lower triangle.
bool Unblocked(double* a, Index kb, Index lda) {
  for (Index j = 0; j < kb; ++j) {
    double* cj = a + j * lda;
    double djj = cj[j];
    for (Index p = 0; p < j; ++p) djj -= a[p * lda + j] * a[p * lda + j];
    if (!(djj > 0)) return false;
    const double ljj = std::sqrt(djj);
    cj[j] = ljj;
    for (Index i = j + 1; i < kb; ++i) {
      double v = cj[i];
      for (Index p = 0; p < j; ++p) v -= a[p * lda + i] * a[p * lda + j];
      cj[i] = v / ljj;
    }
  }
  return true;
}
}  // namespace

bool CholeskyInPlace(Matrix& A) {
  ML_CHECK(A.rows() == A.cols()) << "Cholesky of a non-square matrix";
  const Index n = A.rows(), lda = n, nb = kGramTile;
  double* a = A.data();
  for (Index k = 0; k < n; k += nb) {
    const Index kb = std::min(nb, n - k), rest = n - k - kb;
    if (!Unblocked(a + k * lda + k, kb, lda)) return false;
    if (rest == 0) break;
    double* a21 = a + k * lda + k + kb;
    double* a22 = a + (k + kb) * lda + k + kb;
#if MARGINLAB_HAVE_OPENBLAS
    cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, static_cast<int>(rest),
                static_cast<int>(kb), 1.0, a + k * lda + k, static_cast<int>(lda), a21, static_cast<int>(lda));
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, static_cast<int>(rest), static_cast<int>(kb), -1.0,
                a21, static_cast<int>(lda), 1.0, a22, static_cast<int>(lda));
#else
    using Map = Eigen::Map<Matrix, 0, Eigen::OuterStride<>>;
    Map L11(a + k * lda + k, kb, kb, Eigen::OuterStride<>(lda));
    Map P(a21, rest, kb, Eigen::OuterStride<>(lda));
    Map T(a22, rest, rest, Eigen::OuterStride<>(lda));
    L11.triangularView<Eigen::Lower>().solveInPlace<Eigen::OnTheRight>(P.transpose());
    T.selfadjointView<Eigen::Lower>().rankUpdate(P, -1.0);
#endif
  }
  return true;
}

bool LapackCholeskyInPlace(Matrix& A) {
#if MARGINLAB_HAVE_OPENBLAS
  const int n = static_cast<int>(A.rows());
  int info = 0;
  const char uplo = 'L';
  dpotrf_(&uplo, &n, A.data(), &n, &info);
  return info == 0;
#else
  (void)A;
  throw UnavailableError("LAPACK dpotrf needs OpenBLAS; rebuild with -DMARGINLAB_WITH_OPENBLAS=ON");
#endif
}

Matrix CholeskySolve(const Matrix& L, const Matrix& B) {
  Matrix X = L.triangularView<Eigen::Lower>().solve(B);
  L.triangularView<Eigen::Lower>().transpose().solveInPlace(X);
  return X;
}

Matrix DenseRidgeSolve(const Matrix& K, const Matrix& Y, double lambda) {
  Matrix A = K;
  A.diagonal().array() += lambda;
  ML_REQUIRE(CholeskyInPlace(A)) << "dense ridge: K + lambda I is not numerically positive definite "
                                    "(lambda = " << lambda << "); increase lambda";
  return CholeskySolve(A, Y);
}

}  // namespace marginlab::kernel
