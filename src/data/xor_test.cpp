#include "marginlab/data/xor.hpp"

#include <gtest/gtest.h>

#include "data/spec_error_test_util.hpp"

#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/data/source.hpp"

namespace marginlab {
namespace {
using testing::SpecError;

TEST(Xor, LabelIsProductOfFirstTwoCoordinates) {
  XorOptions o;
  o.n = 5000;
  o.d = 7;
  o.seed = 2;
  const Dataset ds = GenerateXor(o);
  for (Index i = 0; i < ds.n(); ++i) {
    ASSERT_EQ(ds.y(i), ds.X(i, 0) * ds.X(i, 1));
    for (Index k = 0; k < ds.d(); ++k) ASSERT_EQ(std::abs(ds.X(i, k)), 1.0);
  }
  EXPECT_NEAR(ds.y.mean(), 0.0, 5 / std::sqrt(5000.0));
}

TEST(Xor, NormalizeGivesUnitNorm) {
  XorOptions o;
  o.normalize = true;
  o.d = 9;
  const Dataset ds = GenerateXor(o);
  for (Index i = 0; i < ds.n(); ++i) {
    ASSERT_NEAR(ds.X.row(i).norm(), 1.0, 1e-15);
    ASSERT_EQ(ds.y(i), ds.X(i, 0) * ds.X(i, 1) > 0 ? 1.0 : -1.0);
  }
}

TEST(Xor, RejectsBadDimension) {
  XorOptions o;
  o.d = 1;
  EXPECT_THROW(GenerateXor(o), InputError);
}




TEST(Xor, SizesBeyondTheBudgetFailInValidate) {
  // n·d = 2^80 overflowed 64 bits.
  EXPECT_HAS(SpecError("xor:n=1099511627776,d=1099511627776"),
             "n=1099511627776 and d=1099511627776 (the 1099511627776 x 1099511627776 data matrix and its labels, "
             "as doubles) would need more than 16 EiB (the size overflows)");
  EXPECT_HAS(SpecError("xor:n=100000000,d=100"), "would need 75.3 GiB");
}

}  // namespace
}  // namespace marginlab
