#include "marginlab/margin/ntk_margin.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "marginlab/margin/bounds.hpp"

namespace marginlab::margin {
namespace {

// One example x with label +1: g_s = x 1[z·x > 0], E‖g‖ = ‖x‖/2.
TEST(NtkMarginTest, SingleExampleIsHalfTheNorm) {
  Matrix X(1, 3);
  X << 0.6, 0, 0.8;
  Vector y(1);
  y << 1;
  NtkMarginOptions o;
  o.samples = 20000;
  o.iterations = 5;
  const NtkMarginResult r = NtkMargin(X, y, o);
  EXPECT_NEAR(r.value, 0.5, 4 * r.standard_error + 1e-12);
  EXPECT_NEAR(r.lower, r.upper, 1e-12);
}

// 2-XOR in d = 3 with a constant coordinate (not linearly separable): the
// NTK margin is positive, and the primal/dual bracket closes.
TEST(NtkMarginTest, BracketHoldsOnXor) {
  Matrix X(4, 3);
  X << 1, 1, 1, 1, -1, 1, -1, 1, 1, -1, -1, 1;
  X /= std::sqrt(3.0);
  Vector y(4);
  y << 1, -1, -1, 1;
  NtkMarginOptions o;
  o.samples = 4000;
  o.iterations = 3000;
  const NtkMarginResult r = NtkMargin(X, y, o);
  EXPECT_GT(r.lower, 0);
  EXPECT_LE(r.lower, r.upper + 1e-12);
  EXPECT_LE(r.upper - r.lower, 0.1 * r.upper);
  EXPECT_NEAR(r.q.sum(), 1, 1e-12);
}

TEST(BoundsTest, PropD1Terms) {
  const GeneralizationBound b = MarginBound(0.25, 1.0, 100, 2, 0.05);
  EXPECT_NEAR(b.main_term, 1.0 / (0.25 * std::sqrt(2.0) * 10), 1e-15);
  EXPECT_NEAR(b.epsilon, std::sqrt(std::log(std::log2(16.0)) / 100) + std::sqrt(std::log(20.0) / 100),
              1e-15);
  EXPECT_THROW(MarginBound(-0.1, 1, 10), InputError);
}

}  // namespace
}  // namespace marginlab::margin
