// Exact best-neuron oracle for effective dimension ≤ 3: circle sweeps over the
// arcs of the arrangement and the cells of the great-circle arrangement on S²
// (see best_neuron.hpp for the argument that this is exact).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "marginlab/core/error.hpp"
#include "marginlab/margin/best_neuron.hpp"

namespace marginlab::margin {

namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

struct Candidate {
  double value = -std::numeric_limits<double>::infinity();  // F at u (signed problem)
  Vector u;                                                    // r-dimensional
};

struct Cell {
  double norm;
  Vector g;  // r = 3
};

Vector Vec2(double a, double b) {
  Vector v(2);
  v << a, b;
  return v;
}

double Wrap(double t) {
  t = std::fmod(t, kTwoPi);
  return t < 0 ? t + kTwoPi : t;
}

// Sweeps the circle spanned by the orthonormal columns of E (r×2). A (n×r) are
// the reduced inputs. Updates `best` with the max of F on the circle and, when
// cells != nullptr (r = 3, E spanning x_c^⊥ for circle c), appends the linear
// pieces g_D of the cells on both sides of every arc.
void SweepCircle(const Matrix& A, const Vector& alpha, const Matrix& E, Index circle,
                 Candidate* best, std::vector<Cell>* cells) {
  const Index n = A.rows(), r = A.cols();
  const Matrix P = A * E;  // n×2: the inputs projected on the circle's plane
  struct Event {
    double angle;
    Index k;
    double sign;  // +1 enter, −1 leave
  };
  std::vector<Event> ev;
  Vector side_plus = Vector::Zero(r), side_minus = Vector::Zero(r);  // parallel inputs
  for (Index k = 0; k < n; ++k) {
    const double pn = P.row(k).norm(), an = A.row(k).norm();
    if (an == 0) continue;
    if (pn <= 1e-13 * an) {  // x_k ⟂ the plane: 0 on the whole circle
      if (cells != nullptr && k != circle) {
        if (A.row(k).dot(A.row(circle)) > 0)
          side_plus += alpha[k] * A.row(k).transpose();
        else
          side_minus += alpha[k] * A.row(k).transpose();
      }
      continue;
    }
    const double phi = std::atan2(P(k, 1), P(k, 0));
    ev.push_back({Wrap(phi - std::numbers::pi / 2), k, +1});
    ev.push_back({Wrap(phi + std::numbers::pi / 2), k, -1});
  }
  auto consider = [&](double value, const Vector& u2) {
    if (value > best->value) {
      best->value = value;
      best->u = E * u2;
    }
  };
  if (ev.empty()) {  // F ≡ 0 on this circle
    consider(0.0, Vec2(1, 0));
    if (cells != nullptr) {
      cells->push_back({(side_plus + alpha[circle] * A.row(circle).transpose()).norm(),
                        side_plus + alpha[circle] * A.row(circle).transpose()});
      cells->push_back({side_minus.norm(), side_minus});
    }
    return;
  }
  std::sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) { return a.angle < b.angle; });
  const size_t m = ev.size();
  // Start in the longest arc (positive length), after event `start`.
  size_t start = 0;
  double longest = -1;
  for (size_t j = 0; j < m; ++j) {
    const double len = j + 1 < m ? ev[j + 1].angle - ev[j].angle : ev[0].angle + kTwoPi - ev[j].angle;
    if (len > longest) {
      longest = len;
      start = j;
    }
  }
  const double mid = ev[start].angle + longest / 2;
  const Vector em = Vec2(std::cos(mid), std::sin(mid));
  Vector g = Vector::Zero(2);
  Vector G = Vector::Zero(r);
  for (Index k = 0; k < n; ++k)
    if (P.row(k).norm() > 1e-13 * A.row(k).norm() && P.row(k).dot(em) > 0) {
      g += alpha[k] * P.row(k).transpose();
      G += alpha[k] * A.row(k).transpose();
    }
  for (size_t step = 0; step < m; ++step) {
    const size_t j = (start + step) % m;
    if (step > 0) {
      const Event& e = ev[j];
      g += e.sign * alpha[e.k] * P.row(e.k).transpose();
      G += e.sign * alpha[e.k] * A.row(e.k).transpose();
    }
    const double a = ev[j].angle;
    double len = j + 1 < m ? ev[j + 1].angle - a : ev[0].angle + kTwoPi - a;
    if (len <= 0) continue;  // a vertex where several boundaries meet
    const double b = a + len;
    const Vector ea = Vec2(std::cos(a), std::sin(a)), eb = Vec2(std::cos(b), std::sin(b));
    consider(g.dot(ea), ea);
    consider(g.dot(eb), eb);
    const double gn = g.norm();
    if (gn > 0) {
      const double psi = Wrap(std::atan2(g[1], g[0]) - a);
      if (psi < len) consider(gn, g / gn);
    }
    if (cells != nullptr) {
      const Vector plus = G + side_plus + alpha[circle] * A.row(circle).transpose();
      const Vector minus = G + side_minus;
      cells->push_back({plus.norm(), plus});
      cells->push_back({minus.norm(), minus});
    }
  }
}

