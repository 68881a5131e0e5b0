// Loss tests: stable values and gradients for margins up to |z| = 1e6, the
// normalized-gradient mode against ∇L / L, margins and 0-1 error.
#include "marginlab/nn/loss.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "marginlab/core/error.hpp"
#include "marginlab/core/rng.hpp"

namespace marginlab::nn {
namespace {

TEST(Loss, LogisticIsStableForHugeMargins) {
  const Vector y = Vector::Ones(4);
  Matrix F(4, 1);
  F << 1e6, -1e6, 40.0, -40.0;
  Matrix dF;
  const LossValue v = EvalLoss(&dF, LossKind::kLogistic, F, y);
  // ℓ(1e6) = e^{−1e6} underflows to 0 (correctly rounded); ℓ(−1e6) = 1e6; ℓ(±40).
  EXPECT_DOUBLE_EQ(v.loss, (0 + 1e6 + std::log1p(std::exp(-40.0)) + 40 + std::log1p(std::exp(-40.0))) / 4);
  EXPECT_TRUE(std::isfinite(v.log_loss));
  EXPECT_EQ(dF(0, 0), 0.0);
  EXPECT_DOUBLE_EQ(dF(1, 0), -0.25);
  EXPECT_NEAR(dF(2, 0), -std::exp(-40.0) / 4, 1e-30);
  EXPECT_TRUE(dF.allFinite());
  EXPECT_DOUBLE_EQ(LogLogisticLoss(1e6), -1e6);
  EXPECT_NEAR(LogLogisticLoss(50.0), -50.0, 1e-15);
  EXPECT_NEAR(LogLogisticLoss(-1e6), std::log(1e6), 1e-12);
  EXPECT_NEAR(LogLogisticLoss(0.0), std::log(std::log(2.0)), 1e-15);
}

TEST(Loss, NormalizedGradientIsFiniteWhenTheLossUnderflows) {
  for (LossKind k : {LossKind::kLogistic, LossKind::kExponential}) {
    const Vector y = (Vector(3) << 1, -1, 1).finished();
    Matrix F(3, 1);
    F << 1e6, -1e6 - 3, 1e6 + 1;  // all margins ≈ 1e6: L underflows to 0
    Matrix dF;
    const LossValue v = EvalLoss(&dF, k, F, y, GradMode::kNormalized);
    EXPECT_EQ(v.loss, 0.0);
    EXPECT_NEAR(v.log_loss, -1e6 + std::log((1 + std::exp(-3.0) + std::exp(-1.0)) / 3), 1e-6);
    // ∇L/L = Σ_i softmax(−z)_i (−y_i) e_i: weights e^{0}, e^{−3}, e^{−1} normalized.
    const double s = 1 + std::exp(-3.0) + std::exp(-1.0);
    EXPECT_NEAR(dF(0, 0), -1 / s, 1e-12);
    EXPECT_NEAR(dF(1, 0), std::exp(-3.0) / s, 1e-12);
    EXPECT_NEAR(dF(2, 0), -std::exp(-1.0) / s, 1e-12);
  }
  // The exponential loss at z = −1e6 overflows, but its log and normalized gradient do not.
  Matrix F(2, 1);
  F << -1e6, 0;
  Matrix dF;
  const LossValue v = EvalLoss(&dF, LossKind::kExponential, F, Vector::Ones(2), GradMode::kNormalized);
  EXPECT_TRUE(std::isinf(v.loss));
  EXPECT_NEAR(v.log_loss, 1e6 - std::log(2.0), 1e-6);
  EXPECT_NEAR(dF(0, 0), -1.0, 1e-15);
  EXPECT_EQ(dF(1, 0), 0.0);
}

TEST(Loss, NormalizedModeIsGradientOverLoss) {
  Rng rng(3);
  for (LossKind k : {LossKind::kLogistic, LossKind::kExponential, LossKind::kCrossEntropy,
                     LossKind::kSquared}) {
    const Index l = k == LossKind::kCrossEntropy ? 3 : 1;
    const Matrix F = rng.NormalMatrix(7, l);
    Vector y(7);
    for (Index i = 0; i < 7; ++i) y[i] = l == 3 ? static_cast<double>(i % 3) : (i % 2 ? 1.0 : -1.0);
    Matrix g, gn;
    const LossValue v = EvalLoss(&g, k, F, y, GradMode::kMean);
    const LossValue vn = EvalLoss(&gn, k, F, y, GradMode::kNormalized);
    EXPECT_NEAR(v.loss, vn.loss, 1e-15 * v.loss);
    EXPECT_NEAR(std::exp(v.log_loss), v.loss, 1e-14 * v.loss);
    EXPECT_LE((g / v.loss - gn).norm(), 1e-13 * gn.norm()) << ToString(k);
  }
}

TEST(Loss, CrossEntropyIsStableAndMatchesLogSoftmax) {
  Matrix F(2, 3);
  F << 1e6, 0, -1e6, 0.5, -0.2, 1.0;
  const Vector y = (Vector(2) << 2, 1).finished();
  Matrix dF;
  const LossValue v = EvalLoss(&dF, LossKind::kCrossEntropy, F, y);
  const double l2 = -(-0.2 - std::log(std::exp(0.5) + std::exp(-0.2) + std::exp(1.0)));
  EXPECT_NEAR(v.loss, (2e6 + l2) / 2, 1e-9);
  EXPECT_TRUE(dF.allFinite());
  EXPECT_NEAR(dF.row(0).sum(), 0, 1e-15);
  EXPECT_NEAR(dF(0, 0), 0.5, 1e-15);
  EXPECT_NEAR(dF(0, 2), -0.5, 1e-15);
}

TEST(Loss, MarginsAndErrors) {
  Matrix F(3, 1);
  F << 2, -1, 0.5;
  const Vector y = (Vector(3) << 1, 1, -1).finished();
  EXPECT_EQ(Margins(F, y, LossKind::kLogistic), (Vector(3) << 2, -1, -0.5).finished());
  EXPECT_NEAR(ZeroOneError(F, y, LossKind::kLogistic, LabelKind::kBinary), 2.0 / 3, 1e-15);
  Matrix G(2, 3);
  G << 1, 3, 2, 0, 0, 5;
  const Vector c = (Vector(2) << 1, 0).finished();
  EXPECT_EQ(Margins(G, c, LossKind::kCrossEntropy), (Vector(2) << 1, -5).finished());
  EXPECT_TRUE(std::isnan(ZeroOneError(F, y, LossKind::kSquared, LabelKind::kReal)));
  EXPECT_NEAR(LogSumExp((Vector(2) << 1e6, 1e6).finished()), 1e6 + std::log(2.0), 1e-9);
  EXPECT_THROW(ParseLoss("hinge", "--loss"), InputError);
}

// A diverged network's outputs are NaN or ±Inf. `NaN <= 0` is false, so counting "wrong" with
// it scored every such example as correct (issue 18: train and test error 0 for a diverged net).
TEST(Loss, NonFiniteOutputsAreNoPrediction) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const Vector y = (Vector(3) << 1, -1, -1).finished();
  for (double bad : {nan, inf, -inf}) {
    Matrix F(3, 1);
    F << 2, bad, -0.5;
    EXPECT_TRUE(std::isnan(ZeroOneError(F, y, LossKind::kLogistic, LabelKind::kBinary))) << bad;
    const Vector z = Margins(F, y, LossKind::kLogistic);
    EXPECT_EQ(z[0], 2);
    EXPECT_TRUE(std::isnan(z[1])) << bad;
    EXPECT_EQ(z[2], 0.5);
  }
  const Matrix all_nan = Matrix::Constant(4, 1, nan);
  EXPECT_TRUE(std::isnan(ZeroOneError(all_nan, Vector::Ones(4), LossKind::kExponential, LabelKind::kBinary)));
  Matrix G(2, 3);  // classes: a NaN in a competitor's output leaves no margin either
  G << 1, nan, 2, 0, 0, 5;
  const Vector c = (Vector(2) << 2, 2).finished();
  const Vector zc = Margins(G, c, LossKind::kCrossEntropy);
  EXPECT_TRUE(std::isnan(zc[0]));
  EXPECT_EQ(zc[1], 5);
  EXPECT_TRUE(std::isnan(ZeroOneError(G, c, LossKind::kCrossEntropy, LabelKind::kClass)));
}

}  // namespace
}  // namespace marginlab::nn
