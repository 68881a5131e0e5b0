#include "marginlab/meanfield/measure.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/meanfield/functional.hpp"

namespace marginlab::meanfield {
namespace {

TEST(MeanFieldMeasure, StartsHaveUnitMassAndTheirShape) {
  InitOptions o;
  o.particles = 500;
  o.radius = 2;
  const ParticleMeasure s = InitialMeasure(4, o, Rng(1));
  EXPECT_NEAR(s.TotalMass(), 1.0, 1e-14);
  for (Index j = 0; j < s.size(); ++j)
    EXPECT_NEAR(std::hypot(s.w[j], s.U.row(j).norm()), 2.0, 1e-13);
  // Uniform on S^4: E[w²] = 1/5 of the radius², within 5 standard errors.
  EXPECT_NEAR(s.w.squaredNorm() / 500 / 4, 0.2, 5 * std::sqrt(2.0 / 35 / 500));
  o.law = "point";
  const ParticleMeasure p = InitialMeasure(4, o, Rng(1));
  for (Index j = 1; j < p.size(); ++j) EXPECT_TRUE(p.U.row(j) == p.U.row(0) && p.w[j] == p.w[0]);
  o.law = "cone";
  o.angle = 0.2;
  const ParticleMeasure c = InitialMeasure(4, o, Rng(1));
  const Vector center = (Vector(5) << p.w[0], p.U.row(0).transpose()).finished() / 2;
  double widest = 0;
  for (Index j = 0; j < c.size(); ++j) {
    const Vector t = (Vector(5) << c.w[j], c.U.row(j).transpose()).finished() / 2;
    widest = std::max(widest, std::acos(std::min(1.0, t.dot(center))));
  }
  EXPECT_LE(widest, 0.2 + 1e-9);
  EXPECT_GT(widest, 0.15);
}

TEST(MeanFieldMeasure, BadStartOptionsAreInputErrors) {
  InitOptions o;
  o.law = "ball";
  EXPECT_THROW(InitialMeasure(3, o, Rng(0)), InputError);
  o = {};
  o.particles = 0;
  EXPECT_THROW(InitialMeasure(3, o, Rng(0)), InputError);
  o = {};
  o.law = "cone";
  o.angle = 2;
  EXPECT_THROW(InitialMeasure(3, o, Rng(0)), InputError);
}

TEST(MeanFieldMeasure, EquivalentNetworkHasTheSameOutputsAndNorm) {
  Rng rng(3);
  ParticleMeasure rho = InitialMeasure(3, {.law = "sphere", .particles = 50}, Rng(4));
  for (Index j = 0; j < rho.size(); ++j) rho.mass[j] = 0.5 + rng.Uniform();
  rho.mass /= rho.mass.sum();
  const Matrix X = rng.NormalMatrix(7, 3);
  const Vector y = Vector::Ones(7);
  const Problem p = Problem::Make(X, y, 0.1);
  const Evaluation e = Evaluate(p, rho);
  const margin::TwoLayerNet net = EquivalentNetwork(rho);
  EXPECT_LT((net.Outputs(X) - e.a).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_NEAR(net.SquaredNorm(), rho.SecondMoment(), 1e-14);
}

TEST(MeanFieldMeasure, PruningConservesMassAndMovesOnlyTheRemovedContent) {
  Rng rng(5);
  ParticleMeasure rho = InitialMeasure(3, {.law = "sphere", .particles = 40}, Rng(6));
  for (Index j = 0; j < rho.size(); ++j) rho.mass[j] = std::exp(-6 * rng.Uniform());
  rho.mass /= rho.mass.sum();
  for (Index j = 30; j < 40; ++j) rho.born[j] = 95;  // young: protected at step 100, protect 10
  const Matrix X = rng.NormalMatrix(6, 3);
  const Problem p = Problem::Make(X, Vector::Ones(6), 0.2);
  const Evaluation before = Evaluate(p, rho);
  const double mass_before = rho.TotalMass();
  ParticleMeasure pruned = rho;
  const double removed = PruneToBudget(pruned, 25, 100, 10);
  EXPECT_EQ(pruned.size(), 25);
  EXPECT_NEAR(pruned.TotalMass(), mass_before, 1e-15);
  for (Index j = 30; j < 40; ++j) {  // every young particle survived
    bool found = false;
    for (Index k = 0; k < pruned.size(); ++k) found |= pruned.U.row(k) == rho.U.row(j);
    EXPECT_TRUE(found) << j;
  }
  // |Φ_i(θ)| ≤ ‖θ‖²‖x_i‖/2 and V = λ‖θ‖²: the change is bounded by the removed content.
  const Evaluation after = Evaluate(p, pruned);
  const double xmax = X.rowwise().norm().maxCoeff();
  EXPECT_LE((after.a - before.a).cwiseAbs().maxCoeff(), removed * xmax / 2 + 1e-15);
  EXPECT_NEAR(after.reg, before.reg - p.lambda * removed, 1e-15);
  EXPECT_GT(removed, 0);
  // Nothing to do under the budget.
  EXPECT_EQ(PruneToBudget(pruned, 25, 100, 10), 0.0);
}

TEST(MeanFieldMeasure, RenormalizingTinyMassesIsTheExactSymmetry) {
  // Particle 3 as a long perturbed run leaves it (σ = 0.01, t ≈ 4e4): mass 2^-520, ‖θ‖ = 2^255,
  // content 2^-10. Moving it back to ‖θ‖ ≈ 1 with mass from the heaviest particle must change
  // neither the outputs, ∫V, the total mass, any content, nor where the next transport step
  // takes each ray.
  Rng rng(11);
  ParticleMeasure rho = InitialMeasure(3, {.law = "sphere", .particles = 8}, Rng(12));
  for (Index j = 0; j < rho.size(); ++j) rho.mass[j] = 0.5 + rng.Uniform();
  rho.mass[3] = 0;
  rho.mass /= rho.mass.sum();
  const double big = std::ldexp(1.0, 255);
  rho.mass[3] = std::ldexp(1.0, -520);
  rho.w[3] *= big;
  rho.U.row(3) *= big;
  const Matrix X = rng.NormalMatrix(7, 3);
  Vector y(7);
  for (Index i = 0; i < 7; ++i) y[i] = i % 3 == 0 ? -1 : 1;
  const Problem p = Problem::Make(X, y, 0.05);
  auto content = [](const ParticleMeasure& r, Index j) {
    return r.mass[j] * (r.w[j] * r.w[j] + r.U.row(j).squaredNorm());
  };
  ParticleMeasure moved = rho;
  EXPECT_EQ(RenormalizeTinyMasses(moved), 1);
  EXPECT_NEAR(std::hypot(moved.w[3], moved.U.row(3).norm()), 1.0, 1e-12);
  EXPECT_NEAR(moved.mass[3], std::ldexp(1.0, -10), 1e-15);  // all its content, at ‖θ‖ = 1
  EXPECT_NEAR(moved.TotalMass(), rho.TotalMass(), 1e-15);
  for (Index j = 0; j < rho.size(); ++j)
    EXPECT_NEAR(content(moved, j), content(rho, j), 1e-14 * content(rho, j)) << j;
  const Evaluation a = Evaluate(p, rho), b = Evaluate(p, moved);
  for (Index i = 0; i < 7; ++i) EXPECT_NEAR(b.a[i], a.a[i], 1e-13 * (1 + std::abs(a.a[i]))) << i;
  EXPECT_NEAR(b.reg, a.reg, 1e-13 * a.reg);
  // One transport step: every particle of `moved` stays the rescaled particle of `rho`.
  Transport(p, rho, a.alpha, 0.3, nullptr, nullptr);
  Transport(p, moved, b.alpha, 0.3, nullptr, nullptr);
  for (Index j = 0; j < rho.size(); ++j) {
    const double c = std::sqrt(rho.mass[j] / moved.mass[j]);  // θ_moved = c θ_rho
    EXPECT_NEAR(moved.w[j], c * rho.w[j], 1e-12 * std::abs(c * rho.w[j]) + 1e-15) << j;
    for (Index k = 0; k < 3; ++k)
      EXPECT_NEAR(moved.U(j, k), c * rho.U(j, k), 1e-12 * std::abs(c * rho.U(j, k)) + 1e-15) << j;
  }
  // Nothing else is below the floor: a second call moves nothing.
  EXPECT_EQ(RenormalizeTinyMasses(moved), 0);
}

}  // namespace
}  // namespace marginlab::meanfield
