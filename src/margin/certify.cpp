// Certified optimality gaps and the global optimum of the l2-regularized
// two-layer objective (see the header).
#include "marginlab/margin/certify.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "marginlab/core/error.hpp"
#include "marginlab/margin/linear_svm.hpp"

namespace marginlab::margin {

std::string CertifyOptions::Validate() const {
  if (loss != "logistic" && loss != "squared")
    return "loss must be logistic or squared (got '" + loss + "')";
  if (!(lambda > 0)) return "lambda must be > 0";
  if (max_rounds < 1 || cd_sweeps < 1) return "max_rounds and cd_sweeps must be ≥ 1";
  if (!(tolerance >= 0)) return "tolerance must be ≥ 0";
  return oracle.Validate();
}

namespace {

double Softplus(double t) { return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)); }
double Sigmoid(double t) { return t >= 0 ? 1 / (1 + std::exp(-t)) : std::exp(t) / (1 + std::exp(t)); }
double XLogX(double t) { return t > 0 ? t * std::log(t) : 0.0; }

struct Loss {
  bool logistic;
  double Value(double a, double y) const { return logistic ? Softplus(-y * a) : (a - y) * (a - y); }
  double Deriv(double a, double y) const { return logistic ? -y * Sigmoid(-y * a) : 2 * (a - y); }
  double Curvature() const { return logistic ? 0.25 : 2.0; }  // sup ℓ''
  // ℓ*(v) on its domain (logistic: t = −y v ∈ [0, 1]).
  double Conjugate(double v, double y) const {
    if (!logistic) return v * y + v * v / 4;
    const double t = std::clamp(-y * v, 0.0, 1.0);
    return XLogX(t) + XLogX(1 - t);
  }
};

double MeanLoss(const Loss& L, const Vector& f, const Vector& y) {
  double s = 0;
  for (Index i = 0; i < f.size(); ++i) s += L.Value(f[i], y[i]);
  return s / static_cast<double>(f.size());
}

// The dual lower bound at outputs f: β = ∇R(f), scaled into {M ≤ mu}.
GapCertificate DualBound(const Loss& L, const Matrix& X, const Vector& y, const Vector& f,
                         double mu, const OracleOptions& oopts) {
  const Index n = X.rows();
  const double nn = static_cast<double>(n);
  Vector beta(n);
  for (Index i = 0; i < n; ++i) beta[i] = L.Deriv(f[i], y[i]) / nn;
  const OracleResult o = BestNeuron(X, beta, oopts);
  GapCertificate c;
  c.oracle_mode = o.mode;
  c.oracle_value = o.value;
  const bool bounded = o.mode != "heuristic";
  c.oracle_upper = bounded ? o.upper : o.value;
  c.certified = bounded;
  c.dual_scale = c.oracle_upper > mu ? mu / c.oracle_upper : 1.0;
  double s = 0;
  for (Index i = 0; i < n; ++i) s += L.Conjugate(nn * c.dual_scale * beta[i], y[i]);
  c.lower_bound = -s / nn;
  return c;
}

void CheckData(const Matrix& X, const Vector& y, const Loss& L) {
  ML_REQUIRE(X.rows() == y.size() && X.rows() >= 1) << "certify: X has " << X.rows()
                                                    << " rows, y has " << y.size();
  if (L.logistic) (void)SignedRows(X, y, "certify (logistic loss)");
}

}  // namespace

GapCertificate CertifyNetwork(const TwoLayerNet& net, const Matrix& X, const Vector& y,
                              const CertifyOptions& opts) {
  ValidateOrThrow(opts, "certify");
  const Loss L{opts.loss == "logistic"};
  CheckData(X, y, L);
  ML_REQUIRE(net.output_scale > 0) << "certify: output scale must be > 0";
  const Vector f = net.Outputs(X);
  const double mu = 2 * opts.lambda / net.output_scale;
  GapCertificate c = DualBound(L, X, y, f, mu, opts.oracle);
  c.data_loss = MeanLoss(L, f, y);
  c.objective = c.data_loss + opts.lambda * net.SquaredNorm();
  c.gap = c.objective - c.lower_bound;
  return c;
}

