#include "marginlab/data/line1d.hpp"

#include <gtest/gtest.h>

#include "data/spec_error_test_util.hpp"

#include <cmath>
#include <limits>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/data/source.hpp"

namespace marginlab {
namespace {
using testing::SpecError;

TEST(Line1d, EvenlySpacedPointsWithBiasAndAlternatingBlocks) {
  Line1dOptions o;  // n = 8 on [-1, 1], blocks of 2
  const Dataset ds = GenerateLine1d(o);
  ASSERT_EQ(ds.n(), 8);
  ASSERT_EQ(ds.d(), 2);
  const double expected_y[8] = {1, 1, -1, -1, 1, 1, -1, -1};
  for (Index i = 0; i < 8; ++i) {
    EXPECT_NEAR(ds.X(i, 0), -1.0 + 2.0 * i / 7.0, 1e-15);
    EXPECT_EQ(ds.X(i, 1), 1.0);
    EXPECT_EQ(ds.y(i), expected_y[i]);
  }
}

TEST(Line1d, BumpAndNoBias) {
  Line1dOptions o;
  o.pattern = "bump";
  o.bias = 0;
  o.n = 9;
  const Dataset ds = GenerateLine1d(o);
  ASSERT_EQ(ds.d(), 1);
  for (Index i = 0; i < ds.n(); ++i) EXPECT_EQ(ds.y(i), std::abs(ds.X(i, 0)) < 0.5 ? 1.0 : -1.0);
}

TEST(Line1d, RejectsBadParameters) {
  Line1dOptions o;
  o.n = 1;
  EXPECT_THROW(GenerateLine1d(o), InputError);
  Line1dOptions p;
  p.low = 1;
  p.high = 0;
  EXPECT_THROW(GenerateLine1d(p), InputError);
}




TEST(Line1d, SizesBeyondTheBudgetAndNonFiniteEndsFailInValidate) {
  EXPECT_HAS(SpecError("line1d:n=1000000000"), "n=1000000000 and d=2");
  EXPECT_HAS(SpecError("line1d:n=1000000000,bias=0"), "n=1000000000 and d=1");
  EXPECT_HAS(SpecError("line1d:low=-1e308,high=1e308"), "low and high must be finite numbers");
  Line1dOptions o;  // the spec parser refuses inf and nan; the struct must too
  o.high = std::numeric_limits<double>::infinity();
  EXPECT_HAS(o.Validate(), "low and high must be finite numbers");
  o.high = 1;
  o.bias = std::nan("");
  EXPECT_HAS(o.Validate(), "bias must be a finite number");
}

}  // namespace
}  // namespace marginlab