// max_u F(u) over the unit sphere of R^r for the reduced inputs A (n×r), r ≤ 3.
Candidate MaxOnSphere(const Matrix& A, const Vector& alpha) {
  const Index r = A.cols();
  Candidate best;
  if (r == 1) {
    for (double s : {1.0, -1.0}) {
      Vector u(1);
      u[0] = s;
      const double v = NeuronValue(A, alpha, u);
      if (v > best.value) best = {v, u};
    }
    return best;
  }
  if (r == 2) {
    SweepCircle(A, alpha, Matrix::Identity(2, 2), -1, &best, nullptr);
    return best;
  }
  ML_CHECK(r == 3);
  std::vector<Cell> cells;
  for (Index c = 0; c < A.rows(); ++c) {
    const double an = A.row(c).norm();
    if (an == 0) continue;
    // Orthonormal basis of x_c^⊥.
    const Vector x = A.row(c).transpose() / an;
    Vector t = Vector::Zero(3);
    t[std::abs(x[0]) < 0.9 ? 0 : 1] = 1;
    const Vector e1 = (t - t.dot(x) * x).normalized();
    Vector e2(3);  // x × e1
    e2 << x[1] * e1[2] - x[2] * e1[1], x[2] * e1[0] - x[0] * e1[2], x[0] * e1[1] - x[1] * e1[0];
    Matrix E(3, 2);
    E.col(0) = e1;
    E.col(1) = e2;
    SweepCircle(A, alpha, E, c, &best, &cells);
  }
  // Interior maxima of cells, in decreasing ‖g_D‖ (an upper bound on the cell's max).
  std::sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.norm > b.norm; });
  for (const Cell& cell : cells) {
    if (cell.norm <= best.value) break;
    const Vector u = cell.g / cell.norm;
    const double v = NeuronValue(A, alpha, u);
    if (v > best.value) best = {v, u};
  }
  return best;
}

}  // namespace

OracleResult BestNeuronExact(const Matrix& X, const Vector& alpha) {
  ML_REQUIRE(alpha.size() == X.rows()) << "best-neuron oracle: α has " << alpha.size()
                                       << " entries, X has " << X.rows() << " rows";
  const Matrix V = RowSpaceBasis(X);
  const Index r = V.cols();
  ML_REQUIRE(r <= 3) << "exact best-neuron oracle: the inputs span " << r
                     << " dimensions; the exact method handles at most 3 (use bnb or ascent)";
  OracleResult res;
  res.mode = OracleMode::kExact;
  res.certified = true;
  res.effective_dim = static_cast<int>(r);
  res.u = Vector::Zero(X.cols());
  if (r == 0) return res;
  const Matrix A = X * V;  // n×r
  const Candidate plus = MaxOnSphere(A, alpha);
  const Candidate minus = MaxOnSphere(A, -alpha);
  const bool use_plus = plus.value >= minus.value;
  const Vector u = V * (use_plus ? plus.u : minus.u);
  res.u = u / u.norm();
  const double f = NeuronValue(X, alpha, res.u);
  res.sign = use_plus ? 1 : -1;
  res.value = std::max(0.0, res.sign * f);
  double scale = 0;
  for (Index i = 0; i < X.rows(); ++i) scale += std::abs(alpha[i]) * X.row(i).norm();
  res.upper = res.value + 1e-12 * scale;  // rounding slack
  res.candidates = res.u.transpose();
  res.candidate_values = Vector::Constant(1, res.value);
  return res;
}

}  // namespace marginlab::margin
