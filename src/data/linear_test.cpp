#include "marginlab/data/linear.hpp"

#include <gtest/gtest.h>

#include "data/spec_error_test_util.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/data/source.hpp"
#include "sampling.hpp"

namespace marginlab {
namespace {
using testing::SpecError;

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




TEST(Linear, ImpossibleAcceptanceRatesFailInValidate) {
  // d = 1649: P(|u*.x| >= 0.1) = 4.8e-5, below 1/max_draws_per_example = 1e-4.
  // It used to take 31 s (10^6 draws) to give up; now Validate() refuses it before any draw.
  const std::string msg = SpecError("linear:d=1649");
  EXPECT_HAS(msg, "--data 'linear:d=1649': margin=0.1 with d=1649 keeps a fraction 4.");
  EXPECT_HAS(msg, "more than max_draws_per_example=10000 draws per example on average");
  EXPECT_NO_THROW(LoadData("linear:d=400,n=20"));  // 4.6e-2: fine
  EXPECT_HAS(SpecError("linear:n=100,max_draws_per_example=100000000000000000"),
             "max_draws_per_example must be in [1, 1000000000], got 100000000000000000");
  EXPECT_HAS(SpecError("linear:n=100000000000,d=10"), "n=100000000000 and d=10");
}

TEST(Linear, SphereCapProbabilityIsExact) {
  using data_internal::SphereCapProbability;
  // d = 2: u.x = cos(theta), theta uniform: P(|z| >= m) = 1 - (2/pi) asin(m).
  // d = 3: u.x is uniform on [-1, 1] (Archimedes): P = 1 - m.
  for (double m : {0.0, 0.01, 0.3, 0.5, 0.9, 0.999}) {
    EXPECT_NEAR(SphereCapProbability(2, m), 1 - 2 / std::numbers::pi * std::asin(m), 1e-10) << m;
    EXPECT_NEAR(SphereCapProbability(3, m), 1 - m, 1e-10) << m;
  }
  EXPECT_EQ(SphereCapProbability(10, 1.0), 0.0);
  // Large d: sqrt(d)·z is nearly standard normal; P(|N| >= 4.06) = 4.9e-5.
  const double p = SphereCapProbability(1649, 0.1);
  EXPECT_GT(p, 3e-5);
  EXPECT_LT(p, 6e-5);
  // d = 5: density (3/4)(1 - z^2): P(|z| >= m) = 1 - (3m - m^3)/2.
  EXPECT_NEAR(SphereCapProbability(5, 0.4), 1 - (1.2 - 0.064) / 2, 1e-10);
  EXPECT_GT(SphereCapProbability(1000000000, 1e-5), 0.0);
}

}  // namespace
}  // namespace marginlab
