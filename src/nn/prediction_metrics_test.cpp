// The one metrics implementation: hand-counted errors and losses, ties, classes, and no score
// from a NaN or infinite prediction.
#include "marginlab/nn/prediction_metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace marginlab::nn {
namespace {

TEST(PredictionMetrics, BinaryErrorCountsTiesAsWrongAndSquaredLossesByHand) {
  const Vector f = (Vector(5) << 2.0, -0.5, 0.0, 0.3, -3.0).finished();
  const Vector y = (Vector(5) << 1, 1, -1, -1, -1).finished();
  const PredictionMetrics m = EvaluatePredictions(f, y, LabelKind::kBinary);
  EXPECT_EQ(m.error, 3.0 / 5);  // -0.5 for +1, the tie 0 for -1, 0.3 for -1
  const double sq[] = {1.0, 2.25, 1.0, 1.69, 4.0};
  double mse = 0, tr = 0;
  for (double e : sq) mse += e / 5, tr += std::min(e, 1.0) / 5;
  EXPECT_NEAR(m.mse, mse, 1e-15);
  EXPECT_NEAR(m.truncated_mse, tr, 1e-15);
  EXPECT_EQ(ErrorRate(f, y, LabelKind::kBinary), m.error);
}

TEST(PredictionMetrics, ClassesUseTheMulticlassMarginAndHaveNoSquaredLoss) {
  Matrix F(3, 3);
  F << 3, 1, 2,   // class 0 right
      1, 1, 0,    // class 1: tie with class 0 → wrong
      0, 5, 4;    // class 2 wrong
  const Vector y = (Vector(3) << 0, 1, 2).finished();
  const PredictionMetrics m = EvaluatePredictions(F, y, LabelKind::kClass);
  EXPECT_EQ(m.error, 2.0 / 3);
  EXPECT_TRUE(std::isnan(m.mse) && std::isnan(m.truncated_mse));
}

TEST(PredictionMetrics, RealLabelsHaveNoErrorAndNonFiniteScoresNoMetric) {
  const Vector y = (Vector(3) << 0.5, -1, 2).finished();
  const Vector f = (Vector(3) << 0.5, 0, 0).finished();
  const PredictionMetrics m = EvaluatePredictions(f, y, LabelKind::kReal);
  EXPECT_TRUE(std::isnan(m.error));
  EXPECT_NEAR(m.mse, 5.0 / 3, 1e-15);
  EXPECT_NEAR(m.truncated_mse, 2.0 / 3, 1e-15);
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    Vector g = f;
    g[1] = bad;
    for (LabelKind kind : {LabelKind::kBinary, LabelKind::kReal}) {
      const PredictionMetrics b = EvaluatePredictions(g, (Vector(3) << 1, -1, 1).finished(), kind);
      EXPECT_TRUE(std::isnan(b.error) && std::isnan(b.mse) && std::isnan(b.truncated_mse)) << bad;
    }
  }
}

}  // namespace
}  // namespace marginlab::nn
