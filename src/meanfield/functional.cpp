// The mean-field objective, first variation and velocity on particles (see the header).
#include "marginlab/meanfield/functional.hpp"

#include <algorithm>
#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/nn/two_layer_kernel.hpp"

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
void ForBlocks(Index M, BlockPool* pool, Fn&& fn) {
  const Index nb = Blocks(M);
  if (pool && pool->threads() > 1 && nb > 1) {
    pool->Run(nb, [&](Index b) { fn(b); });
  } else {
    for (Index b = 0; b < nb; ++b) fn(b);
  }
}

// sq[j] = w_k² + ‖u_k‖² for the block's particles k = r0 + j, column by column (U is
// column-major; a row-wise norm strides through memory).
void SquaredNorms(const ParticleMeasure& rho, Index r0, Index B, double* sq) {
  for (Index j = 0; j < B; ++j) sq[j] = rho.w[r0 + j] * rho.w[r0 + j];
  for (Index c = 0; c < rho.U.cols(); ++c) {
    const double* u = rho.U.col(c).data() + r0;
    for (Index j = 0; j < B; ++j) sq[j] += u[j] * u[j];
  }
}

// Pass 1 on blocks of kBlock particles by the nn module's fused kernel with coefficients
// c_j = m_j w_j: ws.part(i, b) = Σ_{j in b} c_j relu(u_j·x_i) and the activation pattern.
void Forward(const Problem& p, const ParticleMeasure& rho, BlockPool* pool, Workspace& ws) {
  const Index M = rho.size(), n = p.n(), nb = Blocks(M);
  ws.coeff.resize(1, M);
  for (Index j = 0; j < M; ++j) ws.coeff(0, j) = rho.mass[j] * rho.w[j];
  ws.part.resize(n, nb);
  ws.reg.resize(nb);
  ws.mask.resize(static_cast<std::size_t>(nb * n * (kBlock / 8)));
  ForBlocks(M, pool, [&](Index b) {
    const Index j0 = b * kBlock, B = std::min(kBlock, M - j0);
    double sq[kBlock];
    SquaredNorms(rho, j0, B, sq);
    double reg = 0;
    for (Index j = 0; j < B; ++j) reg += rho.mass[j0 + j] * sq[j];
    ws.reg[b] = reg;  // ∫V dρ / λ over the block
    nn::TwoLayerForwardBlock(p.X, rho.U, ws.coeff, j0, std::min(kBlock, M - j0),
                                     ws.part.col(b).data(), ws.mask.data() + b * n * (kBlock / 8),
                                     static_cast<Matrix*>(nullptr));
  });
  ws.particles = M;
}

// Pass 2 from the pattern of pass 1 (same ρ): ws.G(j, :) = w_j v_j and ws.gw[j] = u_j·v_j =
// Σ_i α_i relu(u_j·x_i), with v_j = Σ_i α_i 1[u_j·x_i > 0] x_i.
void Backward(const Problem& p, const ParticleMeasure& rho, const Vector& alpha,
              BlockPool* pool, Workspace& ws) {
  const Index M = rho.size(), n = p.n();
  ML_CHECK(ws.particles == M && alpha.size() == n) << "meanfield: no pattern from Evaluate of this measure";
  ws.w.resize(1, M);
  ws.w.row(0) = rho.w.transpose();
  ws.G.resize(M, p.d());
  ws.gw.resize(1, M);
  ForBlocks(M, pool, [&](Index b) {
    const Index j0 = b * kBlock;
    nn::TwoLayerBackwardBlock(p.X, rho.U, ws.w, 1.0, alpha.data(),
                                      ws.mask.data() + b * n * (kBlock / 8), j0,
                                      std::min(kBlock, M - j0), ws.G, &ws.gw);
  });
}

// The pattern for pass 2: the caller's (from Evaluate of this ρ) or a fresh forward pass.
Workspace& PatternFor(const Problem& p, const ParticleMeasure& rho, BlockPool* pool,
                      Workspace* given, Workspace& local) {
  if (given && given->particles == rho.size()) return *given;
  Forward(p, rho, pool, local);
  return local;
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

Evaluation Evaluate(const Problem& p, const ParticleMeasure& rho, BlockPool* pool,
                    Workspace* workspace) {
  const Index M = rho.size(), n = p.n(), nb = Blocks(M);
  ML_CHECK(rho.dim() == p.d()) << "meanfield: particles have dimension " << rho.dim()
                               << ", data " << p.d();
  Workspace local;
  Workspace& ws = workspace ? *workspace : local;
  Forward(p, rho, pool, ws);
  const Matrix& part = ws.part;
  const Vector& reg_part = ws.reg;
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
                Vector* first_variation, BlockPool* pool, Workspace* workspace) {
  const Index M = rho.size(), d = p.d();
  Workspace local;
  Workspace& ws = PatternFor(p, rho, pool, workspace, local);
  Backward(p, rho, alpha, pool, ws);
  Matrix V(M, d + 1);
  if (first_variation) first_variation->resize(M);
  const double lam = p.lambda;
  for (Index k = 0; k < M; ++k) {
    const double wk = rho.w[k], gw = ws.gw(0, k);
    V(k, 0) = -(gw + 2 * lam * wk);
    V.row(k).tail(d) = -(ws.G.row(k) + 2 * lam * rho.U.row(k));
    if (first_variation)
      (*first_variation)[k] = wk * gw + lam * (wk * wk + rho.U.row(k).squaredNorm());
  }
  return V;
}

void Transport(const Problem& p, ParticleMeasure& rho, const Vector& alpha, double eta,
               BlockPool* pool, Vector* direction_variation, Workspace* workspace) {
  const Index M = rho.size(), d = p.d();
  const double lam = p.lambda;
  const double shrink = 1 - 2 * eta * lam;  // θ − η 2λθ
  Workspace local;
  Workspace& ws = PatternFor(p, rho, pool, workspace, local);
  Backward(p, rho, alpha, pool, ws);
  ws.particles = -1;  // the pattern belongs to ρ before the step
  if (direction_variation) direction_variation->resize(M);
  ForBlocks(M, pool, [&](Index b) {
    const Index r0 = b * kBlock, B = std::min(kBlock, M - r0);
    if (direction_variation) {
      double sq[kBlock];
      SquaredNorms(rho, r0, B, sq);
      for (Index j = 0; j < B; ++j) {
        const Index k = r0 + j;
        (*direction_variation)[k] = sq[j] > 0 ? rho.w[k] * ws.gw(0, k) / sq[j] + lam : lam;
      }
    }
    // u_k ← (1 − 2ηλ) u_k − η w_k v_k, column by column (U and G are column-major).
    for (Index c = 0; c < d; ++c) {
      double* u = rho.U.col(c).data() + r0;
      const double* g = ws.G.col(c).data() + r0;
      for (Index j = 0; j < B; ++j) u[j] = shrink * u[j] - eta * g[j];
    }
    for (Index k = r0; k < r0 + B; ++k) rho.w[k] = shrink * rho.w[k] - eta * ws.gw(0, k);
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
  return 4 * Mn * static_cast<double>(d) + 4 * Mn;
}

}  // namespace marginlab::meanfield
