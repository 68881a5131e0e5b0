// The NTK separation margin by Monte Carlo and mirror descent (see the header).
#include "marginlab/core/memory.hpp"
#include "marginlab/margin/ntk_margin.hpp"

#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/margin/linear_svm.hpp"

namespace marginlab::margin {

std::string NtkMarginOptions::Validate() const {
  if (samples < 2) return "samples must be ≥ 2";
  if (iterations < 1) return "iterations must be ≥ 1";
  return "";
}

NtkMarginResult NtkMargin(const Matrix& X, const Vector& y, const NtkMarginOptions& opts) {
  ValidateOrThrow(opts, "NTK margin");
  const Matrix Z = SignedRows(X, y, "NTK margin");  // rows y_i x_i
  const Index n = X.rows(), d = X.cols(), M = opts.samples;
  RequireMemory(SaturatingAdd(ArrayBytes({M, d}, 2 * sizeof(double)), ArrayBytes({M, n}, sizeof(double))),
                "the NTK margin's " + std::to_string(M) + " Monte-Carlo samples on n = " + std::to_string(n) +
                    ", d = " + std::to_string(d));
  Rng rng = Rng(opts.seed).Split(Purpose::kMonteCarlo);
  const Matrix G = rng.NormalMatrix(M, d);                      // z_s (rows)
  const Matrix B = ((G * X.transpose()).array() > 0).cast<double>().matrix();  // M×n indicators
  Stopwatch sw;
  // g_s(q) = Σ_i q_i B_si z_i: rows of (B diag(q)) Z.
  auto grads = [&](const Vector& q) { return Matrix(B * q.asDiagonal() * Z); };
  auto phi = [&](const Matrix& g) { return g.rowwise().norm().mean(); };
  const double gmax = std::sqrt(Z.rowwise().squaredNorm().maxCoeff());
  NtkMarginResult res;
  Vector q = Vector::Constant(n, 1.0 / static_cast<double>(n));
  Vector subsum = Vector::Zero(n);  // Σ_t margins_i(v^t), v^t_s = ĝ_s(q_t)
  double best = std::numeric_limits<double>::infinity();
  for (long t = 1; t <= opts.iterations; ++t) {
    const Matrix g = grads(q);  // M×d
    const Vector norms = g.rowwise().norm();
    const double val = norms.mean();
    if (val < best) {
      best = val;
      res.q = q;
    }
    // ∂φ/∂q_i = (1/M) Σ_s B_si z_i·ĝ_s.
    Matrix ghat = g;
    for (Index s = 0; s < M; ++s) ghat.row(s) = norms[s] > 0 ? Vector(g.row(s) / norms[s]) : Vector::Zero(d);
    const Vector sub = ((B.transpose() * ghat).cwiseProduct(Z)).rowwise().sum() / static_cast<double>(M);
    subsum += sub;
    const double eta = std::sqrt(2 * std::log(static_cast<double>(std::max<Index>(n, 2)))) /
                       (std::max(gmax, 1e-300) * std::sqrt(static_cast<double>(t)));
    Vector logq = q.array().log().matrix() - eta * sub;
    logq.array() -= logq.maxCoeff();
    q = logq.array().exp().matrix();
    q /= q.sum();
  }
  {
    const Matrix g = grads(q);
    const double val = phi(g);
    if (val < best) {
      best = val;
      res.q = q;
    }
  }
  res.value = best;
  res.upper = best;
  // Dual bound: the game Σ_i q_i m_i(v) is bilinear; v̄ = the average of the
  // best responses v^t_s = ĝ_s(q_t) is feasible (‖v̄_s‖ ≤ 1) and its margins
  // m_i(v̄) are the averaged subgradients (no-regret: the gap is O(1/√T)).
  const Vector margins = subsum / static_cast<double>(opts.iterations);
  res.lower = std::min(margins.minCoeff(), res.upper);
  const Vector norms = grads(res.q).rowwise().norm();
  const double mean = norms.mean();
  const double var = (norms.array() - mean).square().sum() / static_cast<double>(M - 1);
  res.standard_error = std::sqrt(var / static_cast<double>(M));
  res.termination = Termination::kMaxIterations;
  res.message = "mirror descent, " + std::to_string(opts.iterations) + " steps";
  res.AddTiming("mirror-descent", sw.Seconds());
  return res;
}

}  // namespace marginlab::margin
