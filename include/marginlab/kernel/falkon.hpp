// Matrix-free kernel ridge regression at scale: Nyström-preconditioned conjugate gradient in the
// spirit of Falkon (Rudi, Carratino & Rosasco 2017; Meanti et al. 2020), for the FULL system
//     (K + λI) β = y,   K = K(X, X) n×n, never stored,
// the same solution as the dense ridge solve (ridge.hpp, dense_cholesky.hpp) for any λ > 0.
//
// Preconditioner: the Nyström approximation with M centers C (drawn uniformly without
// replacement with Rng(seed).Split(kSplit)), P = K_nM K_MM⁻¹ K_Mn + λI, applied by Woodbury:
//     P⁻¹ v = (v − K_nM G⁻¹ K_Mn v)/λ,   G = λ K_MM + K_Mn K_nM  (M×M, Cholesky once; a jitter
// ε·tr(G)/M·I is added if G is not numerically positive definite).
// Each CG iteration computes (K + λI)p by SymmetricKernelTimes (tiles recomputed on the fly,
// symmetric halves computed once) and two n×M kernel products for P⁻¹ (also recomputed).
// Memory O(nd + M² + n): no n×n or n×M matrix is stored.
//
// Stopping rule: the relative residual of the ORIGINAL (unpreconditioned) system,
//     ‖y − (K + λI)β_t‖₂ / ‖y‖₂ ≤ tol,
// tracked by PCG's recurrence residual; at the end one extra matvec gives the true residual,
// reported in the summary (true_residual).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/kernel/kernel_spec.hpp"

namespace marginlab::kernel {

struct FalkonOptions {
  double lambda = 1e-3;  // (K + λI)β = y, λ absolute as in ridge.hpp
  Index centers = 1000;  // M (capped at n)
  double tol = 1e-6;     // relative residual of the original system
  Index max_iterations = 500;
  std::uint64_t seed = 0;
  // Called after every CG iteration with (iteration, recurrence relative residual); not a field.
  std::function<void(Index, double)> on_iteration;

  template <class V>
  void Fields(V& v) {
    v("lambda", lambda, "ridge lambda > 0: (K + lambda I) beta = y");
    v("centers", centers, "number M of Nystrom centers");
    v("tol", tol, "stop when ||y - (K + lambda I) beta|| / ||y|| <= tol");
    v("max_iterations", max_iterations, "CG iteration budget");
    v("seed", seed, "seed for the uniform choice of centers");
  }
  std::string Validate() const;
};

struct FalkonSummary : SummaryBase {
  Index iterations = 0;
  Index centers = 0;
  std::vector<double> residuals;  // recurrence relative residual after each iteration (0: start)
  double true_residual = 0;       // ‖y − (K+λI)β‖/‖y‖ by an extra matvec at the end
  std::string BriefReport() const;
};

// β (n) solving (K(X,X) + λI)β = y to the stopping rule above.
Vector FalkonSolve(const KernelOptions& kernel, const Matrix& X, const Vector& y, const FalkonOptions& opts,
                   FalkonSummary* summary = nullptr);

}  // namespace marginlab::kernel
