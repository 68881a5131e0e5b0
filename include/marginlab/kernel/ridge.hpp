// Kernel ridge regression with a whole λ path, and minimum-RKHS-norm interpolation.
//
// Problem (per output column of Y, n×k):  min_f Σ_i (f(x_i) − y_i)² + λ ‖f‖²_H, whose minimizer is
// f = Σ_i β_i K(x_i, ·) with (K + λI) β = y (representer theorem; Wei et al. §2 and DESIGN §2:
// ‖f‖²_H = βᵀKβ). λ is absolute (no factor n); λ → 0 gives the minimum-norm interpolant
// β = K⁺y, which for a positive definite K is K⁻¹y (InterpolateCholesky).
//
// The path: one symmetric eigendecomposition K = QΛQᵀ (symmetric_eigen.hpp: LAPACK dsyevd through
// OpenBLAS, O(n³) once), then for every λ, β(λ) = Q (Λ + λ)⁻¹ QᵀY in O(n²k).
// For λ = 0, eigenvalues ≤ rcond·λ_max are treated as zero (pseudo-inverse).
#pragma once

#include <string>
#include <vector>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/kernel/symmetric_eigen.hpp"

namespace marginlab::kernel {

struct RidgePathOptions {
  double rcond = 1e-12;  // λ = 0: relative cut-off for K's eigenvalues

  template <class V>
  void Fields(V& v) {
    v("rcond", rcond, "lambda = 0: eigenvalues below rcond * max are treated as zero");
  }
  std::string Validate() const;
};

class KernelRidgePath {
 public:
  // Eigendecomposes K (n×n, symmetric) once; Y is n×k.
  KernelRidgePath(const Matrix& K, const Matrix& Y, RidgePathOptions opts = {},
                  SymmetricEigenMethod method = SymmetricEigenMethod::kAuto);
  // β(λ), n×k. λ ≥ 0.
  Matrix Coefficients(double lambda) const;
  // In-sample fitted values K β(λ) = Q Λ(Λ+λ)⁻¹ QᵀY, n×k.
  Matrix Fitted(double lambda) const;
  // ‖f_c‖²_H = β_cᵀ K β_c for each output column c: Σ_i λ_i (q_iᵀy_c)²/(λ_i+λ)².
  Vector RkhsNormSquared(double lambda) const;
  // Gradient flow on the squared loss in the kernel (NTK) regime, from the same decomposition.
  // With Y the residual y − f_0 at construction and τ = η t / n (t steps of size η on the mean
  // loss (1/2n) Σ (f(x_i) − y_i)², linearized: Jacot et al.; Ji's notes §NTK), the outputs move by
  //   in-sample:  f_t − f_0 = (I − e^{−τK}) Y = Q diag(1 − e^{−τλ_i}) QᵀY          (FlowFitted)
  //   anywhere:   f_t(x) − f_0(x) = K(x, X) β(τ),  β(τ) = Q diag((1 − e^{−τλ_i})/λ_i) QᵀY
  //                                                                               (FlowCoefficients)
  // with (1 − e^{−τλ})/λ → τ as λ → 0; eigenvalues below 0 (rounding of a PSD kernel) count as 0.
  // τ ≥ 0; τ = +∞ gives the minimum-norm interpolant (Coefficients(0)).
  Matrix FlowCoefficients(double tau) const;
  Matrix FlowFitted(double tau) const;
  const Vector& eigenvalues() const { return evals_; }
  const std::string& eigen_method() const { return method_; }  // see symmetric_eigen.hpp

 private:
  Vector Filter(double lambda, int power) const;  // λ_i^power/(λ_i+λ) with the rcond rule
  Vector FlowFilter(double tau, int power) const;  // (1 − e^{−τλ_i}) λ_i^(power−1)
  RidgePathOptions opts_;
  Matrix Q_;     // n×n eigenvectors
  Vector evals_;  // n eigenvalues, ascending
  Matrix QtY_;   // n×k
  std::string method_;
};

// β = K⁻¹Y by Cholesky; throws InputError when K is not numerically positive definite
// (then use KernelRidgePath with λ = 0 for the pseudo-inverse).
Matrix InterpolateCholesky(const Matrix& K, const Matrix& Y);

// Classes 0…l−1 → one-hot targets (n×l) with entries `on` and `off`.
Matrix OneHot(const Vector& labels, int num_classes, double on = 1.0, double off = 0.0);
// The row-wise argmax of scores (n×l), as class indices.
Vector ArgMaxRows(const Matrix& scores);

}  // namespace marginlab::kernel
