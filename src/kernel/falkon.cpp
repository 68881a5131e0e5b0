// Nyström-preconditioned CG for kernel ridge regression (falkon.hpp).
#include "marginlab/kernel/falkon.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "marginlab/core/error.hpp"
#include "marginlab/core/interrupt.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/kernel/gram.hpp"

namespace marginlab::kernel {

std::string FalkonOptions::Validate() const {
  if (!(lambda > 0) || !std::isfinite(lambda)) return "lambda must be finite and > 0";
  if (centers < 1) return "centers must be >= 1";
  if (!(tol > 0 && tol < 1)) return "tol must be in (0, 1)";
  if (max_iterations < 1) return "max_iterations must be >= 1";
  return "";
}

std::string FalkonSummary::BriefReport() const {
  std::ostringstream o;
  o << SummaryBase::BriefReport() << "; " << iterations << " CG iterations, " << centers
    << " centers, relative residual " << true_residual;
  return o.str();
}

Vector FalkonSolve(const KernelOptions& kernel, const Matrix& X, const Vector& y, const FalkonOptions& o,
                   FalkonSummary* summary) {
  ValidateOrThrow(o, "falkon");
  ValidateOrThrow(kernel, "falkon kernel");
  const Index n = X.rows();
  ML_CHECK(y.size() == n) << "falkon: y has " << y.size() << " entries, X " << n << " rows";
  FalkonSummary local;
  FalkonSummary& s = summary ? *summary : local;
  Stopwatch sw;
  // Centers: a uniform sample without replacement (partial Fisher–Yates), kept in index order.
  const Index M = std::min(o.centers, n);
  std::vector<Index> perm(static_cast<std::size_t>(n));
  std::iota(perm.begin(), perm.end(), Index{0});
  Rng rng = Rng(o.seed).Split(Purpose::kSplit);
  for (Index i = 0; i < M; ++i) std::swap(perm[i], perm[i + static_cast<Index>(rng.UniformInt(n - i))]);
  std::sort(perm.begin(), perm.begin() + M);
  Matrix C(M, X.cols());
  for (Index i = 0; i < M; ++i) C.row(i) = X.row(perm[i]);
  s.centers = M;
  // G = λ K_MM + K_Mn K_nM, accumulated tile by tile as K_Mn (K_nM) = KernelTimes over blocks of X.
  Matrix G = o.lambda * Gram(kernel, C);
  for (Index r0 = 0; r0 < n; r0 += 4096) {
    const Index r = std::min<Index>(4096, n - r0);
    const Matrix Xb = X.middleRows(r0, r);
    const Matrix KbM = CrossGram(kernel, Xb, C);  // r×M
    G.selfadjointView<Eigen::Lower>().rankUpdate(KbM.transpose());
  }
  G.triangularView<Eigen::Upper>() = G.transpose();
  Eigen::LLT<Matrix> llt(G);
  for (double jitter = 1e-14; llt.info() != Eigen::Success && jitter < 1; jitter *= 100) {
    Matrix Gj = G;
    Gj.diagonal().array() += jitter * G.trace() / static_cast<double>(M);
    llt.compute(Gj);
  }
  ML_CHECK(llt.info() == Eigen::Success) << "falkon: preconditioner factorization failed";
  s.AddTiming("preconditioner", sw.Seconds());
  sw.Restart();
  auto precondition = [&](const Vector& v) -> Vector {
    const Vector KMv = KernelTimes(kernel, C, X, v);
    const Vector t = llt.solve(KMv);
    return (v - KernelTimes(kernel, X, C, t)) / o.lambda;
  };
  auto apply = [&](const Vector& v) -> Vector {
    return SymmetricKernelTimes(kernel, X, v) + o.lambda * v;
  };
  const double ynorm = y.norm();
  Vector beta = Vector::Zero(n);
  s.termination = Termination::kMaxIterations;
  if (ynorm == 0) {
    s.termination = Termination::kConverged;
    return beta;
  }
  Vector r = y, z = precondition(r), p = z;
  double rz = r.dot(z);
  s.residuals.push_back(1.0);
  for (Index it = 0; it < o.max_iterations; ++it) {
    CheckInterrupt();
    const Vector Ap = apply(p);
    const double alpha = rz / p.dot(Ap);
    beta += alpha * p;
    r -= alpha * Ap;
    const double res = r.norm() / ynorm;
    s.residuals.push_back(res);
    s.iterations = it + 1;
    if (o.on_iteration) o.on_iteration(it + 1, res);
    if (!std::isfinite(res)) {
      s.termination = Termination::kDiverged;
      break;
    }
    if (res <= o.tol) {
      s.termination = Termination::kConverged;
      break;
    }
    z = precondition(r);
    const double rz_new = r.dot(z);
    p = z + (rz_new / rz) * p;
    rz = rz_new;
  }
  s.AddTiming("cg", sw.Seconds());
  sw.Restart();
  s.true_residual = (y - apply(beta)).norm() / ynorm;
  s.AddTiming("check", sw.Seconds());
  return beta;
}

}  // namespace marginlab::kernel
