// The restricted Lasso problem of the global-optimum column generation (see
// restricted_fit.hpp).
#include "restricted_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "marginlab/core/interrupt.hpp"

namespace marginlab::margin::detail {

namespace {

// Smooth part h(a) = R(Φa) on the support S with fixed signs s: Newton's
// method on h(a_S) + mu s·a_S with backtracking; returns false if a sign would
// flip (the caller then continues with coordinate descent).
bool PolishSupport(const MarginLoss& L, const Matrix& Phi, const Vector& y, double mu, Vector* a,
                   Vector* f) {
  const Index n = Phi.rows();
  const double nn = static_cast<double>(n);
  std::vector<Index> S;
  for (Index j = 0; j < a->size(); ++j)
    if ((*a)[j] != 0) S.push_back(j);
  if (S.empty()) return true;
  Index k = static_cast<Index>(S.size());
  Matrix P(n, k);
  Vector sg(k), x(k);
  for (Index t = 0; t < k; ++t) {
    P.col(t) = Phi.col(S[t]);
    x[t] = (*a)[S[t]];
    sg[t] = x[t] > 0 ? 1 : -1;
  }
  auto drop = [&](Index hit) {
    Matrix P2(n, k - 1);
    Vector sg2(k - 1), x2(k - 1);
    std::vector<Index> S2;
    for (Index q = 0, t = 0; q < k; ++q) {
      if (q == hit) continue;
      P2.col(t) = P.col(q);
      sg2[t] = sg[q];
      x2[t] = x[q];
      S2.push_back(S[q]);
      ++t;
    }
    (*a)[S[hit]] = 0;
    P = P2;
    sg = sg2;
    x = x2;
    S = S2;
    --k;
  };
  // Reduce to linearly independent features: along a null direction z of P
  // the data term is constant and mu s·a is linear, so move (the way that does
  // not increase it) until a coefficient reaches 0 and drop it.
  for (;;) {
    Eigen::JacobiSVD<Matrix> svd(P, Eigen::ComputeFullV);
    const auto& sv = svd.singularValues();
    Index rank = 0;
    while (rank < sv.size() && sv[rank] > 1e-12 * std::max(sv.size() ? sv[0] : 0.0, 1e-300)) ++rank;
    if (rank == k) break;
    Vector z = svd.matrixV().col(k - 1);
    if (sg.dot(z) > 0) z = -z;
    double step = std::numeric_limits<double>::infinity();
    Index hit = -1;
    for (Index q = 0; q < k; ++q)
      if (z[q] * sg[q] < 0) {
        const double t = -x[q] / z[q];
        if (t < step) {
          step = t;
          hit = q;
        }
      }
    if (hit < 0) {  // sg·z = 0 and z moves no coefficient toward 0: flip it
      z = -z;
      for (Index q = 0; q < k; ++q)
        if (z[q] * sg[q] < 0) {
          const double t = -x[q] / z[q];
          if (t < step) {
            step = t;
            hit = q;
          }
        }
    }
    if (hit < 0) return false;
    x += step * z;
    drop(hit);
    if (k == 0) {
      *f = Phi * *a;
      return true;
    }
  }
  for (Index q = 0; q < k; ++q) {
    if (x[q] * sg[q] <= 0) return false;
  }
  auto obj = [&](const Vector& v) { return MeanLoss(L, P * v, y) + mu * sg.dot(v); };
  double fx = obj(x);
  for (int it = 0; it < 50; ++it) {
    const Vector ff = P * x;
    Vector r(n), c(n);
    for (Index i = 0; i < n; ++i) {
      r[i] = L.Deriv(ff[i], y[i]) / nn;
      c[i] = L.Curvature(ff[i], y[i]) / nn;
    }
    const Vector g = P.transpose() * r + mu * sg;
    if (g.norm() < 1e-15) break;
    Matrix H = P.transpose() * c.asDiagonal() * P;
    H.diagonal().array() += 1e-14 * (1 + H.diagonal().maxCoeff());
    const Vector step = H.ldlt().solve(-g);
    if (!step.allFinite() || g.dot(step) >= 0) return false;
    // Ratio test: the largest step keeping every sign.
    double tmax = std::numeric_limits<double>::infinity();
    Index hit = -1;
    for (Index q = 0; q < k; ++q)
      if (step[q] * sg[q] < 0) {
        const double t = -x[q] / step[q];
        if (t < tmax) {
          tmax = t;
          hit = q;
        }
      }
    double t = std::min(1.0, tmax);
    Vector xn = x + t * step;
    double fn = obj(xn);
    while (fn > fx + 1e-4 * t * g.dot(step) && t > 1e-10) {
      t /= 2;
      xn = x + t * step;
      fn = obj(xn);
    }
    if (hit >= 0 && t == tmax) {  // a coefficient reached 0: drop it, go on
      x = xn;
      x[hit] = 0;
      drop(hit);
      if (k == 0) break;
      fx = obj(x);
      continue;
    }
    const bool tiny = -g.dot(step) < 1e-28;
    x = xn;
    fx = fn;
    if (tiny) break;
  }
  for (Index t = 0; t < k; ++t) (*a)[S[t]] = x[t];
  *f = Phi * *a;
  return true;
}

// min_a R(Φa) + mu‖a‖₁: cyclic coordinate descent (each coordinate by a
// safeguarded 1-D prox-Newton step with the global curvature bound as the
// fallback), alternating with Newton polishing on the support until the
// optimality conditions hold to rounding.
void SolveOnColumns(const MarginLoss& L, const Matrix& Phi, const Vector& y, double mu, long sweeps,
                     Vector* a, Vector* f) {
  const Index n = Phi.rows(), K = Phi.cols();
  const double nn = static_cast<double>(n);
  *f = Phi * *a;
  Vector lip(K);
  for (Index j = 0; j < K; ++j) lip[j] = L.MaxCurvature() * Phi.col(j).squaredNorm() / nn;
  auto coord_obj = [&](Index j, double delta) {
    double s = 0;
    for (Index i = 0; i < n; ++i) s += L.Value((*f)[i] + delta * Phi(i, j), y[i]);
    return s / nn + mu * std::abs((*a)[j] + delta);
  };
  for (long s = 0; s < sweeps; ++s) {
    if (s % 16 == 0) CheckInterrupt();
    for (Index j = 0; j < K; ++j) {
      if (lip[j] == 0) continue;
      double g = 0, h = 0;
      for (Index i = 0; i < n; ++i) {
        if (Phi(i, j) == 0) continue;
        g += Phi(i, j) * L.Deriv((*f)[i], y[i]);
        h += Phi(i, j) * Phi(i, j) * L.Curvature((*f)[i], y[i]);
      }
      g /= nn;
      h = std::max(h / nn, 1e-12 * lip[j]);
      const double base = coord_obj(j, 0);
      double delta = 0;
      for (double curv : {h, lip[j]}) {
        const double z = (*a)[j] - g / curv, t = mu / curv;
        const double next = z > t ? z - t : (z < -t ? z + t : 0.0);
        if (coord_obj(j, next - (*a)[j]) <= base + 1e-15 * std::abs(base)) {  // steps at rounding level count: the Newton polish needs the support
          delta = next - (*a)[j];
          break;
        }
      }
      if (delta != 0) {
        *f += delta * Phi.col(j);
        (*a)[j] += delta;
      }
    }
    if (s % 10 == 9 || s + 1 == sweeps) {
      Vector polished = *a, fp = *f;
      if (PolishSupport(L, Phi, y, mu, &polished, &fp)) {
        // Optimality: |∇_j R| ≤ mu off the support, = −mu sign(a_j) on it.
        Vector r(n);
        for (Index i = 0; i < n; ++i) r[i] = L.Deriv(fp[i], y[i]) / nn;
        const Vector g = Phi.transpose() * r;
        double viol = 0;
        for (Index j = 0; j < K; ++j)
          viol = std::max(viol, polished[j] == 0 ? std::abs(g[j]) - mu
                                                 : std::abs(g[j] + mu * (polished[j] > 0 ? 1 : -1)));
        *a = polished;
        *f = fp;
        if (viol <= 0.1 * KktSlack(mu)) return;
      }
    }
  }
}

constexpr size_t kNewPerPass = 16;

}  // namespace

void FitRestricted(const MarginLoss& L, const Matrix& Phi, const Vector& y, double mu, long sweeps,
                   Vector* a, Vector* f, int passes) {
  const Index K = Phi.cols();
  *f = Phi * *a;
  for (int pass = 0; pass < passes; ++pass) {  // a pass adds ≤ kNewPerPass columns
    // The working set: the support and the worst KKT violators (|∇_j R| > μ off
    // the support), at most kNewPerPass of them a pass: with hundreds of columns
    // at a = 0, coordinate descent over all of them crawled (wei-d d = 16,
    // n = 1600: 70 s for one round, 4 columns in the answer).
    const Vector g = Phi.transpose() * LossGradient(L, *f, y);
    std::vector<Index> W, violators;
    for (Index j = 0; j < K; ++j) {
      if ((*a)[j] != 0) W.push_back(j);
      else if (std::abs(g[j]) > mu + KktSlack(mu)) violators.push_back(j);
    }
    if ((pass > 0 && violators.empty()) || (W.empty() && violators.empty())) return;
    const size_t take = std::min<size_t>(violators.size(), kNewPerPass);
    std::partial_sort(violators.begin(), violators.begin() + static_cast<std::ptrdiff_t>(take), violators.end(),
                      [&](Index p, Index q) { return std::abs(g[p]) > std::abs(g[q]) || (std::abs(g[p]) == std::abs(g[q]) && p < q); });
    W.insert(W.end(), violators.begin(), violators.begin() + static_cast<std::ptrdiff_t>(take));
    Matrix PW(Phi.rows(), static_cast<Index>(W.size()));
    Vector aW(static_cast<Index>(W.size()));
    for (size_t k = 0; k < W.size(); ++k) {
      PW.col(static_cast<Index>(k)) = Phi.col(W[k]);
      aW[static_cast<Index>(k)] = (*a)[W[k]];
    }
    SolveOnColumns(L, PW, y, mu, sweeps, &aW, f);
    for (size_t k = 0; k < W.size(); ++k) (*a)[W[k]] = aW[static_cast<Index>(k)];
  }
}

}  // namespace marginlab::margin::detail
