// Dense Cholesky factorization A = L Lᵀ (blocked, right-looking) and the dense kernel ridge solve.
//
// Algorithm (Golub & Van Loan, Matrix Computations, 4th ed., Alg. 4.2.2, blocked outer-product
// form): for each column panel of width kGramTile, factor the diagonal block by the unblocked
// algorithm, solve the panel below it with a triangular solve (BLAS dtrsm), and update the
// trailing matrix with a symmetric rank-k update (BLAS dsyrk). O(n³/3) flops, all but O(n²·nb)
// of them in level-3 BLAS (OpenBLAS, multithreaded by --threads). Benchmarked against LAPACK's
// dpotrf (bench/kernel_gram_bench.cpp). Only the lower triangle of A is read and written.
#pragma once

#include "marginlab/core/types.hpp"

namespace marginlab::kernel {

// In place: the lower triangle of A becomes L. Returns false (A partly overwritten) when a pivot
// is not positive, i.e. A is not numerically positive definite.
bool CholeskyInPlace(Matrix& A);
// LAPACK dpotrf on the lower triangle (for comparison; returns LAPACK's info == 0).
bool LapackCholeskyInPlace(Matrix& A);
// Solves L Lᵀ X = B given the factor from CholeskyInPlace.
Matrix CholeskySolve(const Matrix& L, const Matrix& B);

// The dense kernel ridge solve (K + λI) β = Y by CholeskyInPlace (K copied). InputError if not PD.
Matrix DenseRidgeSolve(const Matrix& K, const Matrix& Y, double lambda);

}  // namespace marginlab::kernel
