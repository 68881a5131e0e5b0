// Multi-start projected ascent for the best-neuron oracle: a lower estimate of
// M(α), uncertified (see best_neuron.hpp).
#include <cmath>
#include <limits>

#include "marginlab/core/error.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/margin/best_neuron.hpp"

namespace marginlab::margin {

namespace {

// Ascent on the signed problem max_u F(u) from u0; returns the best (F, u).
std::pair<double, Vector> Climb(const Matrix& X, const Vector& alpha, Vector u, int iterations,
                                long* steps) {
  double fu = NeuronValue(X, alpha, u);
  for (int it = 0; it < iterations; ++it) {
    ++*steps;
    const Vector z = X * u;
    Vector g = Vector::Zero(X.cols());
    for (Index i = 0; i < z.size(); ++i)
      if (z[i] > 0) g += alpha[i] * X.row(i).transpose();
    const double gn = g.norm();
    if (gn == 0) break;
    // Fixed-point step ĝ first, then u + t g with halving t.
    bool moved = false;
    Vector cand = g / gn;
    double t = 4 * gn;
    for (int k = 0; k < 30; ++k) {
      const double fc = NeuronValue(X, alpha, cand);
      if (fc > fu + 1e-15 * std::abs(fu)) {
        u = cand;
        fu = fc;
        moved = true;
        break;
      }
      t /= 2;
      cand = (u + (t / gn) * g).normalized();
    }
    if (!moved) break;
  }
  return {fu, u};
}

}  // namespace

OracleResult BestNeuronAscent(const Matrix& X, const Vector& alpha, const OracleOptions& opts) {
  ValidateOrThrow(opts, "best-neuron oracle");
  ML_REQUIRE(alpha.size() == X.rows()) << "best-neuron oracle: α has " << alpha.size()
                                       << " entries, X has " << X.rows() << " rows";
  const Index d = X.cols();
  OracleResult res;
  res.mode = "heuristic";
  res.certified = false;
  res.upper = std::numeric_limits<double>::infinity();
  res.effective_dim = static_cast<int>(detail::RowSpaceBasis(X).cols());
  res.u = Vector::Zero(d);
  double best = 0;
  Rng rng = Rng(opts.seed).Split(Purpose::kMonteCarlo);
  auto run = [&](const Vector& u0) {
    for (double s : {1.0, -1.0}) {
      const auto [f, u] = Climb(X, s * alpha, u0, opts.ascent_iterations, &res.nodes);
      if (f > best) {
        best = f;
        res.u = u;
        res.sign = static_cast<int>(s);
      }
    }
  };
  for (int s = 0; s < opts.ascent_starts; ++s) run(rng.UnitSphere(d));
  for (Index i = 0; i < X.rows(); ++i) {
    const double xn = X.row(i).norm();
    if (xn == 0) continue;
    run(X.row(i).transpose() / xn);
    run(-X.row(i).transpose() / xn);
  }
  res.value = best;
  return res;
}

}  // namespace marginlab::margin
