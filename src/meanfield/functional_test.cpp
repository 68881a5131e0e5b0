#include "marginlab/meanfield/functional.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/nn/train.hpp"

namespace marginlab::meanfield {
namespace {

// Random data in general position (no u·x_i = 0 ties), labels ±1.
Problem RandomProblem(Index n, Index d, double lambda, std::uint64_t seed) {
  Rng rng(seed);
  Matrix X = rng.NormalMatrix(n, d);
  Vector y(n);
  for (Index i = 0; i < n; ++i) y[i] = rng.Rademacher();
  return Problem::Make(X, y, lambda);
}

ParticleMeasure RandomMeasure(Index M, Index d, std::uint64_t seed, bool equal_masses) {
  Rng rng(seed);
  ParticleMeasure rho;
  rho.w = rng.NormalMatrix(M, 1);
  rho.U = rng.NormalMatrix(M, d);
  rho.mass.resize(M);
  for (Index j = 0; j < M; ++j) rho.mass[j] = equal_masses ? 1.0 : 0.1 + rng.Uniform();
  rho.mass /= rho.mass.sum();
  rho.born.assign(M, 0);
  return rho;
}

// L[ρ] written out directly from Example 3.2.
double NaiveObjective(const Problem& p, const ParticleMeasure& rho) {
  double L = 0;
  for (Index i = 0; i < p.n(); ++i) {
    double a = 0;
    for (Index j = 0; j < rho.size(); ++j)
      a += rho.mass[j] * rho.w[j] * std::max(0.0, rho.U.row(j).dot(p.X.row(i)));
    L += std::log1p(std::exp(-p.y[i] * a));
  }
  for (Index j = 0; j < rho.size(); ++j)
    L += p.lambda * rho.mass[j] * (rho.w[j] * rho.w[j] + rho.U.row(j).squaredNorm());
  return L;
}

TEST(MeanFieldFunctional, ObjectiveMatchesTheDefinition) {
  const Problem p = RandomProblem(15, 4, 0.03, 1);
  const ParticleMeasure rho = RandomMeasure(300, 4, 2, false);  // 3 blocks, the last partial
  const Evaluation e = Evaluate(p, rho);
  EXPECT_NEAR(e.objective, NaiveObjective(p, rho), 1e-12 * std::abs(e.objective));
  EXPECT_NEAR(e.objective, e.data + e.reg, 1e-15 * e.objective);
}

TEST(MeanFieldFunctional, VelocityIsMinusTheParticleGradientOverItsMass) {
  // ∂L/∂θ_j = m_j ∇L′[ρ](θ_j) = −m_j v(θ_j): central differences, relative error < 1e-6.
  const Problem p = RandomProblem(12, 3, 0.05, 3);
  ParticleMeasure rho = RandomMeasure(7, 3, 4, false);
  const Evaluation e = Evaluate(p, rho);
  Vector fv;
  const Matrix V = Velocity(p, rho, e.alpha, &fv);
  const double h = 1e-6;
  double worst = 0;
  for (Index j = 0; j < rho.size(); ++j) {
    for (Index c = 0; c <= 3; ++c) {
      double& x = c == 0 ? rho.w[j] : rho.U(j, c - 1);
      const double x0 = x;
      x = x0 + h;
      const double up = Evaluate(p, rho).objective;
      x = x0 - h;
      const double down = Evaluate(p, rho).objective;
      x = x0;
      const double fd = (up - down) / (2 * h);
      const double exact = -rho.mass[j] * V(j, c);
      worst = std::max(worst, std::abs(fd - exact) / std::max(1e-3, std::abs(exact)));
    }
  }
  EXPECT_LT(worst, 1e-6);
  // The first variation at the particles equals FirstVariation's.
  const Matrix Theta = (Matrix(rho.size(), 4) << rho.w, rho.U).finished();
  const Vector fv2 = FirstVariation(p, e.alpha, Theta);
  EXPECT_LT((fv - fv2).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(MeanFieldFunctional, TransportIsTheVelocityStep) {
  const Problem p = RandomProblem(10, 5, 0.02, 5);
  ParticleMeasure rho = RandomMeasure(200, 5, 6, false);
  const Evaluation e = Evaluate(p, rho);
  const Matrix V = Velocity(p, rho, e.alpha);
  const Matrix before = (Matrix(rho.size(), 6) << rho.w, rho.U).finished();
  Transport(p, rho, e.alpha, 0.3, nullptr);
  const Matrix after = (Matrix(rho.size(), 6) << rho.w, rho.U).finished();
  EXPECT_LT((after - (before + 0.3 * V)).cwiseAbs().maxCoeff(), 1e-13);
}

TEST(MeanFieldFunctional, OneStepEqualsGradientDescentOfTheMeanFieldNetwork) {
  // Equal masses 1/M and σ = 0: θ_j ← θ_j + η v(θ_j) is one GD step of the width-M net with
  // mean-field scaling on (1/n) Σ logistic + (λ/(nM))‖Θ‖², step η n M (the header's rescaling).
  const Index n = 20, d = 6, M = 300;
  const double lambda = 0.04, eta = 0.01;
  const Problem p = RandomProblem(n, d, lambda, 7);
  ParticleMeasure rho = RandomMeasure(M, d, 8, true);
  Dataset ds;
  ds.X = p.X;
  ds.y = p.y;
  ds.source = "test";
  nn::TrainOptions o;
  o.depth = 2;
  o.width = {static_cast<double>(M)};
  o.scaling = "mean-field";
  o.loss = "logistic";
  o.lambda = lambda / static_cast<double>(n * M);
  o.lr = eta * static_cast<double>(n * M);
  o.steps = 1;
  o.log_points = 0;
  nn::Weights<double> W0 = {rho.U, Matrix(rho.w.transpose())};
  const auto res = nn::Train(o, ds, nullptr, {W0});
  const Evaluation e = Evaluate(p, rho);
  Transport(p, rho, e.alpha, eta, nullptr);
  const Matrix& U1 = res[0].final[0];
  const Matrix& W2 = res[0].final[1];
  const double scale = std::max(rho.U.cwiseAbs().maxCoeff(), rho.w.cwiseAbs().maxCoeff());
  EXPECT_LT((U1 - rho.U).cwiseAbs().maxCoeff(), 1e-12 * scale);
  EXPECT_LT((W2.transpose() - rho.w).cwiseAbs().maxCoeff(), 1e-12 * scale);
  // And the objectives agree: L[ρ] = n · (mean loss + (λ/(nM))‖Θ‖²).
  EXPECT_NEAR(e.objective, n * res[0].trace.front().objective, 1e-12 * e.objective);
}

TEST(MeanFieldFunctional, TwoHomogeneousSymmetry) {
  // (m, θ) → (m/c², cθ) changes neither L nor the transported particle (up to the factor c).
  const Problem p = RandomProblem(9, 3, 0.1, 9);
  ParticleMeasure a = RandomMeasure(5, 3, 10, false), b = a;
  const double c = 1.7;
  b.w[2] *= c;
  b.U.row(2) *= c;
  b.mass[2] /= c * c;
  const Evaluation ea = Evaluate(p, a), eb = Evaluate(p, b);
  EXPECT_NEAR(ea.objective, eb.objective, 1e-14 * ea.objective);
  Transport(p, a, ea.alpha, 0.05, nullptr);
  Transport(p, b, eb.alpha, 0.05, nullptr);
  EXPECT_NEAR(b.w[2], c * a.w[2], 1e-14);
  EXPECT_LT((b.U.row(2) - c * a.U.row(2)).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(MeanFieldFunctional, ThreadCountDoesNotChangeABit) {
  const Problem p = RandomProblem(30, 8, 0.01, 11);
  ParticleMeasure a = RandomMeasure(1000, 8, 12, false), b = a;
  BlockPool pool(2);
  const Evaluation ea = Evaluate(p, a, nullptr), eb = Evaluate(p, b, &pool);
  EXPECT_EQ(ea.objective, eb.objective);
  EXPECT_TRUE(ea.a == eb.a);
  Transport(p, a, ea.alpha, 0.1, nullptr);
  Transport(p, b, eb.alpha, 0.1, &pool);
  EXPECT_TRUE(a.U == b.U);
  EXPECT_TRUE(a.w == b.w);
}

// The activation pattern kept by Evaluate in a Workspace gives bitwise the pass 2 that
// recomputes it (Velocity and Transport without one), and Transport invalidates it.
TEST(MeanFieldFunctional, WorkspacePatternEqualsRecomputation) {
  const Problem p = RandomProblem(25, 6, 0.02, 21);
  ParticleMeasure a = RandomMeasure(150, 6, 22, false), b = a;  // 3 blocks, the last partial
  Workspace ws;
  const Evaluation ea = Evaluate(p, a), eb = Evaluate(p, b, nullptr, &ws);
  EXPECT_TRUE(ea.a == eb.a);
  Vector fa, fb;
  const Matrix Va = Velocity(p, a, ea.alpha, &fa), Vb = Velocity(p, b, eb.alpha, &fb, nullptr, &ws);
  EXPECT_TRUE(Va == Vb);
  EXPECT_TRUE(fa == fb);
  Vector da, db;
  Transport(p, a, ea.alpha, 0.1, nullptr, &da);
  Transport(p, b, eb.alpha, 0.1, nullptr, &db, &ws);
  EXPECT_TRUE(a.U == b.U);
  EXPECT_TRUE(a.w == b.w);
  EXPECT_TRUE(da == db);
  EXPECT_EQ(-1, ws.particles);
}

TEST(MeanFieldFunctional, StableForHugeMargins) {
  // |a_i| ~ 1e6: R and α stay finite and exact (softplus and logistic forms).
  Matrix X(2, 1);
  X << 1, 1;
  Vector y(2);
  y << 1, -1;
  const Problem p = Problem::Make(X, y, 1e-3);
  ParticleMeasure rho;
  rho.w = Vector::Constant(1, 1e3);
  rho.U = Matrix::Constant(1, 1, 1e3);
  rho.mass = Vector::Ones(1);
  rho.born = {0};
  const Evaluation e = Evaluate(p, rho);
  EXPECT_DOUBLE_EQ(e.data, 1e6);  // log(1 + e^{−1e6}) + log(1 + e^{1e6})
  EXPECT_EQ(e.alpha[0], -0.0);
  EXPECT_DOUBLE_EQ(e.alpha[1], 1.0);
}

TEST(MeanFieldFunctional, BadDataIsAnInputError) {
  Matrix X = Matrix::Ones(3, 2);
  Vector y(3);
  y << 1, 0, -1;
  EXPECT_THROW(Problem::Make(X, y, 0.1), InputError);
  y << 1, 1, -1;
  EXPECT_THROW(Problem::Make(X, y, 0.0), InputError);
  EXPECT_THROW(Problem::Make(X, Vector::Ones(2), 0.1), InputError);
}

}  // namespace
}  // namespace marginlab::meanfield
