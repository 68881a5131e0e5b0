// Internals of the activation-pattern solver (activation_patterns.hpp),
// shared by activation_patterns_solve.cpp (FISTA, pricing, the rounds) and
// activation_patterns_polish.cpp (the Newton polishes).
//
// Blocks b = (D, σ): pattern D (a '0'/'1' string over the n examples), sign σ,
// variable v_b ∈ K_D = {v : (2D−I)Zv ≥ 0} ⊂ R^r, contribution σ D Z v_b to the
// outputs; block id 2p + (σ < 0) for pattern index p. The objective is
//     F(v) = R(Σ_b σ_b D_b Z v_b) + 2λ Σ_b ‖v_b‖,   R(a) = (1/n) Σ ℓ(a_i, y_i).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "marginlab/core/types.hpp"
#include "marginlab/margin/activation_patterns.hpp"
#include "marginlab/margin/objective.hpp"

namespace marginlab::margin::patterns_internal {

struct Problem {
  MarginLoss loss;
  Matrix Z;  // n×r: the inputs in an orthonormal basis of X's row space
  Vector y;
  double mu;  // 2λ
  std::vector<std::string> patterns;
};

// The constraint columns (2D_i − 1) z_i of K_D (r×n).
inline Matrix ConeColumns(const Matrix& Z, const std::string& D) {
  Matrix A = Z.transpose();
  for (Index i = 0; i < Z.rows(); ++i)
    if (D[static_cast<std::size_t>(i)] == '0') A.col(i) = -A.col(i);
  return A;
}

// The working set: its blocks, their cones and current values.
struct Working {
  std::vector<Index> ids;    // block ids, in column order
  std::vector<Matrix> A;     // per block: the cone's columns (ConeColumns)
  Matrix S;                  // n×k: σ_b D_b
  Matrix X;                  // r×k: the current v_b
  std::vector<char> member;  // by block id (2 × patterns): in the working set

  // Appends block `id` at v = 0.
  void Add(const Problem& pb, Index id) {
    const std::string& D = pb.patterns[static_cast<std::size_t>(id / 2)];
    const double sigma = id % 2 == 0 ? 1.0 : -1.0;
    const Index n = pb.Z.rows(), k = S.cols();
    ids.push_back(id);
    A.push_back(ConeColumns(pb.Z, D));
    S.conservativeResize(n, k + 1);
    for (Index i = 0; i < n; ++i) S(i, k) = D[static_cast<std::size_t>(i)] == '1' ? sigma : 0.0;
    X.conservativeResize(pb.Z.cols(), k + 1);
    X.col(k).setZero();
    member[static_cast<std::size_t>(id)] = 1;
  }
  // Keeps the blocks b with keep[b] (the others leave the working set).
  void Retain(const std::vector<char>& keep) {
    Index k = 0;
    for (Index b = 0; b < X.cols(); ++b) {
      const std::size_t sb = static_cast<std::size_t>(b);
      if (!keep[sb]) {
        member[static_cast<std::size_t>(ids[sb])] = 0;
        continue;
      }
      const std::size_t sk = static_cast<std::size_t>(k);
      ids[sk] = ids[sb];
      A[sk] = std::move(A[sb]);
      S.col(k) = S.col(b);
      X.col(k) = X.col(b);
      ++k;
    }
    ids.resize(static_cast<std::size_t>(k));
    A.resize(static_cast<std::size_t>(k));
    S.conservativeResize(S.rows(), k);
    X.conservativeResize(X.rows(), k);
  }
  // f = Σ_b σ_b D_b Z V_b for the r×k values V.
  // With no blocks yet (S is n×0, its data pointer null) f = 0: Eigen's row-wise sum would
  // offset the null pointer (undefined behaviour; UBSan in scripts/sanitize).
  Vector Forward(const Matrix& Z, const Matrix& V) const {
    if (S.cols() == 0) return Vector::Zero(S.rows());
    return (S.array() * (Z * V).array()).rowwise().sum();
  }
  Matrix Gradient(const Matrix& Z, const Vector& beta) const {  // ∇_{v_b} R = σ_b ZᵀD_bβ
    return Z.transpose() * (S.array().colwise() * beta.array()).matrix();
  }
  // prox of τ‖v‖ + ι_K (per block): max_{v∈K, ‖v‖=ρ} v·z = ρ‖Π_K z‖ for a closed
  // convex cone K (Moreau: z = Π_K z + Π_{K°} z with Π_K z ⊥ Π_{K°} z, and
  // v·Π_{K°} z ≤ 0 for v ∈ K, so v·z ≤ ‖v‖‖Π_K z‖, with equality at
  // v ∝ Π_K z). So min_{v∈K} ½‖v − z‖² + τ‖v‖ = min_ρ≥0 ½ρ² − ρ(‖Π_K z‖ − τ) + ½‖z‖²
  // is solved by ρ = max(0, ‖Π_K z‖ − τ) along Π_K z.
  Matrix ProxConeNorm(const Matrix& Zb, double tau) const {
    Matrix out(Zb.rows(), Zb.cols());
    for (Index b = 0; b < Zb.cols(); ++b) {
      if (Zb.col(b).norm() <= tau) {  // ‖Π_K z‖ ≤ ‖z‖ ≤ τ
        out.col(b).setZero();
        continue;
      }
      const Vector p = detail::ProjectOntoCone(A[static_cast<std::size_t>(b)], Zb.col(b));
      const double nrm = p.norm();
      out.col(b) = nrm > tau ? Vector((1 - tau / nrm) * p) : Vector::Zero(Zb.rows());
    }
    return out;
  }
};

inline double Penalty(const Matrix& V) { return V.colwise().norm().sum(); }

// F at the working set's values V.
inline double Objective(const Problem& pb, const Working& ws, const Matrix& V) {
  return MeanLoss(pb.loss, ws.Forward(pb.Z, V), pb.y) + pb.mu * Penalty(V);
}

// D(sβ), s = min(1, 2λ / max_price) (objective.hpp's dual value).
inline double ScaledDual(const Problem& pb, const Vector& beta, double max_price) {
  const double s = max_price > pb.mu ? pb.mu / max_price : 1.0;
  return DualValue(pb.loss, s * beta, pb.y);
}

// Both polish ws.X in place and never increase F beyond rounding
// (activation_patterns_polish.cpp).
void MassPolish(const Problem& pb, Working& ws);
void Polish(const Problem& pb, Working& ws);

}  // namespace marginlab::margin::patterns_internal
