// Kernel logistic regression by damped Newton (kernel_logistic.hpp).
#include "marginlab/kernel/kernel_logistic.hpp"

#include <Eigen/Cholesky>
#include <cmath>
#include <sstream>

#include "marginlab/core/error.hpp"
#include "marginlab/core/interrupt.hpp"

namespace marginlab::kernel {
namespace {
// log(1 + e^{−z}) without overflow.
double Softplus(double z) { return z > 0 ? std::log1p(std::exp(-z)) : -z + std::log1p(std::exp(z)); }
// σ(−z) = 1/(1 + e^{z}).
double SigmoidNeg(double z) {
  return z > 0 ? std::exp(-z) / (1 + std::exp(-z)) : 1 / (1 + std::exp(z));
}
}  // namespace

std::string KernelLogisticOptions::Validate() const {
  if (!(lambda > 0) || !std::isfinite(lambda)) return "lambda must be finite and > 0";
  if (!(tol > 0) || !std::isfinite(tol)) return "tol must be finite and > 0";
  if (max_iterations < 1) return "max_iterations must be >= 1";
  return "";
}

std::string KernelLogisticSummary::BriefReport() const {
  std::ostringstream o;
  o << SummaryBase::BriefReport() << "; " << iterations << " Newton iterations";
  if (!objective.empty()) o << ", objective " << objective.back();
  return o.str();
}

double MeanLogisticLoss(const Vector& z) {
  double s = 0;
  for (Index i = 0; i < z.size(); ++i) s += Softplus(z[i]);
  return z.size() ? s / static_cast<double>(z.size()) : 0.0;
}

Vector FitKernelLogistic(const Matrix& K, const Vector& y, const KernelLogisticOptions& opts,
                         KernelLogisticSummary* summary) {
  ValidateOrThrow(opts, "kernel logistic regression");
  const Index n = K.rows();
  ML_CHECK(K.cols() == n && y.size() == n) << "FitKernelLogistic: shapes";
  KernelLogisticSummary local;
  KernelLogisticSummary& s = summary ? *summary : local;
  Stopwatch sw;
  const double lam = opts.lambda, nd = static_cast<double>(n);
  Vector beta = Vector::Zero(n), f = Vector::Zero(n);
  auto objective = [&](const Vector& b, const Vector& fv) {
    return MeanLogisticLoss(y.cwiseProduct(fv)) + 0.5 * lam * b.dot(fv);
  };
  double obj = objective(beta, f);
  s.objective.push_back(obj);
  s.termination = Termination::kMaxIterations;
  for (Index it = 0; it < opts.max_iterations; ++it) {
    CheckInterrupt();
    Vector g(n), w(n);
    for (Index i = 0; i < n; ++i) {
      const double z = y[i] * f[i], sg = SigmoidNeg(z);  // σ(−z)
      g[i] = -y[i] * sg / nd + lam * beta[i];
      w[i] = sg * (1 - sg);
    }
    const Vector Kg = K * g;
    const double gnorm = std::sqrt(std::max(g.dot(Kg), 0.0));
    if (it == 0) s.gradient_norm.push_back(gnorm);
    if (gnorm <= opts.tol) {
      s.termination = Termination::kConverged;
      break;
    }
    const Vector sq = w.cwiseSqrt();
    Matrix B = (sq.asDiagonal() * K * sq.asDiagonal()) / (nd * lam);
    B.diagonal().array() += 1.0;
    Eigen::LLT<Matrix> llt(B);
    ML_CHECK(llt.info() == Eigen::Success) << "Newton system not positive definite";
    const Vector t = sq.cwiseProduct(llt.solve(sq.cwiseProduct(Kg) / (nd * lam)));
    const Vector delta = -(g - t) / lam;
    const Vector Kdelta = K * delta;
    const double slope = Kg.dot(delta);  // directional derivative ∇ᵀΔ = gᵀKΔ
    double step = 1;
    Vector nb, nf;
    double nobj = obj;
    for (int ls = 0; ls < 60; ++ls, step /= 2) {
      nb = beta + step * delta;
      nf = f + step * Kdelta;
      nobj = objective(nb, nf);
      if (nobj <= obj + 1e-4 * step * slope) break;
    }
    beta = nb;
    f = nf;
    obj = nobj;
    s.iterations = it + 1;
    s.objective.push_back(obj);
    s.gradient_norm.push_back(gnorm);
    if (!std::isfinite(obj)) {
      s.termination = Termination::kDiverged;
      break;
    }
  }
  s.AddTiming("newton", sw.Seconds());
  return beta;
}

}  // namespace marginlab::kernel
