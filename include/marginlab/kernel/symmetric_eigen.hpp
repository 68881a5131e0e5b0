// Full eigendecomposition of a dense symmetric matrix, A = Q diag(λ) Qᵀ, eigenvalues ascending.
//
// Used by the kernel ridge path (ridge.hpp), whose cost at n in the thousands is this one O(n³)
// factorization. Methods (LAPACK Users' Guide §2.3.4.1; Demmel, Applied Numerical Linear Algebra §5.3):
//   - divide and conquer (LAPACK dsyevd: Householder tridiagonalization dsytrd, Cuppen's divide
//     and conquer on the tridiagonal matrix with Gu–Eisenstat's stable eigenvectors, back
//     transformation by BLAS-3 products). Fastest; needs 1 + 6n + 2n² doubles of workspace.
//   - relatively robust representations (LAPACK dsyevr: dsytrd, then Dhillon–Parlett MRRR on the
//     tridiagonal matrix, O(n²), then the back transformation). 0–17% slower here (n = 1000–4000,
//     benchmark stage `eigen`, two runs), O(n) workspace: the choice when 2n² more doubles would not fit.
//   - Eigen's SelfAdjointEigenSolver (tridiagonalization and implicit symmetric QR with the
//     rotations accumulated into Q). Needs no LAPACK; 2.5–2.8× / 3.6–3.7× / 7.3–7.8× slower than
//     dsyevd at n = 1000 / 2000 / 4000 (benchmark stage `eigen`, two runs).
// kAuto picks dsyevd up to n = 11,585 (workspace ≤ 2 GiB), dsyevr above, Eigen without OpenBLAS.
//
// Reproducibility: OpenBLAS's threaded level-2 kernels (dsymv in dsytrd) sum partial results in an
// order that depends on the thread count, so the LAPACK calls run with OpenBLAS held to one thread
// (SingleThreadedBlas, core/threads.hpp; restored afterwards): the result is bitwise the same
// whatever --threads says (tested).
// Accuracy (all methods): ‖AQ − QΛ‖ ≤ O(nε)‖A‖ and ‖QᵀQ − I‖ ≤ O(nε) (tested against each other and
// against residuals on matrices with known spectra).
#pragma once

#include <string>

#include "marginlab/core/types.hpp"

namespace marginlab::kernel {

enum class SymmetricEigenMethod { kAuto, kDivideAndConquer, kRelativelyRobust, kEigen };

struct SymmetricEigen {
  Vector values;   // ascending
  Matrix vectors;  // column i belongs to values[i]; orthonormal
  std::string method;  // "lapack-dsyevd", "lapack-dsyevr", "eigen" (or "empty" for n = 0)
};

// Reads the lower triangle of A (n×n). Throws UnavailableError for a LAPACK method in a build
// without OpenBLAS, Error if LAPACK reports a failure to converge.
SymmetricEigen DecomposeSymmetric(const Matrix& A, SymmetricEigenMethod method = SymmetricEigenMethod::kAuto);

}  // namespace marginlab::kernel
