#include "marginlab/margin/ji_split.hpp"

#include <gtest/gtest.h>

#include "marginlab/core/features.hpp"

namespace marginlab::margin {
namespace {

// x₁ ∈ {±1} with one label each in the direction e₂ (the strongly convex part:
// (e₂,+1), (−e₂,+1) cannot both be classified positively), plus points that
// e₁ separates: S_sep = {0, 1}, S_sc = {2, 3}, H = span{e₂}, v̄ = 0.
TEST(JiSplitTest, SeparatesTheTwoParts) {
  if (!HaveFeature("clp")) GTEST_SKIP();
  auto be = MakeLpBackend();
  Matrix X(5, 2);
  X << 1, 0.5, 2, -1, 0, 1, 0, -1, 0, 1;
  Vector y(5);
  y << 1, 1, 1, 1, 1;
  const JiSplit s = SplitSeparable(X, y, *be);
  EXPECT_EQ(s.sep, (std::vector<Index>{0, 1}));
  EXPECT_EQ(s.sc, (std::vector<Index>{2, 3, 4}));
  ASSERT_EQ(s.H.cols(), 1);
  EXPECT_NEAR(std::abs(s.H(1, 0)), 1, 1e-12);
  // R_sc(c e₂) = (2 log(1+e^{−c}) + log(1+e^{c}))/5, minimized at e^{c} = 2 → c = log 2.
  EXPECT_NEAR(s.vbar[1], std::log(2.0), 1e-9);
  EXPECT_NEAR(s.vbar[0], 0, 1e-12);
  // S_sep on H^⊥: points (1, 0) and (2, 0) → margin 1 along e₁.
  EXPECT_NEAR(s.sep_margin, 1, 1e-12);
  EXPECT_NEAR(s.sep_direction[0], 1, 1e-12);
}

TEST(JiSplitTest, SeparableSetHasEmptyScPart) {
  if (!HaveFeature("clp")) GTEST_SKIP();
  auto be = MakeLpBackend();
  Matrix X(3, 2);
  X << 1, 1, 2, -1, -1, 0.2;
  Vector y(3);
  y << 1, 1, -1;
  const JiSplit s = SplitSeparable(X, y, *be);
  EXPECT_EQ(s.sep.size(), 3u);
  EXPECT_TRUE(s.sc.empty());
  EXPECT_GT(s.sep_margin, 0);
}

}  // namespace
}  // namespace marginlab::margin
