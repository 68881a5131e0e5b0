// RKHS-regularized kernel logistic regression by damped Newton with a Cholesky solve.
//
// Problem: min_β  L(β) = (1/n) Σ_i log(1 + exp(−y_i f_i)) + (λ/2) βᵀKβ,  f = Kβ, y_i ∈ {−1,+1}
// (the logistic loss of DESIGN §2 over the kernel predictors f = Σ β_i K(x_i,·); Wei et al. §2).
// Gradient ∇_β = K g, g = u/n + λβ, u_i = −y_i σ(−y_i f_i). Hessian K (W K/n + λI), W = diag(σ(1−σ)).
// Newton step Δ = −(WK/n + λI)⁻¹ g, computed SPD-stably (Rasmussen & Williams 2006, Alg. 3.1 idea):
//   with S = W^{1/2}, B = I + S K S/(nλ) (Cholesky),  Δ = −(1/λ)[g − S B⁻¹ S K g/(nλ)].
// Backtracking (Armijo) line search on L. Stopping rule: the RKHS norm of the functional
// gradient, sqrt(gᵀKg) = ‖∇_f L‖_H, is ≤ tol (converged), or max_iterations.
// All losses are evaluated stably (log1p/exp of non-positive arguments).
#pragma once

#include <string>
#include <vector>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"

namespace marginlab::kernel {

struct KernelLogisticOptions {
  double lambda = 1e-3;
  double tol = 1e-10;
  Index max_iterations = 100;

  template <class V>
  void Fields(V& v) {
    v("lambda", lambda, "RKHS regularization lambda > 0 (objective mean loss + lambda/2 ||f||_H^2)");
    v("tol", tol, "stop when the K-norm of the gradient is <= tol");
    v("max_iterations", max_iterations, "Newton iteration budget");
  }
  std::string Validate() const;
};

struct KernelLogisticSummary : SummaryBase {
  Index iterations = 0;
  std::vector<double> objective;      // L(β) after each iteration (index 0: at β = 0)
  std::vector<double> gradient_norm;  // sqrt(gᵀKg) after each iteration
  std::string BriefReport() const;
};

// Returns β (n). K is n×n, y ∈ {−1,+1}^n.
Vector FitKernelLogistic(const Matrix& K, const Vector& y, const KernelLogisticOptions& opts,
                         KernelLogisticSummary* summary = nullptr);

// Mean logistic loss of margins z (stable for |z| up to 1e6).
double MeanLogisticLoss(const Vector& z);

}  // namespace marginlab::kernel
