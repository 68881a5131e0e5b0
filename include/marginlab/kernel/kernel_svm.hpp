// Kernel support vector machines and the RKHS normalized margin.
//
// Soft margin (hard margin as C → ∞, default C = 1e8), labels y ∈ {−1,+1}:
//   min_{f ∈ H, b} ½‖f‖²_H + C Σ_i max(0, 1 − y_i (f(x_i) + b)),   f = Σ_i β_i K(x_i, ·).
// Two solvers:
//  - bias = true: LIBSVM (Chang & Lin 2011) C-SVC with a precomputed kernel (Debian's libsvm-dev;
//    CMake option MARGINLAB_WITH_LIBSVM). It stores the n×n kernel as LIBSVM nodes (16 bytes per
//    entry), so n is limited to `max_libsvm_n`.
//  - bias = false (the papers' kernel predictors have no bias): dual coordinate ascent
//    (Hsieh et al. 2008, with a kernel) on  max_{0≤α≤C} Σα − ½ αᵀ(YKY)α,  β = y∘α, stopping when
//    the largest projected-gradient violation is ≤ tol.
// The RKHS normalized margin of any kernel predictor f = Σβ_i K(x_i,·) + b is
//   γ_H = min_i y_i f(x_i) / ‖f‖_H,   ‖f‖²_H = βᵀKβ   (DESIGN §2; Wei et al. §2 compare it with
// the network's normalized margin). For the hard-margin SVM without bias it equals 1/‖f‖_H.
#pragma once

#include <string>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"

namespace marginlab::kernel {

struct KernelSvmOptions {
  double C = 1e8;  // box constraint; very large = hard margin
  bool bias = false;
  double tol = 1e-6;  // LIBSVM eps / coordinate-ascent KKT tolerance
  Index max_epochs = 100000;  // coordinate ascent: passes over the data
  Index max_libsvm_n = 20000;

  template <class V>
  void Fields(V& v) {
    v("C", C, "box constraint C (1e8 = hard margin)");
    v("bias", bias, "LIBSVM with an unregularized bias (false: no bias, own solver)");
    v("tol", tol, "stopping tolerance on the KKT violation");
    v("max_epochs", max_epochs, "coordinate ascent: passes over the data");
    v("max_libsvm_n", max_libsvm_n, "largest n handed to LIBSVM (it stores K as 16-byte nodes)");
  }
  std::string Validate() const;
};

struct KernelSvmSummary : SummaryBase {
  Index epochs = 0;          // coordinate ascent passes (or LIBSVM: 0)
  Index support_vectors = 0;
  double dual_objective = 0;
  double max_violation = 0;  // final KKT violation (coordinate ascent)
};

struct KernelSvmModel {
  Vector beta;  // n: f = Σ β_i K(x_i,·) + b
  double b = 0;
};

KernelSvmModel FitKernelSvm(const Matrix& K, const Vector& y, const KernelSvmOptions& opts,
                            KernelSvmSummary* summary = nullptr);

// ‖f‖²_H = βᵀKβ.
double RkhsNormSquared(const Matrix& K, const Vector& beta);
// min_i y_i f(x_i)/‖f‖_H with f(x_i) = (Kβ)_i + b; 0 if ‖f‖_H = 0.
double RkhsNormalizedMargin(const Matrix& K, const Vector& beta, double b, const Vector& y);

}  // namespace marginlab::kernel
