// The mean-field objective, first variation and velocity on particles (see the header).
#include "marginlab/meanfield/functional.hpp"

#include <algorithm>
#include <cmath>

#include "marginlab/core/error.hpp"

namespace marginlab::meanfield {

namespace {

double Softplus(double t) { return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)); }

// −y σ(−y a) without overflow.
double LogisticDeriv(double a, double y) {
  const double z = y * a;
  const double s = z >= 0 ? std::exp(-z) / (1 + std::exp(-z)) : 1 / (1 + std::exp(z));
  return -y * s;
}

Index Blocks(Index M) { return (M + kBlock - 1) / kBlock; }

// Runs fn(b) for every block, on the pool when given.
template <class Fn>
void ForBlocks(Index M, nn::BlockPool* pool, Fn&& fn) {
  const Index nb = Blocks(M);
  if (pool && pool->threads() > 1 && nb > 1) {
    pool->Run(nb, [&](Index b) { fn(b); });
  } else {
    for (Index b = 0; b < nb; ++b) fn(b);
  }
}

// Per-thread scratch for Z_b (B×n) and G_u (B×d): no allocation in the step loop.
struct Scratch {
  Matrix Z, G;
  Vector gw;
};
Scratch& LocalScratch(Index rows, Index n, Index d) {
  thread_local Scratch s;
  if (s.Z.rows() != rows || s.Z.cols() != n) s.Z.resize(rows, n);
  if (s.G.rows() != rows || s.G.cols() != d) s.G.resize(rows, d);
  if (s.gw.size() != rows) s.gw.resize(rows);
  return s;
}

// Block b's rows [r0, r0 + B): Z = U_b Xᵀ, then g_w = relu(Z) α and G_u = (1[Z>0] ∘ αᵀ) X
// (Z is overwritten by the mask).
Scratch& BlockGradients(const Problem& p, const ParticleMeasure& rho, const Vector& alpha, Index b) {
  const Index r0 = b * kBlock, B = std::min(kBlock, rho.size() - r0);
  const Index n = p.n();
  Scratch& s = LocalScratch(B, n, p.d());
  s.Z.noalias() = rho.U.middleRows(r0, B) * p.Xt;
  s.gw.setZero();
  for (Index i = 0; i < n; ++i) {
    const double ai = alpha[i];
    double* z = s.Z.col(i).data();
    double* gw = s.gw.data();
    for (Index j = 0; j < B; ++j) {
      const bool on = z[j] > 0;
      gw[j] += on ? ai * z[j] : 0.0;
      z[j] = on ? ai : 0.0;
    }
  }
  s.G.noalias() = s.Z * p.X;
  return s;
}

}  // namespace

Problem Problem::Make(const Matrix& X, const Vector& y, double lambda) {
  ML_REQUIRE(X.rows() >= 1 && X.cols() >= 1) << "meanfield: empty training data";
  ML_REQUIRE(X.rows() == y.size()) << "meanfield: X has " << X.rows() << " rows but y has " << y.size();
  for (Index i = 0; i < y.size(); ++i)
    ML_REQUIRE(y[i] == 1.0 || y[i] == -1.0)
        << "meanfield: labels must be ±1 (example " << i << " has " << y[i] << ")";
  ML_REQUIRE(X.allFinite()) << "meanfield: the inputs contain a non-finite value";
  ML_REQUIRE(lambda > 0 && std::isfinite(lambda)) << "meanfield: lambda must be > 0 (got " << lambda << ")";
  Problem p;
  p.X = X;
  p.y = y;
  p.lambda = lambda;
  p.Xt = X.transpose();
  return p;
}

