// Weighted particle measures (see the header).
#include "marginlab/meanfield/measure.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "marginlab/core/error.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab::meanfield {

double ParticleMeasure::TotalMass() const {
  double s = 0;
  for (Index j = 0; j < mass.size(); ++j) s += mass[j];
  return s;
}

double ParticleMeasure::SecondMoment() const {
  double s = 0;
  for (Index j = 0; j < mass.size(); ++j) s += mass[j] * (w[j] * w[j] + U.row(j).squaredNorm());
  return s;
}

void ParticleMeasure::Append(double w_j, const Eigen::Ref<const Vector>& u_j, double m_j,
                             long born_j) {
  const Index M = size();
  const Index d = U.cols() == 0 ? u_j.size() : U.cols();
  ML_CHECK(u_j.size() == d) << "ParticleMeasure::Append: u has " << u_j.size() << " entries, d = " << d;
  w.conservativeResize(M + 1);
  U.conservativeResize(M + 1, d);
  mass.conservativeResize(M + 1);
  w[M] = w_j;
  U.row(M) = u_j.transpose();
  mass[M] = m_j;
  born.push_back(born_j);
}

void ParticleMeasure::Compact(const std::vector<char>& keep) {
  ML_CHECK(static_cast<Index>(keep.size()) == size()) << "Compact: mask size";
  Index k = 0;
  for (Index j = 0; j < size(); ++j) {
    if (!keep[j]) continue;
    if (k != j) {
      w[k] = w[j];
      U.row(k) = U.row(j);
      mass[k] = mass[j];
      born[k] = born[j];
    }
    ++k;
  }
  w.conservativeResize(k);
  U.conservativeResize(k, U.cols());
  mass.conservativeResize(k);
  born.resize(k);
}

void ParticleMeasure::Check() const {
  ML_CHECK(U.rows() == w.size() && mass.size() == w.size() &&
           static_cast<Index>(born.size()) == w.size())
      << "ParticleMeasure: sizes w " << w.size() << ", U " << U.rows() << ", mass " << mass.size()
      << ", born " << born.size();
  for (Index j = 0; j < mass.size(); ++j)
    ML_CHECK(std::isfinite(mass[j]) && mass[j] > 0) << "ParticleMeasure: mass " << j << " = " << mass[j];
}

void SampleSphere(Rng& rng, double* w, Eigen::Ref<Vector> u) {
  double s = 0;
  do {
    *w = rng.Normal();
    s = *w * *w;
    for (Index k = 0; k < u.size(); ++k) {
      u[k] = rng.Normal();
      s += u[k] * u[k];
    }
  } while (s == 0);
  const double r = 1 / std::sqrt(s);
  *w *= r;
  u *= r;
}

InitLaw InitOptions::law_kind() const {
  return law == "point" ? InitLaw::kPoint : law == "cone" ? InitLaw::kCone : InitLaw::kSphere;
}

const std::vector<std::string>& InitOptions::Laws() {
  static const std::vector<std::string> kLaws = {"sphere", "point", "cone"};
  return kLaws;
}

std::string InitOptions::Validate() const {
  if (!IsChoice(Laws(), law)) return "init must be " + JoinWords(Laws()) + " (got '" + law + "')";
  if (particles < 1) return "particles must be ≥ 1";
  if (!(radius > 0) || !std::isfinite(radius)) return "init_radius must be > 0";
  if (!(angle >= 0 && angle < std::numbers::pi / 2)) return "cone_angle must be in [0, π/2)";
  return "";
}

ParticleMeasure InitialMeasure(Index d, const InitOptions& opts, Rng rng) {
  ValidateOrThrow(opts, "meanfield init");
  ML_REQUIRE(d >= 1) << "meanfield: input dimension must be ≥ 1";
  const Index M = opts.particles;
  ParticleMeasure rho;
  rho.w.resize(M);
  rho.U.resize(M, d);
  rho.mass = Vector::Constant(M, 1.0 / static_cast<double>(M));
  rho.born.assign(M, 0);
  Vector center(d + 1), t(d + 1), u(d);
  const InitLaw law = opts.law_kind();
  if (law != InitLaw::kSphere) {
    double c0 = 0;
    SampleSphere(rng, &c0, u);
    center << c0, u;
  }
  for (Index j = 0; j < M; ++j) {
    double wj = 0;
    if (law == InitLaw::kSphere) {
      SampleSphere(rng, &wj, u);
      t << wj, u;
    } else if (law == InitLaw::kPoint) {
      t = center;
    } else {  // cone: a tangent direction orthogonal to the centre, tilted by φ ≤ angle
      Vector g(d + 1);
      double g0 = 0;
      SampleSphere(rng, &g0, u);
      g << g0, u;
      g -= g.dot(center) * center;
      const double gn = g.norm();
      const double phi = opts.angle * rng.Uniform();
      t = gn > 0 ? Vector(center * std::cos(phi) + (g / gn) * std::sin(phi)) : center;
    }
    rho.w[j] = opts.radius * t[0];
    rho.U.row(j) = opts.radius * t.tail(d).transpose();
  }
  return rho;
}

