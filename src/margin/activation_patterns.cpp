// Activation patterns: the building blocks of the convex route to Θ_λ (see
// activation_patterns.hpp; Pilanci & Ergen 2020 §2–3).
//
// Here: options, non-negative least squares (Lawson & Hanson 1974, ch. 23),
// the projection onto a polyhedral cone K = {v : a_iᵀv ≥ 0} through its polar
// cone, and the exhaustive enumeration of the cells of the arrangement
// {u : z_i·u = 0} in R^r, r ≤ 3. The solver is activation_patterns_solve.cpp.
#include "marginlab/margin/activation_patterns.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <unordered_set>

#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab::margin {

std::string PatternOptions::Validate() const {
  if (!IsChoice(MarginLoss::Names(), loss))
    return "loss must be " + JoinWords(MarginLoss::Names()) + " (got '" + loss + "')";
  if (!(lambda > 0) || !std::isfinite(lambda)) return "lambda must be a finite number > 0";
  if (samples < 0 || samples > 100000000) return "samples must be in [0, 1e8]";
  if (max_iterations < 1) return "max_iterations must be ≥ 1";
  if (!(tolerance >= 0) || !std::isfinite(tolerance)) return "tolerance must be finite and ≥ 0";
  return "";
}

namespace detail {

namespace {
// argmin_s ‖C_P s − b‖ over the columns P of C (linearly independent in
// Lawson–Hanson; column-pivoted QR keeps a rank-deficient set harmless).
Vector SolveOnSet(const Matrix& C, const std::vector<Index>& P, const Vector& b) {
  Matrix CP(C.rows(), static_cast<Index>(P.size()));
  for (std::size_t t = 0; t < P.size(); ++t) CP.col(static_cast<Index>(t)) = C.col(P[t]);
  return CP.colPivHouseholderQr().solve(b);
}

// The entering column: argmax_j w_j/‖c_j‖ outside P with w_j > 1e-14‖c_j‖‖b‖, or −1.
Index Entering(const Vector& w, const Vector& cn, double bn, const std::vector<char>& passive) {
  Index j = -1;
  double best = 0;
  for (Index k = 0; k < w.size(); ++k) {
    if (passive[k] || cn[k] == 0 || w[k] <= 1e-14 * cn[k] * bn) continue;
    const double score = w[k] / cn[k];
    if (score > best) {
      best = score;
      j = k;
    }
  }
  return j;
}
}  // namespace

// Lawson–Hanson: keep μ feasible and the passive set P; add the column with the
// largest (normalized) gradient w = Cᵀ(b − Cμ); solve least squares on P; while
// that solution s has entries ≤ 0, step from μ toward s to the first zero and
// drop the zeros. Terminates with the KKT conditions w ≤ tolerance off P.
Vector NonNegativeLeastSquares(const Matrix& C, const Vector& b) {
  ML_CHECK(C.rows() == b.size()) << "NNLS: C has " << C.rows() << " rows, b has " << b.size();
  const Index m = C.cols();
  Vector mu = Vector::Zero(m);
  if (m == 0) return mu;
  const Vector cn = C.colwise().norm().transpose();
  const double bn = b.norm();
  std::vector<char> passive(static_cast<std::size_t>(m), 0);
  std::vector<Index> P;
  Vector resid = b;
  for (Index outer = 0; outer < 3 * m + 10; ++outer) {
    const Index j = Entering(C.transpose() * resid, cn, bn, passive);
    if (j < 0) break;
    P.push_back(j);
    passive[j] = 1;
    bool stalled = false;
    for (Index inner = 0; inner < 3 * m + 10; ++inner) {
      const Vector s = SolveOnSet(C, P, b);
      if ((s.array() > 0).all()) {
        for (std::size_t t = 0; t < P.size(); ++t) mu[P[t]] = s[static_cast<Index>(t)];
        break;
      }
      if (inner == 0 && s[static_cast<Index>(P.size()) - 1] <= 0) {
        stalled = true;  // rounding: the entering column does not help; stop here
        P.pop_back();
        passive[j] = 0;
        break;
      }
      double alpha = 2;  // every ratio below is in [0, 1]; some s_t ≤ 0 exists
      std::size_t blocking = 0;
      for (std::size_t t = 0; t < P.size(); ++t) {
        const double st = s[static_cast<Index>(t)], mt = mu[P[t]];
        if (st <= 0 && mt - st > 0 && mt / (mt - st) < alpha) {
          alpha = mt / (mt - st);
          blocking = t;
        }
      }
      if (alpha > 1) break;  // only 0 = s_t = μ_t entries: nothing to move
      std::vector<Index> keep;
      for (std::size_t t = 0; t < P.size(); ++t) {
        double& mt = mu[P[t]];
        mt = t == blocking ? 0.0 : mt + alpha * (s[static_cast<Index>(t)] - mt);
        if (mt <= 0) {
          mt = 0;
          passive[P[t]] = 0;
        } else {
          keep.push_back(P[t]);
        }
      }
      P = keep;
      if (P.empty()) break;
    }
    if (stalled) break;
    resid = b;
    for (Index k : P) resid -= mu[k] * C.col(k);
  }
  return mu;
}

Vector ProjectOntoCone(const Matrix& A, const Vector& z) {
  ML_CHECK(A.rows() == z.size()) << "cone projection: A has " << A.rows() << " rows, z has "
                                 << z.size();
  const Vector mu = NonNegativeLeastSquares(A, -z);
  return z + A * mu;
}

namespace {

using Vec2 = Eigen::Vector2d;

// One unit vector inside every arc of the circle cut by the lines {t : w·t = 0}
// (w ≠ 0): the boundary angles φ_w ± π/2, sorted, and the midpoints between
// neighbours (with wrap-around). No lines: the whole circle, one point.
std::vector<Vec2> ArcMidpoints(const std::vector<Vec2>& normals) {
  const double two_pi = 2 * std::numbers::pi;
  std::vector<double> a;
  for (const Vec2& w : normals) {
    if (w.x() == 0 && w.y() == 0) continue;
    const double phi = std::atan2(w.y(), w.x());
    for (double b : {phi + std::numbers::pi / 2, phi - std::numbers::pi / 2}) {
      b = std::fmod(b, two_pi);
      a.push_back(b < 0 ? b + two_pi : b);
    }
  }
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  if (a.empty()) return {Vec2(1, 0)};
  std::vector<Vec2> mids;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const double next = k + 1 < a.size() ? a[k + 1] : a[0] + two_pi;
    const double m = 0.5 * (a[k] + next);
    mids.emplace_back(std::cos(m), std::sin(m));
  }
  return mids;
}

class PatternSet {
 public:
  void Add(std::string p) {
    if (p.find('1') == std::string::npos) return;  // all-zero: contributes nothing
    if (seen_.insert(p).second) list_.push_back(std::move(p));
  }
  std::vector<std::string> Take() { return std::move(list_); }

