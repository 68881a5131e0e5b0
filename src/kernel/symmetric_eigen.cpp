// Dense symmetric eigendecomposition (symmetric_eigen.hpp): LAPACK dsyevd / dsyevr through
// OpenBLAS, or Eigen's SelfAdjointEigenSolver.
#include "marginlab/kernel/symmetric_eigen.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <vector>

#include "marginlab/build_config.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/threads.hpp"

#if MARGINLAB_HAVE_OPENBLAS
extern "C" {
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w, double* work,
             const int* lwork, int* iwork, const int* liwork, int* info);
void dsyevr_(const char* jobz, const char* range, const char* uplo, const int* n, double* a, const int* lda,
             const double* vl, const double* vu, const int* il, const int* iu, const double* abstol, int* m,
             double* w, double* z, const int* ldz, int* isuppz, double* work, const int* lwork, int* iwork,
             const int* liwork, int* info);
}
#endif

namespace marginlab::kernel {
namespace {

constexpr Index kLargestDivideAndConquer = 11585;  // 2n² doubles of dsyevd workspace ≤ 2 GiB

#if MARGINLAB_HAVE_OPENBLAS
int LapackInt(Index n) {
  ML_CHECK(n <= 46340) << "symmetric eigendecomposition: n = " << n << " exceeds LAPACK's 32-bit indexing";
  return static_cast<int>(n);
}

SymmetricEigen DivideAndConquer(const Matrix& A) {
  const int n = LapackInt(A.rows());
  SymmetricEigen out{Vector(n), A, "lapack-dsyevd"};
  const char jobz = 'V', uplo = 'L';
  int info = 0, lwork = -1, liwork = -1, iwork_size = 0;
  double work_size = 0;
  const SingleThreadedBlas one;  // bitwise thread-count invariance (header)
  dsyevd_(&jobz, &uplo, &n, out.vectors.data(), &n, out.values.data(), &work_size, &lwork, &iwork_size, &liwork,
          &info);
  ML_CHECK(info == 0) << "dsyevd workspace query failed (info = " << info << ")";
  lwork = static_cast<int>(work_size);
  liwork = iwork_size;
  std::vector<double> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  dsyevd_(&jobz, &uplo, &n, out.vectors.data(), &n, out.values.data(), work.data(), &lwork, iwork.data(), &liwork,
          &info);
  ML_CHECK(info == 0) << "LAPACK dsyevd did not converge (info = " << info << ", n = " << n << ")";
  return out;
}

SymmetricEigen RelativelyRobust(const Matrix& A) {
  const int n = LapackInt(A.rows());
  Matrix a = A;  // destroyed by dsyevr
  SymmetricEigen out{Vector(n), Matrix(n, n), "lapack-dsyevr"};
  const char jobz = 'V', range = 'A', uplo = 'L';
  const double vl = 0, vu = 0, abstol = 0;  // range 'A': bounds unused; abstol 0: LAPACK's default
  const int il = 0, iu = 0;
  int found = 0, info = 0, lwork = -1, liwork = -1, iwork_size = 0;
  double work_size = 0;
  std::vector<int> isuppz(2 * static_cast<std::size_t>(std::max(n, 1)));
  const SingleThreadedBlas one;  // bitwise thread-count invariance (header)
  dsyevr_(&jobz, &range, &uplo, &n, a.data(), &n, &vl, &vu, &il, &iu, &abstol, &found, out.values.data(),
          out.vectors.data(), &n, isuppz.data(), &work_size, &lwork, &iwork_size, &liwork, &info);
  ML_CHECK(info == 0) << "dsyevr workspace query failed (info = " << info << ")";
  lwork = static_cast<int>(work_size);
  liwork = iwork_size;
  std::vector<double> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  dsyevr_(&jobz, &range, &uplo, &n, a.data(), &n, &vl, &vu, &il, &iu, &abstol, &found, out.values.data(),
          out.vectors.data(), &n, isuppz.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
  ML_CHECK(info == 0 && found == n) << "LAPACK dsyevr failed (info = " << info << ", " << found << " of " << n
                                    << " eigenpairs)";
  return out;
}
#endif

SymmetricEigen WithEigen(const Matrix& A) {
  Eigen::SelfAdjointEigenSolver<Matrix> es(A);
  ML_CHECK(es.info() == Eigen::Success) << "Eigen's SelfAdjointEigenSolver did not converge (n = " << A.rows()
                                        << ")";
  return {es.eigenvalues(), es.eigenvectors(), "eigen"};
}

}  // namespace

SymmetricEigen DecomposeSymmetric(const Matrix& A, SymmetricEigenMethod method) {
  ML_CHECK(A.rows() == A.cols()) << "symmetric eigendecomposition: the matrix is " << A.rows() << "x" << A.cols();
  if (A.rows() == 0) return {Vector(0), Matrix(0, 0), "empty"};
  if (method == SymmetricEigenMethod::kEigen) return WithEigen(A);
#if MARGINLAB_HAVE_OPENBLAS
  if (method == SymmetricEigenMethod::kAuto)
    method = A.rows() <= kLargestDivideAndConquer ? SymmetricEigenMethod::kDivideAndConquer
                                                  : SymmetricEigenMethod::kRelativelyRobust;
  return method == SymmetricEigenMethod::kDivideAndConquer ? DivideAndConquer(A) : RelativelyRobust(A);
#else
  if (method == SymmetricEigenMethod::kAuto) return WithEigen(A);
  throw UnavailableError("LAPACK dsyevd/dsyevr need OpenBLAS; rebuild with -DMARGINLAB_WITH_OPENBLAS=ON");
#endif
}

}  // namespace marginlab::kernel