margin::TwoLayerNet EquivalentNetwork(const ParticleMeasure& rho) {
  margin::TwoLayerNet net;
  const Vector s = rho.mass.array().sqrt();
  net.U = s.asDiagonal() * rho.U;
  net.w = s.cwiseProduct(rho.w);
  net.output_scale = 1;
  return net;
}

double PruneToBudget(ParticleMeasure& rho, Index budget, long step, long protect,
                     const Vector* direction_variation, double sigma) {
  const Index M = rho.size();
  if (budget < 1 || M <= budget) return 0;
  const Index remove = M - budget;
  std::vector<double> content(M);
  for (Index j = 0; j < M; ++j)
    content[j] = rho.mass[j] * (rho.w[j] * rho.w[j] + rho.U.row(j).squaredNorm());
  // Rank: 0 old and not growing, 1 old and growing, 2 young; then content, then index.
  std::vector<int> rank(M);
  for (Index j = 0; j < M; ++j) {
    const bool growing = !direction_variation || j >= direction_variation->size() ||
                         (*direction_variation)[j] < -sigma / 4;
    rank[j] = step - rho.born[j] < protect ? 2 : growing ? 1 : 0;
  }
  std::vector<Index> order(M);
  std::iota(order.begin(), order.end(), Index{0});
  auto before = [&](Index a, Index b) {
    if (rank[a] != rank[b]) return rank[a] < rank[b];
    if (content[a] != content[b]) return content[a] < content[b];
    return a < b;
  };
  std::nth_element(order.begin(), order.begin() + (remove - 1), order.end(), before);
  std::vector<char> keep(M, 1);
  double dm = 0, removed = 0;
  for (Index r = 0; r < remove; ++r) keep[order[r]] = 0;
  for (Index j = 0; j < M; ++j)  // index order: the sums do not depend on nth_element's order
    if (!keep[j]) {
      dm += rho.mass[j];
      removed += content[j];
    }
  Index k = -1;
  for (Index j = 0; j < M; ++j)
    if (keep[j] && (k < 0 || content[j] > content[k])) k = j;
  const double scale = std::sqrt(rho.mass[k] / (rho.mass[k] + dm));
  rho.w[k] *= scale;
  rho.U.row(k) *= scale;
  rho.mass[k] += dm;
  rho.Compact(keep);
  return removed;
}

Index RenormalizeTinyMasses(ParticleMeasure& rho, double floor) {
  const Index M = rho.size();
  Index moved = 0;
  for (Index j = 0; j < M; ++j) {
    const double m = rho.mass[j];
    if (!(m < floor)) continue;
    Index k = 0;  // the heaviest particle (j itself is not: its mass is tiny)
    for (Index i = 1; i < M; ++i)
      if (rho.mass[i] > rho.mass[k]) k = i;
    if (k == j || !(rho.mass[k] >= 2 * floor)) continue;  // nothing to take mass from
    const double sq = rho.w[j] * rho.w[j] + rho.U.row(j).squaredNorm();
    const double target = std::min(m * sq, rho.mass[k] / 2);
    if (!(target > m)) continue;  // already at ‖θ_j‖ ≤ 1: a tiny particle with tiny content
    const double delta = target - m, mk = rho.mass[k];
    const double sj = std::sqrt(m / target), sk = std::sqrt(mk / (mk - delta));
    rho.w[j] *= sj;
    rho.U.row(j) *= sj;
    rho.mass[j] = target;
    rho.w[k] *= sk;
    rho.U.row(k) *= sk;
    rho.mass[k] = mk - delta;
    ++moved;
  }
  return moved;
}

}  // namespace marginlab::meanfield
