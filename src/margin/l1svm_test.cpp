#include "marginlab/margin/l1svm.hpp"

#include <gtest/gtest.h>

#include "margin_test_util.hpp"

#include "marginlab/core/features.hpp"
#include "marginlab/core/rng.hpp"

namespace marginlab::margin {
namespace {

using testing::LineData;

TEST(L1SvmTest, ColumnGenerationBracketsAndBeatsDictionaries) {
  if (!HaveFeature("clp")) GTEST_SKIP();
  auto be = MakeLpBackend();
  Matrix X;
  Vector y;
  LineData(8, &X, &y);
  const L1SvmResult dict = L1SvmDictionary(X, y, CircleDictionary(1000), *be);
  const L1SvmResult fine = L1SvmDictionary(X, y, CircleDictionary(20000), *be);
  const L1SvmResult cg = L1SvmColumnGeneration(X, y, *be);
  ASSERT_EQ(cg.termination, Termination::kConverged) << cg.BriefReport();
  EXPECT_TRUE(cg.certified);
  EXPECT_EQ(cg.oracle_mode, "exact");
  EXPECT_GT(dict.gamma_lo, 0);
  EXPECT_LE(cg.gamma_hi - cg.gamma_lo, 1e-9 * std::sqrt(2.0));
  // Every dictionary is a restriction: never above the certified upper bound,
  // and finer dictionaries approach it.
  EXPECT_LE(dict.gamma_lo, cg.gamma_hi + 1e-12);
  EXPECT_LE(fine.gamma_lo, cg.gamma_hi + 1e-12);
  EXPECT_GE(fine.gamma_lo, dict.gamma_lo - 1e-12);
  // Column generation equals the LP over a fine dictionary (both within 1e-9).
  EXPECT_NEAR(fine.gamma_lo, cg.gamma_lo, 2e-9);
  // The dual certificate: M(q∘y) at the final q is γ.
  const OracleResult o = BestNeuronExact(X, cg.q.cwiseProduct(y));
  EXPECT_NEAR(o.value, cg.gamma_lo, 1e-8);
}

TEST(L1SvmTest, ExtractedNetworkHasHalfTheMargin) {
  if (!HaveFeature("clp")) GTEST_SKIP();
  auto be = MakeLpBackend();
  Rng rng(4);
  for (int trial = 0; trial < 3; ++trial) {
    const Index n = 10 + 5 * trial, d = trial == 2 ? 3 : 2;
    Matrix X(n, d);
    Vector y(n);
    for (Index i = 0; i < n; ++i) {
      for (Index k = 0; k < d; ++k) X(i, k) = rng.Normal();
      y[i] = rng.Rademacher();
    }
    const L1SvmResult cg = L1SvmColumnGeneration(X, y, *be);
    ASSERT_EQ(cg.termination, Termination::kConverged) << trial << " " << cg.BriefReport();
    EXPECT_TRUE(cg.certified);
    EXPECT_LE(cg.gamma_hi - cg.gamma_lo, 1e-8);
    const TwoLayerNet net = ExtractNetwork(cg);
    EXPECT_LE(net.width(), n + 1);
    EXPECT_NEAR(net.SquaredNorm(), 2.0, 1e-9);
    // Wei et al. Prop. B.10: the width ≤ n + 1 network attains γ_ℓ1 / 2.
    EXPECT_NEAR(net.NormalizedMargin(X, y), cg.gamma_lo / 2, 1e-8) << trial;
    // A large random dictionary never beats the certified bound.
    Matrix D(4000, d);
    for (Index k = 0; k < D.rows(); ++k) D.row(k) = rng.UnitSphere(d).transpose();
    EXPECT_LE(L1SvmDictionary(X, y, D, *be).gamma_lo, cg.gamma_hi + 1e-12);
  }
}

TEST(L1SvmTest, HeuristicPricingIsUncertified) {
  if (!HaveFeature("clp")) GTEST_SKIP();
  auto be = MakeLpBackend();
  Matrix X;
  Vector y;
  LineData(6, &X, &y);
  L1SvmOptions o;
  o.oracle.method = "ascent";
  const L1SvmResult r = L1SvmColumnGeneration(X, y, *be, o);
  EXPECT_FALSE(r.certified);
  EXPECT_EQ(r.oracle_mode, "heuristic");
}

}  // namespace
}  // namespace marginlab::margin

namespace marginlab::margin {
namespace {

// `margin l1svm --dictionary K`: the circle on d = 2, seeded random directions otherwise, and a
// bound from the LP's dual point that brackets the exact γ_ℓ1 of column generation.
TEST(L1SvmTest, DefaultDictionaryAndItsBoundBracketTheExactMargin) {
  if (!HaveFeature("clp")) GTEST_SKIP();
  std::string which;
  EXPECT_EQ(DefaultDictionary(12, 2, 0, &which), CircleDictionary(12));
  EXPECT_EQ(which, "12 evenly spaced directions on the circle");
  const Matrix R = DefaultDictionary(50, 5, 7, &which);
  EXPECT_EQ(which, "50 random directions on the sphere");
  EXPECT_EQ(R, DefaultDictionary(50, 5, 7));  // same seed, same directions
  EXPECT_NE(R, DefaultDictionary(50, 5, 8));
  EXPECT_LE((R.rowwise().norm().array() - 1).abs().maxCoeff(), 1e-12);
  auto be = MakeLpBackend();
  Matrix X;
  Vector y;
  testing::LineData(8, &X, &y);
  L1SvmResult r = L1SvmDictionary(X, y, DefaultDictionary(40, 2, 0), *be);
  EXPECT_TRUE(std::isinf(r.gamma_hi));
  BoundDictionarySolution(X, y, OracleOptions{}, r);
  const L1SvmResult cg = L1SvmColumnGeneration(X, y, *be);
  EXPECT_TRUE(r.certified);
  EXPECT_EQ(r.oracle_mode, "exact");
  EXPECT_LE(r.gamma_lo, cg.gamma_lo + 1e-12);
  EXPECT_GE(r.gamma_hi, cg.gamma_hi - 1e-9);  // a certified upper bound on γ_ℓ1
  EXPECT_LT(r.gamma_lo, r.gamma_hi);          // 40 directions do not attain it
}

}  // namespace
}  // namespace marginlab::margin
