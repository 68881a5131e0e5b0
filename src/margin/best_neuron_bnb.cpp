// Lipschitz branch-and-bound on the sphere for the best-neuron oracle: a
// certified upper bound on M(α) (see best_neuron.hpp).
//
// The sphere S^{r−1} is the radial image of the 2r facets {p : p_k = ±1,
// |p_j| ≤ 1} of the cube. A node is a box B on one facet; for p in B,
// ∠(p, c) ≤ ρ = asin(min(1, h/‖c‖)) with c the box's center and h its
// half-diagonal (the facet lies in p_k = ±1, so every p·c > 0). On the cap
// around ĉ of radius ρ, u·x_i ∈ ‖x_i‖[cos(min(θ_i+ρ, π)), cos(max(θ_i−ρ, 0))]
// with θ_i = ∠(ĉ, x_i), so
//   F(u) ≤ Σ_{α_i>0} α_i relu(hi_i) + Σ_{α_i<0} α_i relu(lo_i)   (and for −F).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <queue>

#include "marginlab/core/error.hpp"
#include "marginlab/core/interrupt.hpp"
#include "marginlab/margin/best_neuron.hpp"

namespace marginlab::margin {

namespace {

struct Node {
  double ub;
  int face;  // facet index: axis = face / 2, sign = ±1
  Vector lo, hi;  // r − 1 free coordinates
  bool operator<(const Node& o) const { return ub < o.ub; }
};

}  // namespace

OracleResult BestNeuronBranchBound(const Matrix& X, const Vector& alpha, const OracleOptions& opts,
                                   const Matrix& seeds) {
  ValidateOrThrow(opts, "best-neuron oracle");
  ML_REQUIRE(alpha.size() == X.rows()) << "best-neuron oracle: α has " << alpha.size()
                                       << " entries, X has " << X.rows() << " rows";
  const Matrix V = RowSpaceBasis(X);
  const Index r = V.cols(), n = X.rows();
  OracleResult res;
  res.mode = OracleMode::kBound;
  res.effective_dim = static_cast<int>(r);
  res.u = Vector::Zero(X.cols());
  if (r == 0) {
    res.certified = true;
    return res;
  }
  const Matrix A = X * V;  // n×r
  Vector an(n);
  double scale = 0;
  for (Index i = 0; i < n; ++i) {
    an[i] = A.row(i).norm();
    scale += std::abs(alpha[i]) * an[i];
  }
  const double tol = opts.tolerance * scale + 1e-300;

  // Warm start with the ascent's best point (a valid lower bound), seeded in the row space.
  OracleOptions aopts = opts;
  aopts.ascent_starts = std::min(opts.ascent_starts, 16);
  aopts.candidates = 1;
  const OracleResult warm =
      BestNeuronAscent(A, alpha, aopts, seeds.size() > 0 ? Matrix(seeds * V) : Matrix());
  res.evaluations = warm.evaluations;
  double best = warm.value;
  Vector best_u = warm.u;
  int best_sign = warm.sign;

  auto point = [&](int face, const Vector& mid) {
    Vector p(r);
    const Index axis = face / 2;
    Index j = 0;
    for (Index k = 0; k < r; ++k) p[k] = k == axis ? (face % 2 == 0 ? 1.0 : -1.0) : mid[j++];
    return p;
  };
  auto evaluate = [&](Node& nd) {
    const Vector mid = (nd.lo + nd.hi) / 2;
    const Vector p = point(nd.face, mid);
    const double h = (nd.hi - nd.lo).norm() / 2, pn = p.norm();
    const double rho = h >= pn ? std::numbers::pi / 2 : std::asin(h / pn);
    const Vector c = p / pn;
    const Vector z = A * c;  // ‖x_i‖ cos θ_i
    // Inputs active (or inactive) on the whole cap contribute the linear piece
    // g·u exactly; only the inputs whose boundary crosses the cap get intervals.
    double f = 0, up = 0, un = 0;  // F(c), bound on F, bound on −F (crossing parts)
    Vector g = Vector::Zero(r);
    for (Index i = 0; i < n; ++i) {
      if (an[i] == 0) continue;
      if (z[i] > 0) f += alpha[i] * z[i];
      const double cz = std::clamp(z[i] / an[i], -1.0, 1.0);
      const double theta = std::atan2(std::sqrt(std::max(0.0, 1 - cz * cz)), cz);
      if (theta + rho < std::numbers::pi / 2) {
        g += alpha[i] * A.row(i).transpose();
        continue;
      }
      if (theta - rho > std::numbers::pi / 2) continue;
      const double hi = an[i] * std::cos(std::max(theta - rho, 0.0));
      const double lo = an[i] * std::cos(std::min(theta + rho, std::numbers::pi));
      if (alpha[i] > 0) {
        up += alpha[i] * std::max(hi, 0.0);
        un -= alpha[i] * std::max(lo, 0.0);
      } else {
        up += alpha[i] * std::max(lo, 0.0);
        un -= alpha[i] * std::max(hi, 0.0);
      }
    }
    const double gn = g.norm();
    if (gn > 0) {
      // max over the cap of ±g·u = ‖g‖ cos(max(∠(±g, c) − ρ, 0)).
      const double cg = std::clamp(g.dot(c) / gn, -1.0, 1.0);
      const double phi = std::atan2(std::sqrt(std::max(0.0, 1 - cg * cg)), cg);
      up += gn * std::cos(std::max(phi - rho, 0.0));
      un += gn * std::cos(std::max(std::numbers::pi - phi - rho, 0.0));
    }
    if (std::abs(f) > best) {
      best = std::abs(f);
      best_u = c;
      best_sign = f >= 0 ? 1 : -1;
    }
    nd.ub = std::max(up, un) + 1e-14 * scale;
  };

  std::priority_queue<Node> queue;
  for (int face = 0; face < 2 * static_cast<int>(r); ++face) {
    Node nd{0, face, Vector::Constant(r - 1, -1.0), Vector::Constant(r - 1, 1.0)};
    evaluate(nd);
    queue.push(nd);
  }
  long nodes = 0;
  while (!queue.empty() && queue.top().ub > best + tol && nodes < opts.bnb_max_nodes) {
    if (nodes % 256 == 0) CheckInterrupt();
    Node nd = queue.top();
    queue.pop();
    ++nodes;
    if (r == 1) break;  // two points: evaluated exactly
    Index k = 0;
    (nd.hi - nd.lo).maxCoeff(&k);
    const double m = (nd.lo[k] + nd.hi[k]) / 2;
    Node a = nd, b = nd;
    a.hi[k] = m;
    b.lo[k] = m;
    evaluate(a);
    evaluate(b);
    if (a.ub > best + tol) queue.push(a);
    if (b.ub > best + tol) queue.push(b);
  }
  res.nodes = nodes;
  res.value = best;
  res.upper = queue.empty() ? best + tol : std::max(best, queue.top().ub);
  if (r == 1) res.upper = best;
  res.certified = res.upper - best <= tol * (1 + 1e-9);
  res.sign = best_sign;
  if (best_u.norm() > 0) res.u = V * best_u / best_u.norm();
  res.value = std::max(0.0, res.sign * NeuronValue(X, alpha, res.u));
  res.candidates = res.u.transpose();
  res.candidate_values = Vector::Constant(1, res.value);
  return res;
}

}  // namespace marginlab::margin