 private:
  std::unordered_set<std::string> seen_;
  std::vector<std::string> list_;
};

std::string SignPattern(const Vector& s) {
  std::string p(static_cast<std::size_t>(s.size()), '0');
  for (Index i = 0; i < s.size(); ++i)
    if (s[i] > 0) p[static_cast<std::size_t>(i)] = '1';
  return p;
}

// The sectors around the vertex q (unit, r = 3): circles with |z_k·q| ≤ 1e-12‖z_k‖
// pass through q and are cut in the tangent plane (basis e1, e2); the others
// keep their sign at q.
void VertexPatterns(const Matrix& Z, const Eigen::Vector3d& q, const Eigen::Vector3d& e1,
                    PatternSet* out) {
  const Eigen::Vector3d e2 = q.cross(e1);
  const Vector s = Z * q;
  std::vector<Index> through;
  std::vector<Vec2> normals;
  for (Index k = 0; k < Z.rows(); ++k) {
    if (std::abs(s[k]) > 1e-12 * Z.row(k).norm()) continue;
    through.push_back(k);
    normals.emplace_back(Z.row(k).dot(e1), Z.row(k).dot(e2));
  }
  std::string base = SignPattern(s);
  for (const Vec2& t : ArcMidpoints(normals)) {
    for (std::size_t m = 0; m < through.size(); ++m)
      base[static_cast<std::size_t>(through[m])] = normals[m].dot(t) > 0 ? '1' : '0';
    out->Add(base);
  }
}

}  // namespace

std::vector<std::string> CellPatterns(const Matrix& Z) {
  const Index n = Z.rows(), r = Z.cols();
  ML_CHECK(r <= 3) << "cell enumeration needs effective dimension ≤ 3, got " << r;
  PatternSet set;
  if (r == 1) {
    set.Add(SignPattern(Z.col(0)));
    set.Add(SignPattern(-Z.col(0)));
  } else if (r == 2) {
    std::vector<Vec2> normals;
    for (Index i = 0; i < n; ++i) normals.emplace_back(Z(i, 0), Z(i, 1));
    for (const Vec2& t : ArcMidpoints(normals)) set.Add(SignPattern(Z * t));
  } else if (r == 3) {
    // Every cell is a pointed cone (the z_i span R³), so it has a vertex
    // ±(z_i × z_j) and is one of the sectors around it.
    for (Index i = 0; i < n; ++i) {
      const Eigen::Vector3d zi = Z.row(i).transpose();
      for (Index j = i + 1; j < n; ++j) {
        const Eigen::Vector3d c = zi.cross(Eigen::Vector3d(Z.row(j).transpose()));
        if (!(c.norm() > 1e-12 * zi.norm() * Z.row(j).norm())) continue;
        const Eigen::Vector3d q = c.normalized(), e1 = zi.normalized();
        VertexPatterns(Z, q, e1, &set);
        VertexPatterns(Z, -q, e1, &set);
      }
    }
  }
  return set.Take();
}

}  // namespace detail
}  // namespace marginlab::margin
