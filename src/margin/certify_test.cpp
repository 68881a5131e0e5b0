#include "marginlab/margin/certify.hpp"

#include <gtest/gtest.h>

#include "margin_test_util.hpp"

#include "marginlab/core/rng.hpp"

namespace marginlab::margin {
namespace {

using testing::LineData;

TwoLayerNet Perturbed(const TwoLayerNet& net, Rng& rng, double eps) {
  TwoLayerNet p = net;
  p.U += rng.NormalMatrix(p.U.rows(), p.U.cols(), eps);
  for (Index j = 0; j < p.w.size(); ++j) p.w[j] += eps * rng.Normal();
  return p;
}

void CheckOptimumAndGaps(const Matrix& X, const Vector& y, const std::string& loss, double lambda) {
  CertifyOptions o;
  o.loss = loss;
  o.lambda = lambda;
  const GlobalOptimumResult opt = GlobalOptimum(X, y, o);
  ASSERT_EQ(opt.termination, Termination::kConverged) << loss << " " << opt.BriefReport();
  EXPECT_TRUE(opt.certified);
  EXPECT_LE(opt.upper - opt.lower, 1e-8);
  // The optimal network: its own objective is the optimum, its gap ≤ 1e-6.
  const GapCertificate c = CertifyNetwork(opt.network, X, y, o);
  EXPECT_TRUE(c.certified);
  EXPECT_EQ(c.oracle_mode, "exact");
  EXPECT_NEAR(c.objective, opt.upper, 1e-9);
  EXPECT_LE(c.gap, 1e-6) << loss;
  EXPECT_GE(c.gap, -1e-12);
  // Perturbed networks: a positive gap, and a lower bound never above the optimum.
  Rng rng(17);
  for (int t = 0; t < 5; ++t) {
    const GapCertificate p = CertifyNetwork(Perturbed(opt.network, rng, 0.05), X, y, o);
    EXPECT_GT(p.gap, 1e-6) << loss << " " << t;
    EXPECT_LE(p.lower_bound, opt.upper + 1e-12) << loss << " " << t;
    EXPECT_GE(p.objective, opt.lower - 1e-12);
  }
  // Random networks of other widths: their lower bounds never exceed the optimum.
  for (int t = 0; t < 5; ++t) {
    TwoLayerNet r;
    r.U = rng.NormalMatrix(3 + t, X.cols(), 0.5);
    r.w = rng.NormalMatrix(3 + t, 1, 0.5).col(0);
    const GapCertificate p = CertifyNetwork(r, X, y, o);
    EXPECT_LE(p.lower_bound, opt.upper + 1e-12);
    EXPECT_GE(p.objective, opt.upper - 1e-12);
  }
}

TEST(CertifyTest, LogisticOptimumOnLineData) {
  Matrix X;
  Vector y;
  LineData(8, &X, &y);
  CheckOptimumAndGaps(X, y, "logistic", 1e-2);
}

TEST(CertifyTest, SquaredOptimumOnLineData) {
  Matrix X;
  Vector y;
  LineData(6, &X, &y);
  CheckOptimumAndGaps(X, y, "squared", 3e-2);
}

TEST(CertifyTest, LogisticOptimumInThreeDimensions) {
  Rng rng(8);
  const Index n = 10;
  Matrix X(n, 3);
  Vector y(n);
  for (Index i = 0; i < n; ++i) {
    X.row(i) = rng.UnitSphere(3).transpose();
    y[i] = rng.Rademacher();
  }
  CheckOptimumAndGaps(X, y, "logistic", 5e-3);
}

TEST(CertifyTest, HeuristicOracleIsUncertified) {
  Matrix X;
  Vector y;
  LineData(6, &X, &y);
  CertifyOptions o;
  o.oracle.method = "ascent";
  TwoLayerNet net;
  net.U = Matrix::Ones(2, 2);
  net.w = Vector::Ones(2);
  const GapCertificate c = CertifyNetwork(net, X, y, o);
  EXPECT_FALSE(c.certified);
  EXPECT_EQ(c.oracle_mode, "heuristic");
}

TEST(CertifyTest, RejectsBadOptions) {
  Matrix X;
  Vector y;
  LineData(6, &X, &y);
  CertifyOptions o;
  o.loss = "hinge";
  TwoLayerNet net;
  net.U = Matrix::Ones(1, 2);
  net.w = Vector::Ones(1);
  EXPECT_THROW(CertifyNetwork(net, X, y, o), InputError);
  o.loss = "logistic";
  o.lambda = 0;
  EXPECT_THROW(CertifyNetwork(net, X, y, o), InputError);
}

}  // namespace
}  // namespace marginlab::margin

namespace marginlab::margin {
namespace {

// With output scale s, inf L over networks = min R(Φc) + (2λ/s)‖c‖_TV: the
// standard problem at λ/s. The s-scaled balanced copy of that optimum has gap ≈ 0.
TEST(CertifyTest, OutputScaleEnters) {
  Matrix X;
  Vector y;
  LineData(8, &X, &y);
  const double s = 0.25, lambda = 0.005;
  CertifyOptions o;
  o.lambda = lambda / s;
  const GlobalOptimumResult opt = GlobalOptimum(X, y, o);
  TwoLayerNet net = opt.network;  // |w_j| = ‖u_j‖ = √|a_j|
  net.output_scale = s;
  net.U /= std::sqrt(s);
  net.w /= std::sqrt(s);
  CertifyOptions oc;
  oc.lambda = lambda;
  const GapCertificate c = CertifyNetwork(net, X, y, oc);
  EXPECT_NEAR(c.objective, opt.upper, 1e-9);
  EXPECT_LE(c.gap, 1e-6);
  EXPECT_TRUE(c.certified);
}

}  // namespace
}  // namespace marginlab::margin
