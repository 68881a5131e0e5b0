#include "marginlab/core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace marginlab {
namespace {

TEST(Rng, SameSeedSameStream) {
  Rng a(42), b(42);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.NextU64(), b.NextU64());
}

TEST(Rng, DifferentSeedsDiffer) {
  Rng a(1), b(2);
  int equal = 0;
  for (int i = 0; i < 100; ++i) equal += a.NextU64() == b.NextU64();
  EXPECT_EQ(equal, 0);
}

TEST(Rng, SplitDependsOnKeyNotOnDraws) {
  // Trial 7's stream is the same whether or not the parent (or trial 6) drew first.
  Rng parent(123);
  Rng fresh_child = parent.Split(7);
  for (int i = 0; i < 50; ++i) parent.NextU64();
  Rng other = Rng(123).Split(6);
  for (int i = 0; i < 50; ++i) other.Normal();
  Rng later_child = parent.Split(7);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(fresh_child.NextU64(), later_child.NextU64());
}

TEST(Rng, SplitStreamsAreDistinct) {
  std::set<std::uint64_t> firsts;
  Rng root(9);
  for (std::uint64_t k = 0; k < 1000; ++k) firsts.insert(root.Split(k).NextU64());
  EXPECT_EQ(firsts.size(), 1000u);
  // A purpose stream differs from the trial stream with the same number.
  EXPECT_NE(root.Split(Purpose::kInit).key(), root.Split(3).Split(0).key());
}

TEST(Rng, KnownFirstValues) {
  // Pin the generator: a change here silently changes every seeded result.
  Rng r(0);
  const std::uint64_t a = r.NextU64(), b = r.NextU64();
  Rng s(0);
  EXPECT_EQ(s.NextU64(), a);
  EXPECT_EQ(s.NextU64(), b);
  EXPECT_NE(a, b);
  EXPECT_EQ(Mix64(0), 0ULL);
  EXPECT_EQ(Mix64(1), 0x5692161D100B05E5ULL);  // SplitMix64 finalizer of 1
}

TEST(Rng, UniformMoments) {
  Rng r(5);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  // mean 1/2 (sd 0.289/sqrt(n) = 6.5e-4), E[u²] = 1/3.
  EXPECT_NEAR(sum / n, 0.5, 5 * 6.5e-4);
  EXPECT_NEAR(sum2 / n, 1.0 / 3.0, 5e-3);
}

TEST(Rng, UniformIntIsUnbiased) {
  Rng r(6);
  const int n = 300000;
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < n; ++i) ++counts[r.UniformInt(3)];
  for (int c : counts) EXPECT_NEAR(c / double(n), 1.0 / 3.0, 5 * std::sqrt(2.0 / 9.0 / n));
}

TEST(Rng, NormalMoments) {
  Rng r(7);
  const int n = 200000;
  double s1 = 0, s2 = 0, s4 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = r.Normal();
    s1 += z;
    s2 += z * z;
    s4 += z * z * z * z;
  }
  EXPECT_NEAR(s1 / n, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(s2 / n, 1.0, 5 * std::sqrt(2.0 / n));
  EXPECT_NEAR(s4 / n, 3.0, 5 * std::sqrt(96.0 / n));
}

TEST(Rng, UnitSphereHasUnitNorm) {
  Rng r(8);
  Vector mean = Vector::Zero(5);
  for (int i = 0; i < 20000; ++i) {
    const Vector v = r.UnitSphere(5);
    ASSERT_NEAR(v.norm(), 1.0, 1e-14);
    mean += v;
  }
  EXPECT_LT((mean / 20000).norm(), 0.03);
}

}  // namespace
}  // namespace marginlab
