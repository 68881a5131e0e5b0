// The Newton polishes of the activation-pattern solver (see
// activation_patterns_internal.hpp for the blocks and F).
//
// First-order steps identify the support fast but then crawl, and a duality
// gap ε needs R's argument to about ε (the gap is first order in the error of
// β = ∇R(f)): beyond what FISTA reaches in practice. Two second-order steps:
//   MassPolish — the masses ‖v_b‖ with directions fixed (a non-negative lasso),
//     which removes blocks made redundant by an atom split between the cells
//     that share its ray (dependent features, a flat direction of F);
//   Polish — the directions and masses of the nonzero blocks on their faces
//     (active-set Newton).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "activation_patterns_internal.hpp"

namespace marginlab::margin::patterns_internal {

namespace {

// The face of v in its cone (columns a_i of A with a_iᵀv ≈ 0).
std::vector<Index> ActiveSet(const Matrix& A, const Vector& v) {
  std::vector<Index> act;
  const Vector c = A.transpose() * v;
  for (Index i = 0; i < A.cols(); ++i) {
    const double an = A.col(i).norm();
    if (an > 0 && c[i] <= 1e-12 * an * v.norm()) act.push_back(i);
  }
  return act;
}

// An orthonormal basis (r×k) of {v : a_iᵀv = 0, i ∈ act}.
Matrix NullBasis(const Matrix& A, const std::vector<Index>& act) {
  const Index r = A.rows();
  if (act.empty()) return Matrix::Identity(r, r);
  Matrix M(static_cast<Index>(act.size()), r);
  for (std::size_t t = 0; t < act.size(); ++t) M.row(static_cast<Index>(t)) = A.col(act[t]).transpose();
  Eigen::JacobiSVD<Matrix> svd(M, Eigen::ComputeFullV);
  const Vector& sv = svd.singularValues();
  Index rank = 0;
  for (Index q = 0; q < sv.size(); ++q) rank += sv[q] > 1e-12 * sv[0];
  return svd.matrixV().rightCols(r - rank);
}

// x = H⁺ rhs (H symmetric PSD; eigenvalues below 1e-12·max are dropped, so
// flat directions — mass moving between blocks that coincide — get no step).
Vector PseudoSolve(const Matrix& H, const Vector& rhs) {
  const Eigen::SelfAdjointEigenSolver<Matrix> es(H);
  const Vector& ev = es.eigenvalues();
  const double cut = 1e-12 * std::max(ev.cwiseAbs().maxCoeff(), 1e-300);
  Vector c = es.eigenvectors().transpose() * rhs;
  for (Index j = 0; j < c.size(); ++j) c[j] = ev[j] > cut ? c[j] / ev[j] : 0.0;
  return es.eigenvectors() * c;
}

// The Newton step (r×k, zero off B) of F with block B[q] moving in span N[q]:
// gradient Jᵀβ + 2λ N_qᵀv̂, Hessian Jᵀ diag(ℓ''/n) J + 2λ N_qᵀ(I − v̂v̂ᵀ)N_q/‖v‖,
// J_q = σ D Z N_q. Returns the directional derivative g·δ in *slope.
Matrix NewtonStep(const Problem& pb, const Working& ws, const std::vector<Index>& B,
                  const std::vector<Matrix>& N, double* slope) {
  const Index n = pb.Z.rows(), r = pb.Z.cols();
  Index K = 0;
  for (const Matrix& Nq : N) K += Nq.cols();
  const Vector f = ws.Forward(pb.Z, ws.X);
  const Vector beta = LossGradient(pb.loss, f, pb.y);
  Vector h(n);
  for (Index i = 0; i < n; ++i) h[i] = pb.loss.Curvature(f[i], pb.y[i]) / static_cast<double>(n);
  Matrix J(n, K), H = Matrix::Zero(K, K);
  Vector g(K);
  for (std::size_t q = 0, o = 0; q < B.size(); o += static_cast<std::size_t>(N[q].cols()), ++q) {
    const Index k = N[q].cols(), off = static_cast<Index>(o);
    const Vector v = ws.X.col(B[q]);
    const double nv = v.norm();
    J.middleCols(off, k) = (pb.Z * N[q]).array().colwise() * ws.S.col(B[q]).array();
    g.segment(off, k) = pb.mu * N[q].transpose() * v / nv;
    H.block(off, off, k, k) =
        pb.mu / nv * N[q].transpose() * (Matrix::Identity(r, r) - v * v.transpose() / (nv * nv)) * N[q];
  }
  g += J.transpose() * beta;
  H += J.transpose() * h.asDiagonal() * J;
  const Vector delta = PseudoSolve(H, -g);
  *slope = g.dot(delta);
  Matrix step = Matrix::Zero(r, ws.X.cols());
  for (std::size_t q = 0, o = 0; q < B.size(); o += static_cast<std::size_t>(N[q].cols()), ++q)
    step.col(B[q]) = N[q] * delta.segment(static_cast<Index>(o), N[q].cols());
  return step;
}

// On a face-restricted optimum, ∇_{v_b}F = σ_b ZᵀD_bβ + 2λv̂_b = Σ_{i∈face} μ_i a_i;
// a multiplier μ_i < 0 means F decreases by leaving constraint i: the most
// negative one per block leaves its face. Returns whether any left.
bool Release(const Problem& pb, const Working& ws, const std::vector<Index>& B,
             std::vector<std::vector<Index>>* act) {
  const Vector beta = LossGradient(pb.loss, ws.Forward(pb.Z, ws.X), pb.y);
  const Matrix G = ws.Gradient(pb.Z, beta);
  bool released = false;
  for (std::size_t q = 0; q < B.size(); ++q) {
    std::vector<Index>& face = (*act)[q];
    if (face.empty()) continue;
    const Matrix& A = ws.A[static_cast<std::size_t>(B[q])];
    const Vector v = ws.X.col(B[q]);
    const Vector grad = G.col(B[q]) + pb.mu * v / v.norm();
    Matrix Af(A.rows(), static_cast<Index>(face.size()));
    for (std::size_t t = 0; t < face.size(); ++t) Af.col(static_cast<Index>(t)) = A.col(face[t]);
    const Vector m = Af.colPivHouseholderQr().solve(grad);
    Index worst = -1;
    for (Index t = 0; t < m.size(); ++t)
      if (m[t] < -1e-12 * grad.norm() && (worst < 0 || m[t] < m[worst])) worst = t;
    if (worst < 0) continue;
    face.erase(face.begin() + worst);
    released = true;
  }
  return released;
}

// The masses' step for MassPolish: a null vector of Φ (oriented so that
// Σ z ≤ 0, *null_step = true) when Φ is rank deficient (singular values below
// 1e-10 of the largest), else Newton's step for R(Φm) + 2λ Σ m; empty when
// there is no descent direction.
Vector MassStep(const Problem& pb, const Matrix& Phi, const Vector& m, bool* null_step) {
  const Index n = Phi.rows(), k = Phi.cols();
  Eigen::JacobiSVD<Matrix> svd(Phi, Eigen::ComputeFullV);
  const Vector& sv = svd.singularValues();
  Index rank = 0;
  for (Index q = 0; q < sv.size(); ++q) rank += sv[q] > 1e-10 * sv[0];
  *null_step = rank < k;
  if (*null_step) {
    const Vector z = svd.matrixV().col(k - 1);
    return z.sum() > 0 ? Vector(-z) : z;
  }
  const Vector f = Phi * m;
  const Vector beta = LossGradient(pb.loss, f, pb.y);
  Vector h(n);
  for (Index i = 0; i < n; ++i) h[i] = pb.loss.Curvature(f[i], pb.y[i]) / static_cast<double>(n);
  const Vector g = Phi.transpose() * beta + Vector::Constant(k, pb.mu);
  const Vector step = (Phi.transpose() * h.asDiagonal() * Phi).ldlt().solve(-g);
  if (!step.allFinite() || !(g.dot(step) < 0)) return Vector();
  return step;
}

}  // namespace

// With the block directions fixed, min over masses m ≥ 0 of R(Φm) + 2λ Σ m,
// Φ_b = σ_b D_b Z v̂_b: blocks whose features are dependent (one atom split
// between the cells that share its ray, or atoms the data cannot tell apart)
// make F flat in some directions, where first-order steps crawl and Newton's
// system is singular; here a null vector z of Φ moves the masses (F changes by
// 2λ Σ z_b t, linear) until one reaches 0 and leaves, and then Newton's method
// on the independent rest with a ratio test that also drops blocks reaching 0.
void MassPolish(const Problem& pb, Working& ws) {
  const Index n = pb.Z.rows();
  std::vector<Index> B;
  for (Index b = 0; b < ws.X.cols(); ++b)
    if (ws.X.col(b).norm() > 0) B.push_back(b);
  for (int it = 0; it < 200 && !B.empty(); ++it) {
    const Index k = static_cast<Index>(B.size());
    Matrix Phi(n, k);
    Vector m(k);
    for (Index q = 0; q < k; ++q) {
      const Vector v = ws.X.col(B[q]);
      m[q] = v.norm();
      Phi.col(q) = (ws.S.col(B[q]).array() * (pb.Z * v).array()).matrix() / m[q];
    }
    bool null_step = false;
    const Vector step = MassStep(pb, Phi, m, &null_step);
    if (step.size() == 0) break;
    double t = null_step ? std::numeric_limits<double>::infinity() : 1.0;  // ratio test: m ≥ 0
    Index hit = -1;
    for (Index q = 0; q < k; ++q)
      if (step[q] < 0 && m[q] / -step[q] < t) {
        t = m[q] / -step[q];
        hit = q;
      }
    if (hit < 0 && null_step) break;  // a null direction along which no mass falls
    Matrix Xn = ws.X;
    const double F = Objective(pb, ws, ws.X);
    int tries = 0;
    for (; tries < 40; ++tries, t /= 2) {  // backtracking (F must not rise beyond rounding)
      for (Index q = 0; q < k; ++q)
        Xn.col(B[q]) = ws.X.col(B[q]) * std::max(0.0, 1 + t * step[q] / m[q]);
      if (tries == 0 && hit >= 0) Xn.col(B[hit]).setZero();
      if (Objective(pb, ws, Xn) <= F + 1e-14 * std::max(1.0, std::abs(F))) break;
    }
    if (tries == 40) break;
    ws.X = Xn;
    if (tries == 0 && hit >= 0) {
      B.erase(B.begin() + hit);
    } else if (!null_step && step.norm() <= 1e-12 * m.norm()) {
      break;  // Newton converged
    }
  }
}

// Active-set Newton on the nonzero blocks: each moves in the null space of its
// active constraints, where F is smooth; a step that reaches another
// constraint stops there and that constraint joins the face; at a face's
// optimum a negative multiplier releases one (Release); Armijo backtracking
// otherwise. A wrong face only stops it early — the duality gap decides.
void Polish(const Problem& pb, Working& ws) {
  std::vector<Index> B;
  std::vector<std::vector<Index>> act;
  for (Index b = 0; b < ws.X.cols(); ++b)
    if (ws.X.col(b).norm() > 0) {
      B.push_back(b);
      act.push_back(ActiveSet(ws.A[static_cast<std::size_t>(b)], ws.X.col(b)));
    }
  double F = Objective(pb, ws, ws.X);
  for (int it = 0; it < 40 && !B.empty(); ++it) {
    std::vector<Matrix> N;
    for (std::size_t q = 0; q < B.size(); ++q)
      N.push_back(NullBasis(ws.A[static_cast<std::size_t>(B[q])], act[q]));
    double slope = 0;
    const Matrix step = NewtonStep(pb, ws, B, N, &slope);
    if (!step.allFinite() || !(slope < 0)) return;
    double t = 1;  // ratio test: stay in every cone
    std::size_t hit_q = 0;
    Index hit_i = -1;
    for (std::size_t q = 0; q < B.size(); ++q) {
      const Matrix& A = ws.A[static_cast<std::size_t>(B[q])];
      const Vector c = A.transpose() * ws.X.col(B[q]), dc = A.transpose() * step.col(B[q]);
      for (Index i = 0; i < c.size(); ++i)
        if (dc[i] < 0 && c[i] > 0 && c[i] / -dc[i] < t) {
          t = c[i] / -dc[i];
          hit_q = q;
          hit_i = i;
        }
    }
    // Near the face's optimum the decrease −slope/2 drops below what F's
    // rounding can show (while R's argument is still off by ~sqrt(−slope)):
    // there full steps are taken unless F visibly increases.
    const double scale = std::max(1.0, std::abs(F));
    const bool quadratic = -slope < 1e-10 * scale;
    const double t0 = t;
    if (hit_i >= 0 && t0 < 1e-8) {  // a constraint all but active: it joins the face
      act[hit_q].push_back(hit_i);
      continue;
    }
    for (; t > 1e-10; t /= 2) {
      const double Fn = Objective(pb, ws, ws.X + t * step);
      if (Fn <= F + 1e-4 * t * slope || (quadratic && Fn <= F + 1e-14 * scale)) {
        ws.X += t * step;
        F = Fn;
        break;
      }
    }
    if (t <= 1e-10) return;
    if (hit_i >= 0 && t == t0) {
      act[hit_q].push_back(hit_i);
    } else if (-slope < 1e-28 * scale && !Release(pb, ws, B, &act)) {
      return;
    }
  }
}

}  // namespace marginlab::margin::patterns_internal
