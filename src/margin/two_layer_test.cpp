#include "marginlab/margin/two_layer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "marginlab/core/error.hpp"
#include "marginlab/data/npz.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab::margin {
namespace {

TEST(TwoLayerTest, MarginAndNormByHand) {
  TwoLayerNet net;
  net.U.resize(2, 2);
  net.U << 1, 0, 0, 2;
  net.w.resize(2);
  net.w << 1, -1;
  Matrix X(2, 2);
  X << 1, 0, 0, 1;
  Vector y(2);
  y << 1, -1;
  // f(x1) = 1, f(x2) = −2; ‖Θ‖² = 1 + 4 + 1 + 1 = 7; γ = min(1, 2)/7.
  EXPECT_NEAR(net.SquaredNorm(), 7, 1e-15);
  EXPECT_NEAR(net.NormalizedMargin(X, y), 1.0 / 7, 1e-15);
}

TEST(TwoLayerTest, LoadsTrainFilesAndRejectsOthers) {
  const auto dir = marginlab::testing::ScratchDir();
  Matrix U(3, 2);
  U << 1, 2, 3, 4, 5, 6;
  Matrix W2(1, 3);
  W2 << 1, -1, 0.5;
  {
    NpzWriter w;
    w.Add("final/W1", U);
    w.Add("final/W2", W2);
    w.Add("meta/output_scale", Vector(Vector::Constant(1, 0.5)));
    w.Write(dir / "ok.npz");
  }
  const TwoLayerNet net = LoadTwoLayerNet(dir / "ok.npz");
  EXPECT_EQ(net.U, U);
  EXPECT_EQ(net.w, W2.row(0).transpose());
  EXPECT_EQ(net.output_scale, 0.5);
  EXPECT_THROW(LoadTwoLayerNet(dir / "ok.npz", "init"), InputError);
  {
    NpzWriter w;
    w.Add("final/W1", U);
    w.Add("final/W2", Matrix(Matrix::Ones(3, 3)));
    w.Add("final/W3", W2);
    w.Write(dir / "deep.npz");
  }
  EXPECT_THROW(LoadTwoLayerNet(dir / "deep.npz"), InputError);
  {
    NpzWriter w;
    w.Add("final/W1", U);
    w.Add("final/W2", W2);
    w.Add("meta/frozen_output", Vector(Vector::Ones(1)));
    w.Write(dir / "frozen.npz");
  }
  EXPECT_THROW(LoadTwoLayerNet(dir / "frozen.npz"), InputError);
}

}  // namespace
// A NaN output is no margin: the minimum is NaN (Eigen's default minCoeff may skip it), and a
// saved net with NaN weights is refused when loaded.
TEST(TwoLayerNet, NaNOutputsGiveANaNMarginAndNaNWeightsAreRefused) {
  TwoLayerNet net;
  net.U = Matrix::Identity(2, 2);
  net.w = Vector::Ones(2);
  const Matrix X = (Matrix(3, 2) << 1, 0, 0, 1, std::nan(""), 1).finished();
  const Vector y = Vector::Ones(3);
  EXPECT_TRUE(std::isnan(net.NormalizedMargin(X, y)));
  EXPECT_EQ(net.NormalizedMargin(X.topRows(2), y.head(2)), 0.25);
  const auto dir = testing::ScratchDir();
  NpzWriter w;
  Matrix U = net.U;
  U(1, 1) = std::numeric_limits<double>::infinity();
  w.Add("final/W1", U);
  w.Add("final/W2", Matrix(net.w.transpose()));
  w.Write(dir / "inf.npz");
  try {
    LoadTwoLayerNet(dir / "inf.npz");
    ADD_FAILURE() << "a net with an infinite weight was loaded";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("NaN or infinite weights"), std::string::npos) << e.what();
  }
}

}  // namespace marginlab::margin
