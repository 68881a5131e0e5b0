#include "marginlab/data/linear.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "marginlab/core/error.hpp"

namespace marginlab {
namespace {

TEST(Linear, SeparableByTheTeacherWithTheRequestedMargin) {
  LinearOptions o;
  o.n = 500;
  o.d = 6;
  o.margin = 0.2;
  const Dataset ds = GenerateLinear(o);
  const Vector u = LinearTeacherDirection(o);
  EXPECT_NEAR(u.norm(), 1.0, 1e-14);
  for (Index i = 0; i < ds.n(); ++i) {
    ASSERT_NEAR(ds.X.row(i).norm(), 1.0, 1e-14);
    const double z = ds.y(i) * ds.X.row(i).dot(u);
    ASSERT_GE(z, 0.2);
  }
  EXPECT_GT((ds.y.array() > 0).count(), 150);
  EXPECT_GT((ds.y.array() < 0).count(), 150);
}

TEST(Linear, RejectsImpossibleMargin) {
  LinearOptions o;
  o.margin = 1.0;
  EXPECT_THROW(GenerateLinear(o), InputError);
  LinearOptions p;
  p.margin = 0.999;
  p.d = 50;
  p.max_draws_per_example = 3;
  EXPECT_THROW(GenerateLinear(p), InputError);
}

}  // namespace
}  // namespace marginlab
