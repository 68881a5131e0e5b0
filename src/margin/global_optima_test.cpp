// The global optima of the correctness list in d > 3 (heuristic oracle:
// estimates), the honesty invariants of certificates, and the two reported
// failures as regressions.
#include <gtest/gtest.h>

#include <cmath>

#include "marginlab/core/features.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/data/wei_d.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/l1svm.hpp"

namespace marginlab::margin {
namespace {

Dataset WeiD(long d, long n, unsigned long sample = 0) {
  WeiDOptions o;
  o.d = d;
  o.n = n;
  o.seed = 1;
  o.sample = sample;
  return GenerateWeiD(o);
}

// The explicit max-margin net of eq. (2.1): f(x) = |x₁| − |x₂| from four unit
// neurons on ±e₁ (w = +1) and ±e₂ (w = −1); y f = 1 on every point, ‖Θ‖² = 8.
TwoLayerNet FourNeuronNet(Index d) {
  TwoLayerNet net;
  net.U = Matrix::Zero(4, d);
  net.U(0, 0) = 1;
  net.U(1, 0) = -1;
  net.U(2, 1) = 1;
  net.U(3, 1) = -1;
  net.w = Vector(4);
  net.w << 1, 1, -1, -1;
  return net;
}

// Rows of `dirs` (weights ≠ 0) are all ±e₁ or ±e₂.
bool OnTheFourAxes(const Matrix& dirs, const Vector& weights) {
  for (Index j = 0; j < dirs.rows(); ++j) {
    if (weights[j] == 0) continue;
    Index k;
    const double m = dirs.row(j).cwiseAbs().maxCoeff(&k);
    if (k > 1 || std::abs(m - 1) > 1e-9) return false;
  }
  return true;
}

TEST(GlobalOptimaTest, WeiDMaxMarginIsAQuarter) {
  // d = 64 is left out on purpose: with n = 200 the l1-SVM there fits the noise
  // coordinates and attains γ_ℓ1 ≥ 0.2679 > 0.25 (a feasible measure of 180
  // neurons, test error 0.44; docs/margin.md), so 0.25 is not its value.
  if (!HaveFeature("clp")) GTEST_SKIP();
  auto lp = MakeLpBackend();
  for (long d : {8, 16, 32}) {
    const Dataset train = WeiD(d, 200), test = WeiD(d, 2000, 1);
    const L1SvmResult r = L1SvmColumnGeneration(train.X, train.y, *lp);
    EXPECT_EQ(r.oracle_mode, "heuristic") << d;
    EXPECT_FALSE(r.certified) << d;  // an estimate in d > 3, labelled so
    EXPECT_NEAR(r.gamma_lo, 0.25, 1e-6) << d;
    EXPECT_GE(r.gamma_hi, r.gamma_lo) << d;
    EXPECT_TRUE(OnTheFourAxes(r.directions, r.weights)) << d;
    const TwoLayerNet net = ExtractNetwork(r);
    EXPECT_EQ(net.width(), 4) << d;
    EXPECT_NEAR(net.NormalizedMargin(train.X, train.y), 0.125, 1e-6) << d;
    EXPECT_EQ(EvaluateTwoLayerNet(net, test.X, test.y, "logistic").error, 0.0) << d;
  }
}

TEST(GlobalOptimaTest, WeiDRegularizedOptimum) {
  // Θ_λ at thm21's λ: the estimate closes the bracket, the optimum is no worse than
  // the explicit four-neuron net at its best scale, and it generalizes.
  for (long d : {8, 32}) {
    const Dataset train = WeiD(d, 200), test = WeiD(d, 2000, 1);
    CertifyOptions o;
    o.lambda = 1e-4;
    const GlobalOptimumResult g = GlobalOptimum(train.X, train.y, o);
    EXPECT_EQ(g.termination, Termination::kConverged) << g.BriefReport();
    EXPECT_FALSE(g.certified);
    EXPECT_LE(g.upper - g.lower, 1e-8) << d;
    if (d == 8) {
      EXPECT_TRUE(OnTheFourAxes(g.directions, g.weights));
    }
    // The optimum beats the explicit net scaled to its best size (a feasible point).
    const TwoLayerNet four = FourNeuronNet(d);
    double best = 1e300;
    for (double s = 0.5; s < 8; s *= 1.01) {
      TwoLayerNet t = four;
      t.U *= std::sqrt(s);
      t.w *= std::sqrt(s);
      const Vector f = t.Outputs(train.X);
      best = std::min(best, MeanLoss(MarginLoss("logistic"), f, train.y) + o.lambda * t.SquaredNorm());
    }
    EXPECT_LE(g.upper, best + 1e-12);
    EXPECT_LE(EvaluateTwoLayerNet(g.network, test.X, test.y, "logistic").error, 0.01) << d;
  }
}

TEST(GlobalOptimaTest, HeuristicEstimateNeverExceedsTheCertifiedNetsObjective) {
  // Regression (issue 19): on wei-d d = 16 the heuristic "lower bound" exceeded the
  // objective of the explicit 4-neuron net. Seeded with the net's own neurons,
  // the estimate stays below it at every scale of the net.
  const Dataset train = WeiD(16, 200);
  CertifyOptions o;
  o.lambda = 1e-4;
  o.oracle.method = "ascent";
  for (double s : {0.5, 1.0, 2.0, 3.0, 5.0}) {
    TwoLayerNet net = FourNeuronNet(16);
    net.U *= std::sqrt(s);
    net.w *= std::sqrt(s);
    const GapCertificate c = CertifyNetwork(net, train.X, train.y, o);
    EXPECT_FALSE(c.certified);
    EXPECT_EQ(c.oracle_mode, "heuristic");
    EXPECT_LE(c.lower_bound, c.objective) << s;
  }
}

TEST(GlobalOptimaTest, EstimateBelowObjectiveOfTrainedNetsInHighDimension) {
  // Regression (issue 19, fig3-synthetic): a net's own neuron scored above the
  // oracle's value. Random wide nets on teacher-like data in d = 20: the oracle's
  // value is at least every neuron's, so the estimate never exceeds the objective.
  Rng rng(3);
  const Index n = 200, d = 20, m = 128;
  Matrix X = rng.NormalMatrix(n, d, 1.0);
  Vector y(n);
  const Vector teacher = rng.NormalMatrix(d, 1, 1.0).col(0);
  for (Index i = 0; i < n; ++i) y[i] = X.row(i).dot(teacher) > 0 ? 1 : -1;
  CertifyOptions o;
  o.lambda = 1e-5;
  o.oracle.method = "ascent";
  for (int t = 0; t < 5; ++t) {
    TwoLayerNet net;
    net.U = rng.NormalMatrix(m, d, 0.3);
    net.w = rng.NormalMatrix(m, 1, 0.3).col(0);
    const GapCertificate c = CertifyNetwork(net, X, y, o);
    const Vector beta = LossGradient(MarginLoss("logistic"), net.Outputs(X), y);
    double own = 0;
    for (Index j = 0; j < m; ++j)
      own = std::max(own, std::abs(NeuronValue(X, beta, net.U.row(j).transpose().normalized())));
    EXPECT_GE(c.oracle_value, own * (1 - 1e-12)) << t;
    EXPECT_LE(c.lower_bound, c.objective) << t;
  }
}

TEST(GlobalOptimaTest, CertifiedLowerBoundsNeverExceedAnyFeasibleObjective) {
  // Property test in effective dimension ≤ 3 (exact oracle): a certified lower
  // bound is ≤ the certified net's objective, the best of 1000 random feasible
  // nets, and the extracted optimum.
  Rng rng(11);
  for (int inst = 0; inst < 6; ++inst) {
    const Index n = 12, d = inst % 2 == 0 ? 2 : 3;
    Matrix X = rng.NormalMatrix(n, d, 1.0);
    Vector y(n);
    for (Index i = 0; i < n; ++i) y[i] = rng.Rademacher();
    CertifyOptions o;
    o.loss = inst % 3 == 0 ? "squared" : "logistic";
    o.lambda = 1e-2;
    o.oracle.method = "exact";
    const GlobalOptimumResult g = GlobalOptimum(X, y, o);
    ASSERT_TRUE(g.certified);
    const double slack = 1e-10;
    EXPECT_LE(g.lower, g.upper + slack);
    double best_random = 1e300;
    for (int t = 0; t < 1000; ++t) {
      TwoLayerNet net;
      const Index m = 1 + t % 8;
      net.U = rng.NormalMatrix(m, d, 0.5);
      net.w = rng.NormalMatrix(m, 1, 0.5).col(0);
      const Vector f = net.Outputs(X);
      best_random = std::min(best_random, MeanLoss(MarginLoss(o.loss), f, y) + o.lambda * net.SquaredNorm());
      if (t % 100 == 0) {
        const GapCertificate c = CertifyNetwork(net, X, y, o);
        ASSERT_TRUE(c.certified);
        EXPECT_LE(c.lower_bound, c.objective + slack);
        EXPECT_LE(c.lower_bound, g.upper + slack);
      }
    }
    EXPECT_LE(g.lower, best_random + slack) << inst;
    const GapCertificate opt = CertifyNetwork(g.network, X, y, o);
    EXPECT_LE(g.lower, opt.objective + slack);
    EXPECT_NEAR(opt.objective, g.upper, 1e-10);
  }
}

TEST(GlobalOptimaTest, BadInputIsAnInputError) {
  Matrix X(3, 2);
  X << 1, 0, 0, 1, -1, 1;
  Vector y(3);
  y << 1, -1, 1;
  CertifyOptions o;
  o.lambda = 0;
  EXPECT_THROW(GlobalOptimum(X, y, o), InputError);
  o.lambda = std::nan("");
  EXPECT_THROW(GlobalOptimum(X, y, o), InputError);
  o.lambda = 1e-2;
  Matrix Xn = X;
  Xn(1, 1) = std::nan("");
  EXPECT_THROW(GlobalOptimum(Xn, y, o), InputError);
  Vector y2(3);
  y2 << 1, 0.5, 1;
  EXPECT_THROW(GlobalOptimum(X, y2, o), InputError);
  if (!HaveFeature("clp")) return;
  auto lp = MakeLpBackend();
  // Not separable by ReLU features: two inputs on one ray with opposite labels, or a zero input.
  Matrix Xr(3, 2);
  Xr << 1, 1, 2, 2, -1, 0;
  EXPECT_THROW(L1SvmColumnGeneration(Xr, y, *lp), InputError);
  Matrix Xz = X;
  Xz.row(2).setZero();
  EXPECT_THROW(L1SvmColumnGeneration(Xz, y, *lp), InputError);
  EXPECT_THROW(L1SvmColumnGeneration(Matrix(0, 2), Vector(0), *lp), InputError);
}

}  // namespace
}  // namespace marginlab::margin