Evaluation Evaluate(const Problem& p, const ParticleMeasure& rho, nn::BlockPool* pool) {
  const Index M = rho.size(), n = p.n(), nb = Blocks(M);
  ML_CHECK(rho.dim() == p.d()) << "meanfield: particles have dimension " << rho.dim()
                               << ", data " << p.d();
  Matrix part(n, nb);
  Vector reg_part(nb);
  ForBlocks(M, pool, [&](Index b) {
    const Index r0 = b * kBlock, B = std::min(kBlock, M - r0);
    Scratch& s = LocalScratch(B, n, p.d());
    s.Z.noalias() = rho.U.middleRows(r0, B) * p.Xt;
    double reg = 0;
    for (Index j = 0; j < B; ++j) {
      const Index k = r0 + j;
      s.gw[j] = rho.mass[k] * rho.w[k];  // coefficient c_j = m_j w_j
      reg += rho.mass[k] * (rho.w[k] * rho.w[k] + rho.U.row(k).squaredNorm());
    }
    // relu in place, then a_part = relu(Z)ᵀ c by GEMV (vectorized; a scalar running sum
    // would not be, without reassociation).
    s.Z = s.Z.cwiseMax(0.0);
    part.col(b).noalias() = s.Z.transpose() * s.gw;
    reg_part[b] = reg;
  });
  Evaluation e;
  e.a = Vector::Zero(n);
  double reg = 0;
  for (Index b = 0; b < nb; ++b) {  // block order: the same sum for every thread count
    e.a += part.col(b);
    reg += reg_part[b];
  }
  e.alpha.resize(n);
  double data = 0;
  for (Index i = 0; i < n; ++i) {
    data += Softplus(-p.y[i] * e.a[i]);
    e.alpha[i] = LogisticDeriv(e.a[i], p.y[i]);
  }
  e.data = data;
  e.reg = p.lambda * reg;
  e.objective = e.data + e.reg;
  return e;
}

Matrix Velocity(const Problem& p, const ParticleMeasure& rho, const Vector& alpha,
                Vector* first_variation, nn::BlockPool* pool) {
  const Index M = rho.size(), d = p.d();
  Matrix V(M, d + 1);
  if (first_variation) first_variation->resize(M);
  const double lam = p.lambda;
  ForBlocks(M, pool, [&](Index b) {
    const Index r0 = b * kBlock, B = std::min(kBlock, M - r0);
    Scratch& s = BlockGradients(p, rho, alpha, b);
    for (Index j = 0; j < B; ++j) {
      const Index k = r0 + j;
      const double wk = rho.w[k];
      V(k, 0) = -(s.gw[j] + 2 * lam * wk);
      V.row(k).tail(d) = -(wk * s.G.row(j) + 2 * lam * rho.U.row(k));
      if (first_variation)
        (*first_variation)[k] = wk * s.gw[j] + lam * (wk * wk + rho.U.row(k).squaredNorm());
    }
  });
  return V;
}

void Transport(const Problem& p, ParticleMeasure& rho, const Vector& alpha, double eta,
               nn::BlockPool* pool, Vector* direction_variation) {
  const Index M = rho.size(), d = p.d();
  const double lam = p.lambda;
  const double shrink = 1 - 2 * eta * lam;  // θ − η 2λθ
  if (direction_variation) direction_variation->resize(M);
  ForBlocks(M, pool, [&](Index b) {
    const Index r0 = b * kBlock, B = std::min(kBlock, M - r0);
    Scratch& s = BlockGradients(p, rho, alpha, b);
    if (direction_variation)
      for (Index j = 0; j < B; ++j) {
        const Index k = r0 + j;
        const double sq = rho.w[k] * rho.w[k] + rho.U.row(k).squaredNorm();
        (*direction_variation)[k] = sq > 0 ? rho.w[k] * s.gw[j] / sq + lam : lam;
      }
    // u_k ← (1 − 2ηλ) u_k − η w_k G_k, column by column (U is column-major).
    for (Index c = 0; c < d; ++c) {
      double* u = rho.U.col(c).data() + r0;
      const double* g = s.G.col(c).data();
      const double* w = rho.w.data() + r0;
      for (Index j = 0; j < B; ++j) u[j] = shrink * u[j] - eta * w[j] * g[j];
    }
    double* w = rho.w.data() + r0;
    for (Index j = 0; j < B; ++j) w[j] = shrink * w[j] - eta * s.gw[j];
  });
}

Vector FirstVariation(const Problem& p, const Vector& alpha, const Matrix& Theta) {
  ML_CHECK(Theta.cols() == p.d() + 1) << "FirstVariation: points need d + 1 coordinates";
  const Matrix Z = Theta.rightCols(p.d()) * p.Xt;
  Vector out(Theta.rows());
  for (Index j = 0; j < Theta.rows(); ++j)
    out[j] = Theta(j, 0) * Z.row(j).cwiseMax(0.0).dot(alpha) + p.lambda * Theta.row(j).squaredNorm();
  return out;
}

double StepFlops(Index M, Index n, Index d) {
  const double Mn = static_cast<double>(M) * static_cast<double>(n);
  return 6 * Mn * static_cast<double>(d) + 6 * Mn;
}

}  // namespace marginlab::meanfield