namespace {

double Curv(const Loss& L, double a, double y) {
  if (!L.logistic) return 2.0;
  const double p = Sigmoid(-y * a);
  return p * (1 - p);
}

// Smooth part h(a) = R(Φa) on the support S with fixed signs s: Newton's
// method on h(a_S) + mu s·a_S with backtracking; returns false if a sign would
// flip (the caller then continues with coordinate descent).
bool PolishSupport(const Loss& L, const Matrix& Phi, const Vector& y, double mu, Vector* a,
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
      c[i] = Curv(L, ff[i], y[i]) / nn;
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
void SolveRestricted(const Loss& L, const Matrix& Phi, const Vector& y, double mu, long sweeps,
                     Vector* a, Vector* f) {
  const Index n = Phi.rows(), K = Phi.cols();
  const double nn = static_cast<double>(n);
  *f = Phi * *a;
  Vector lip(K);
  for (Index j = 0; j < K; ++j) lip[j] = L.Curvature() * Phi.col(j).squaredNorm() / nn;
  auto coord_obj = [&](Index j, double delta) {
    double s = 0;
    for (Index i = 0; i < n; ++i) s += L.Value((*f)[i] + delta * Phi(i, j), y[i]);
    return s / nn + mu * std::abs((*a)[j] + delta);
  };
  for (long s = 0; s < sweeps; ++s) {
    for (Index j = 0; j < K; ++j) {
      if (lip[j] == 0) continue;
      double g = 0, h = 0;
      for (Index i = 0; i < n; ++i) {
        if (Phi(i, j) == 0) continue;
        g += Phi(i, j) * L.Deriv((*f)[i], y[i]);
        h += Phi(i, j) * Phi(i, j) * Curv(L, (*f)[i], y[i]);
      }
      g /= nn;
      h = std::max(h / nn, 1e-12 * lip[j]);
      const double base = coord_obj(j, 0);
      double delta = 0;
      for (double curv : {h, lip[j]}) {
        const double z = (*a)[j] - g / curv, t = mu / curv;
        const double next = z > t ? z - t : (z < -t ? z + t : 0.0);
        if (coord_obj(j, next - (*a)[j]) <= base) {
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
        if (viol <= 1e-13 * std::max(1.0, mu)) return;
      }
    }
  }
}

}  // namespace

GlobalOptimumResult GlobalOptimum(const Matrix& X, const Vector& y, const CertifyOptions& opts) {
  ValidateOrThrow(opts, "global optimum");
  const Loss L{opts.loss == "logistic"};
  CheckData(X, y, L);
  const Index n = X.rows(), d = X.cols();
  const double mu = 2 * opts.lambda;
  Matrix D(0, d);
  for (Index i = 0; i < n; ++i) {
    const double xn = X.row(i).norm();
    if (xn == 0) continue;
    D.conservativeResize(D.rows() + 2, d);
    D.row(D.rows() - 2) = X.row(i) / xn;
    D.row(D.rows() - 1) = -X.row(i) / xn;
  }
  GlobalOptimumResult res;
  res.lower = -std::numeric_limits<double>::infinity();
  res.upper = std::numeric_limits<double>::infinity();
  res.certified = true;
  res.termination = Termination::kMaxIterations;
  Vector a = Vector::Zero(D.rows());
  Stopwatch sw;
  for (long round = 0; round < opts.max_rounds; ++round) {
    res.rounds = round + 1;
    const Matrix Phi = (X * D.transpose()).cwiseMax(0.0);
    Vector f;
    SolveRestricted(L, Phi, y, mu, opts.cd_sweeps, &a, &f);
    const double primal = MeanLoss(L, f, y) + mu * a.lpNorm<1>();
    const GapCertificate c = DualBound(L, X, y, f, mu, opts.oracle);
    if (!c.certified) res.certified = false;
    res.lower = std::max(res.lower, c.lower_bound);
    if (primal < res.upper) {
      res.upper = primal;
      res.directions = D;
      res.weights = a;
    }
    if (res.upper - res.lower <= opts.tolerance * std::max(1.0, std::abs(res.upper))) {
      res.termination = Termination::kConverged;
      break;
    }
    // Price: the oracle's argmax joins the columns.
    Vector beta(n);
    for (Index i = 0; i < n; ++i) beta[i] = L.Deriv(f[i], y[i]) / static_cast<double>(n);
    const OracleResult o = BestNeuron(X, beta, opts.oracle);
    if (o.value <= mu * (1 + 1e-12)) {
      res.termination = Termination::kConverged;
      res.message = "no column prices out (M(β) ≤ 2λ)";
      break;
    }
    D.conservativeResize(D.rows() + 1, d);
    D.row(D.rows() - 1) = o.u.transpose();
    a.conservativeResize(a.size() + 1);
    a[a.size() - 1] = 0;
  }
  // The balanced network of the best measure.
  res.network = BalancedNetwork(res.directions, res.weights);
  res.AddTiming("total", sw.Seconds());
  return res;
}

}  // namespace marginlab::margin
