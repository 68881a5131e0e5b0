// Kernel SVMs: LIBSVM with a precomputed kernel, and bias-free dual coordinate ascent
// (kernel_svm.hpp).
#include "marginlab/kernel/kernel_svm.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "marginlab/build_config.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/interrupt.hpp"
#include "marginlab/core/features.hpp"

#if MARGINLAB_HAVE_LIBSVM
#include <libsvm/svm.h>
#endif

namespace marginlab::kernel {

std::string KernelSvmOptions::Validate() const {
  if (!(C > 0) || !std::isfinite(C)) return "C must be finite and > 0";
  if (!(tol > 0) || !std::isfinite(tol)) return "tol must be finite and > 0";
  if (max_epochs < 1) return "max_epochs must be >= 1";
  if (max_libsvm_n < 1) return "max_libsvm_n must be >= 1";
  return "";
}

double RkhsNormSquared(const Matrix& K, const Vector& beta) { return beta.dot(K * beta); }

double RkhsNormalizedMargin(const Matrix& K, const Vector& beta, double b, const Vector& y) {
  const double norm = std::sqrt(std::max(RkhsNormSquared(K, beta), 0.0));
  if (norm == 0) return 0.0;
  const Vector f = (K * beta).array() + b;
  return y.cwiseProduct(f).minCoeff<Eigen::PropagateNaN>() / norm;  // a NaN output: NaN, not a margin
}

namespace {

void CheckLabels(const Vector& y) {
  for (Index i = 0; i < y.size(); ++i)
    ML_REQUIRE(y[i] == 1.0 || y[i] == -1.0) << "SVM: labels must be -1 or +1; row " << i << " has " << y[i];
}

// max_{0≤α≤C} Σα − ½ αᵀQα, Q = YKY, by cyclic coordinate ascent with exact coordinate steps.
KernelSvmModel DualCoordinateAscent(const Matrix& K, const Vector& y, const KernelSvmOptions& o,
                                    KernelSvmSummary& s) {
  const Index n = K.rows();
  Vector alpha = Vector::Zero(n);
  Vector grad = Vector::Constant(n, -1.0);  // ∂/∂α of ½αᵀQα − Σα = Qα − 1
  s.termination = Termination::kMaxIterations;
  for (Index epoch = 0; epoch < o.max_epochs; ++epoch) {
    CheckInterrupt();
    double violation = 0;
    for (Index i = 0; i < n; ++i) {
      const double gi = grad[i];
      // Projected gradient.
      double pg = gi;
      if (alpha[i] <= 0) pg = std::min(gi, 0.0);
      if (alpha[i] >= o.C) pg = std::max(gi, 0.0);
      violation = std::max(violation, std::fabs(pg));
      if (pg == 0) continue;
      const double qii = K(i, i);
      if (qii <= 0) continue;
      const double next = std::clamp(alpha[i] - gi / qii, 0.0, o.C);
      const double delta = next - alpha[i];
      if (delta == 0) continue;
      alpha[i] = next;
      grad.noalias() += (delta * y[i]) * y.cwiseProduct(K.col(i));
    }
    s.epochs = epoch + 1;
    s.max_violation = violation;
    if (violation <= o.tol || epoch % 64 == 63) {
      // Refresh the incrementally updated gradient (rounding drift), then re-check.
      const Vector beta = y.cwiseProduct(alpha);
      grad = y.cwiseProduct(K * beta).array() - 1.0;
      double v = 0;
      for (Index i = 0; i < n; ++i) {
        double pg = grad[i];
        if (alpha[i] <= 0) pg = std::min(pg, 0.0);
        if (alpha[i] >= o.C) pg = std::max(pg, 0.0);
        v = std::max(v, std::fabs(pg));
      }
      s.max_violation = v;
      if (v <= o.tol) {
        s.termination = Termination::kConverged;
        break;
      }
    }
  }
  KernelSvmModel m;
  m.beta = y.cwiseProduct(alpha);
  s.support_vectors = (alpha.array() > 0).count();
  s.dual_objective = alpha.sum() - 0.5 * m.beta.dot(K * m.beta);
  return m;
}

#if MARGINLAB_HAVE_LIBSVM
void QuietPrint(const char*) {}

KernelSvmModel Libsvm(const Matrix& K, const Vector& y, const KernelSvmOptions& o, KernelSvmSummary& s) {
  const Index n = K.rows();
  ML_REQUIRE(n <= o.max_libsvm_n) << "SVM with bias: n = " << n << " exceeds max_libsvm_n = "
                                  << o.max_libsvm_n << " (LIBSVM stores the kernel as 16-byte nodes)";
  svm_set_print_string_function(&QuietPrint);
  // Row i: {0: i+1 (the serial number)}, {j: K(i, j−1)} for j = 1…n, {−1}.
  std::vector<svm_node> nodes(static_cast<std::size_t>(n * (n + 2)));
  std::vector<svm_node*> rows(static_cast<std::size_t>(n));
  std::vector<double> labels(y.data(), y.data() + n);
  for (Index i = 0; i < n; ++i) {
    svm_node* r = nodes.data() + i * (n + 2);
    rows[i] = r;
    r[0] = {0, static_cast<double>(i + 1)};
    for (Index j = 0; j < n; ++j) r[j + 1] = {static_cast<int>(j + 1), K(i, j)};
    r[n + 1] = {-1, 0.0};
  }
  svm_problem prob{static_cast<int>(n), labels.data(), rows.data()};
  svm_parameter param{};
  param.svm_type = C_SVC;
  param.kernel_type = PRECOMPUTED;
  param.cache_size = 200;
  param.eps = o.tol;
  param.C = o.C;
  param.shrinking = 1;
  param.probability = 0;
  if (const char* err = svm_check_parameter(&prob, &param)) throw InputError(std::string("LIBSVM: ") + err);
  svm_model* model = svm_train(&prob, &param);
  ML_CHECK(model != nullptr) << "LIBSVM returned no model";
  KernelSvmModel m;
  m.beta = Vector::Zero(n);
  const int nsv = svm_get_nr_sv(model);
  std::vector<int> idx(static_cast<std::size_t>(nsv));
  svm_get_sv_indices(model, idx.data());  // 1-based
  // LIBSVM's decision value is Σ coef_i K(x_i, x) − ρ for the class label[0]; flip if label[0] = −1.
  const double sign = model->label[0] == 1 ? 1.0 : -1.0;
  for (int k = 0; k < nsv; ++k) m.beta[idx[k] - 1] = sign * model->sv_coef[0][k];
  m.b = -sign * model->rho[0];
  s.support_vectors = nsv;
  svm_free_and_destroy_model(&model);
  s.dual_objective = y.cwiseProduct(m.beta).sum() - 0.5 * m.beta.dot(K * m.beta);
  s.termination = Termination::kConverged;
  return m;
}
#endif

}  // namespace

KernelSvmModel FitKernelSvm(const Matrix& K, const Vector& y, const KernelSvmOptions& opts,
                            KernelSvmSummary* summary) {
  ValidateOrThrow(opts, "kernel SVM");
  ML_CHECK(K.rows() == K.cols() && K.rows() == y.size()) << "FitKernelSvm: shapes";
  CheckLabels(y);
  KernelSvmSummary local;
  KernelSvmSummary& s = summary ? *summary : local;
  Stopwatch sw;
  KernelSvmModel m;
  if (opts.bias) {
#if MARGINLAB_HAVE_LIBSVM
    m = Libsvm(K, y, opts, s);
#else
    RequireFeature("libsvm");
#endif
  } else {
    m = DualCoordinateAscent(K, y, opts, s);
  }
  s.AddTiming(opts.bias ? "libsvm" : "coordinate_ascent", sw.Seconds());
  return m;
}

}  // namespace marginlab::kernel
