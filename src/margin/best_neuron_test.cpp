#include "marginlab/margin/best_neuron.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "marginlab/core/rng.hpp"

namespace marginlab::margin {
namespace {

double Lipschitz(const Matrix& X, const Vector& a) {
  double s = 0;
  for (Index i = 0; i < X.rows(); ++i) s += std::abs(a[i]) * X.row(i).norm();
  return s;
}

Vector RandomAlpha(Rng& rng, Index n) {
  Vector a(n);
  for (Index i = 0; i < n; ++i) a[i] = rng.Normal();
  return a;
}

// |F| on N evenly spaced directions of the circle.
double GridMax2(const Matrix& X, const Vector& a, long N) {
  double best = 0;
  for (long k = 0; k < N; ++k) {
    const double t = 2 * std::numbers::pi * k / N;
    Vector u(2);
    u << std::cos(t), std::sin(t);
    best = std::max(best, std::abs(NeuronValue(X, a, u)));
  }
  return best;
}

TEST(BestNeuronTest, ExactEqualsFineCircleGridInTwoDimensions) {
  Rng rng(3);
  const long N = 1000000;
  for (int trial = 0; trial < 6; ++trial) {
    const Index n = 5 + 7 * trial;
    Matrix X(n, 2);
    for (Index i = 0; i < n; ++i) {
      if (trial % 2 == 0) {
        X(i, 0) = rng.Normal();
        X(i, 1) = rng.Normal();
      } else {  // one-dimensional inputs with a bias (Wei et al. F.4)
        X(i, 0) = -1 + 2 * rng.Uniform();
        X(i, 1) = 1;
      }
    }
    const Vector a = RandomAlpha(rng, n);
    const OracleResult r = BestNeuronExact(X, a);
    const double grid = GridMax2(X, a, N);
    const double L = Lipschitz(X, a);
    EXPECT_EQ(r.mode, OracleMode::kExact);
    EXPECT_TRUE(r.certified);
    EXPECT_GE(r.value, grid - 1e-12 * L) << trial;                        // never below
    EXPECT_LE(r.value - grid, L * std::numbers::pi / N) << trial;         // grid resolution
    EXPECT_NEAR(std::abs(NeuronValue(X, a, r.u)), r.value, 1e-12 * L);  // attained
    EXPECT_NEAR(r.u.norm(), 1, 1e-12);
  }
}

TEST(BestNeuronTest, ReducesToTheRowSpace) {
  // Inputs in R^5 spanning a plane: the same answer as the 2-D coordinates.
  Rng rng(5);
  const Index n = 12;
  Matrix C(n, 2);
  for (Index i = 0; i < n; ++i) C.row(i) << rng.Normal(), rng.Normal();
  Matrix Q = Matrix::Zero(2, 5);
  const Vector q1 = rng.UnitSphere(5);
  Vector q2 = rng.UnitSphere(5);
  q2 = (q2 - q2.dot(q1) * q1).normalized();
  Q.row(0) = q1.transpose();
  Q.row(1) = q2.transpose();
  const Vector a = RandomAlpha(rng, n);
  const OracleResult hi = BestNeuron(C * Q, a);
  const OracleResult lo = BestNeuronExact(C, a);
  EXPECT_EQ(hi.mode, OracleMode::kExact);
  EXPECT_EQ(hi.effective_dim, 2);
  EXPECT_NEAR(hi.value, lo.value, 1e-12 * Lipschitz(C, a));
}

double RandomDirectionsMax(const Matrix& X, const Vector& a, long N, Rng& rng) {
  double best = 0;
  for (long k = 0; k < N; ++k) best = std::max(best, std::abs(NeuronValue(X, a, rng.UnitSphere(X.cols()))));
  return best;
}

TEST(BestNeuronTest, ExactIsNeverBelowRandomDirectionsInThreeDimensions) {
  Rng rng(9);
  for (int trial = 0; trial < 4; ++trial) {
    const Index n = 6 + 4 * trial;
    Matrix X(n, 3);
    for (Index i = 0; i < n; ++i)
      for (Index k = 0; k < 3; ++k) X(i, k) = trial == 3 ? rng.Rademacher() : rng.Normal();
    const Vector a = RandomAlpha(rng, n);
    const OracleResult r = BestNeuronExact(X, a);
    Rng dirs = rng.Split(trial);
    const double sampled = RandomDirectionsMax(X, a, trial == 0 ? 1000000 : 200000, dirs);
    const double L = Lipschitz(X, a);
    EXPECT_GE(r.value, sampled - 1e-12 * L) << trial;
    EXPECT_LE(r.value - sampled, 0.02 * L) << trial;  // sampling resolution
    // The certified branch-and-bound agrees.
    OracleOptions o;
    o.method = "bnb";
    o.tolerance = 1e-7;
    const OracleResult b = BestNeuron(X, a, o);
    EXPECT_TRUE(b.certified) << b.nodes;
    EXPECT_LE(b.value, r.value + 1e-12 * L);
    EXPECT_GE(b.upper, r.value - 1e-12 * L);
    EXPECT_NEAR(b.value, r.value, 2e-7 * L);
  }
}

TEST(BestNeuronTest, DegenerateCubeInputs) {
  // x ∈ {±1}³ (with repeats): many great circles through one point.
  Rng rng(21);
  const Index n = 24;
  Matrix X(n, 3);
  for (Index i = 0; i < n; ++i)
    for (Index k = 0; k < 3; ++k) X(i, k) = rng.Rademacher();
  for (int trial = 0; trial < 5; ++trial) {
    const Vector a = RandomAlpha(rng, n);
    const OracleResult r = BestNeuronExact(X, a);
    Rng dirs = rng.Split(100 + trial);
    EXPECT_GE(r.value, RandomDirectionsMax(X, a, 100000, dirs) - 1e-12 * Lipschitz(X, a));
    OracleOptions o;
    o.method = "bnb";
    o.tolerance = 1e-7;
    const OracleResult b = BestNeuron(X, a, o);
    EXPECT_NEAR(b.value, r.value, 2e-7 * Lipschitz(X, a));
    EXPECT_GE(b.upper, r.value - 1e-12 * Lipschitz(X, a));
  }
}

TEST(BestNeuronTest, BranchAndBoundBoundsInFourDimensions) {
  Rng rng(13);
  const Index n = 10;
  Matrix X(n, 4);
  for (Index i = 0; i < n; ++i)
    for (Index k = 0; k < 4; ++k) X(i, k) = rng.Normal();
  const Vector a = RandomAlpha(rng, n);
  OracleOptions o;
  o.method = "bnb";
  o.tolerance = 1e-6;
  const OracleResult b = BestNeuron(X, a, o);
  EXPECT_EQ(b.mode, OracleMode::kBound);
  Rng dirs = rng.Split(1);
  const double sampled = RandomDirectionsMax(X, a, 200000, dirs);
  EXPECT_GE(b.upper, sampled);
  EXPECT_TRUE(b.certified) << b.upper - b.value;
  EXPECT_GE(b.value, sampled - 1e-6 * Lipschitz(X, a));
  // The heuristic never exceeds the certified upper bound and is labelled.
  o.method = "ascent";
  const OracleResult h = BestNeuron(X, a, o);
  EXPECT_EQ(h.mode, OracleMode::kHeuristic);
  EXPECT_FALSE(h.certified);
  EXPECT_LE(h.value, b.upper);
}

TEST(BestNeuronTest, ZeroAndOneDimensional) {
  Matrix X = Matrix::Zero(3, 2);
  Vector a = Vector::Ones(3);
  EXPECT_EQ(BestNeuronExact(X, a).value, 0);
  Matrix X1(3, 1);
  X1 << 1, -2, 3;
  a << 1, 1, -1;
  // F(+1) = 1 − 3 = −2, F(−1) = 2: M = 2.
  EXPECT_NEAR(BestNeuronExact(X1, a).value, 2, 1e-15);
}

TEST(BestNeuronTest, AscentIsNeverBelowItsSeedsAndReportsItsWork) {
  Rng rng(21);
  const Index n = 60, d = 12;
  const Matrix X = rng.NormalMatrix(n, d, 1.0);
  for (int t = 0; t < 10; ++t) {
    const Vector a = RandomAlpha(rng, n);
    const Matrix seeds = rng.NormalMatrix(7, d, 1.0);
    OracleOptions o;
    o.method = "ascent";
    o.candidates = 5;
    const OracleResult r = BestNeuron(X, a, o, seeds);
    double best_seed = 0;
    for (Index k = 0; k < seeds.rows(); ++k)
      best_seed = std::max(best_seed, std::abs(NeuronValue(X, a, seeds.row(k).transpose().normalized())));
    EXPECT_GE(r.value, best_seed) << t;
    EXPECT_EQ(r.mode, OracleMode::kHeuristic);
    EXPECT_FALSE(r.certified);
    EXPECT_TRUE(std::isinf(r.upper));
    EXPECT_GT(r.starts, seeds.rows());
    EXPECT_GE(r.evaluations, r.starts);
    // The value is attained at u, candidates are distinct and best first.
    EXPECT_NEAR(std::abs(NeuronValue(X, a, r.u)), r.value, 1e-12 * Lipschitz(X, a));
    ASSERT_GE(r.candidates.rows(), 1);
    for (Index k = 0; k < r.candidates.rows(); ++k) {
      EXPECT_NEAR(std::abs(NeuronValue(X, a, r.candidates.row(k).transpose())), r.candidate_values[k],
                  1e-12 * Lipschitz(X, a));
      if (k > 0) {
        EXPECT_LE(r.candidate_values[k], r.candidate_values[k - 1]);
      }
    }
  }
}

TEST(BestNeuronTest, HeuristicNeverExceedsExactAndUsuallyMatchesIt) {
  // Effective dimension ≤ 3: the exact oracle is the reference.
  Rng rng(23);
  int equal = 0, total = 0;
  for (int t = 0; t < 200; ++t) {
    const Index n = 10 + t % 30, d = t % 2 == 0 ? 2 : 3;
    const Matrix X = rng.NormalMatrix(n, d, 1.0);
    const Vector a = RandomAlpha(rng, n);
    const OracleResult e = BestNeuronExact(X, a);
    OracleOptions o;
    o.method = "ascent";
    o.seed = static_cast<std::uint64_t>(t);
    const OracleResult h = BestNeuron(X, a, o);
    const double scale = Lipschitz(X, a);
    EXPECT_LE(h.value, e.value + 1e-12 * scale) << t;
    ++total;
    equal += h.value >= e.value - 1e-9 * scale;
  }
  EXPECT_GE(equal, 0.95 * total) << equal << " of " << total;
}

}  // namespace
}  // namespace marginlab::margin
