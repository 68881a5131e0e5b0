#include "marginlab/data/wei_d.hpp"

#include <gtest/gtest.h>

#include "data/spec_error_test_util.hpp"

#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/data/source.hpp"

namespace marginlab {
namespace {
using testing::SpecError;

TEST(WeiD, CoordinatesCasesAndNoiseBits) {
  WeiDOptions o;
  o.n = 40000;
  o.d = 12;
  o.seed = 3;
  const Dataset ds = GenerateWeiD(o);
  ASSERT_EQ(ds.n(), 40000);
  ASSERT_EQ(ds.d(), 12);
  EXPECT_EQ(ds.kind, LabelKind::kBinary);
  double cases[4] = {0, 0, 0, 0};
  for (Index i = 0; i < ds.n(); ++i) {
    for (Index k = 0; k < ds.d(); ++k) {
      const double v = ds.X(i, k);
      ASSERT_TRUE(v == -1.0 || v == 0.0 || v == 1.0) << "x[" << i << "," << k << "] = " << v;
      if (k >= 2) {
        ASSERT_NE(v, 0.0);  // noise bits are ±1
      }
    }
    const double y = ds.y(i), x1 = ds.X(i, 0), x2 = ds.X(i, 1);
    if (y == 1.0) {
      ASSERT_EQ(x2, 0.0);
      ASSERT_NE(x1, 0.0);
      ++cases[x1 > 0 ? 0 : 1];
    } else {
      ASSERT_EQ(y, -1.0);
      ASSERT_EQ(x1, 0.0);
      ASSERT_NE(x2, 0.0);
      ++cases[x2 > 0 ? 2 : 3];
    }
  }
  // Each case has probability 1/4: sd of the frequency is sqrt(3/16/n) ≈ 0.0022; allow 5 sd.
  const double tol = 5 * std::sqrt(3.0 / 16.0 / o.n);
  for (double c : cases) EXPECT_NEAR(c / o.n, 0.25, tol);
  // Noise bits: each coordinate k ≥ 3 has mean 0 (sd 1/sqrt(n)) — balanced.
  for (Index k = 2; k < ds.d(); ++k) EXPECT_NEAR(ds.X.col(k).mean(), 0.0, 5 / std::sqrt(double(o.n)));
  // …and pairs of noise bits are uncorrelated.
  EXPECT_NEAR(ds.X.col(2).dot(ds.X.col(3)) / o.n, 0.0, 5 / std::sqrt(double(o.n)));
}

TEST(WeiD, SameSeedSameDataDifferentSeedDifferentData) {
  WeiDOptions o;
  o.seed = 11;
  const Dataset a = GenerateWeiD(o), b = GenerateWeiD(o);
  EXPECT_EQ(a.X, b.X);
  EXPECT_EQ(a.y, b.y);
  o.seed = 12;
  EXPECT_NE(GenerateWeiD(o).X, a.X);
}

TEST(WeiD, RegressionVariantHasRealLabels) {
  WeiDOptions o;
  o.task = "regression";
  const Dataset ds = GenerateWeiD(o);
  EXPECT_EQ(ds.kind, LabelKind::kReal);
  WeiDOptions c;
  EXPECT_EQ(ds.X, GenerateWeiD(c).X);  // same inputs as the classification draw
  EXPECT_EQ(ds.y, GenerateWeiD(c).y);
}

TEST(WeiD, RejectsImpossibleParameters) {
  WeiDOptions o;
  o.d = 2;
  EXPECT_THROW(GenerateWeiD(o), InputError);
  o.d = 5;
  o.n = 0;
  EXPECT_THROW(GenerateWeiD(o), InputError);
  o.n = 5;
  o.task = "ranking";
  EXPECT_THROW(GenerateWeiD(o), InputError);
}




TEST(WeiD, SizesBeyondTheBudgetFailInValidate) {
  // Each used to reach Matrix::Zero and end in std::bad_alloc or the OOM killer.
  EXPECT_HAS(SpecError("wei-d:n=10000000000000"),
             "--data 'wei-d:n=10000000000000': n=10000000000000 and d=20 (the 10000000000000 x 20 data matrix and "
             "its labels, as doubles) would need 1.49 PiB, more than the memory budget of 8.00 GiB");
  EXPECT_HAS(SpecError("wei-d:n=200000000,d=20"), "n=200000000 and d=20 (the 200000000 x 20 data matrix and its "
                                                  "labels, as doubles) would need 31.3 GiB");
  EXPECT_HAS(SpecError("wei-d:n=3,d=9223372036854775807"), "more than 16 EiB (the size overflows)");
  WeiDOptions o;
  o.n = 200000000;
  SetMemoryBudget(std::uint64_t{1} << 30);
  EXPECT_NE(o.Validate().find("would need"), std::string::npos) << o.Validate();
  o.n = 1000;
  EXPECT_EQ(o.Validate(), "");
  SetMemoryBudget(0);
}

}  // namespace
}  // namespace marginlab
