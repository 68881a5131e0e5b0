// End-to-end tests of `marginlab margin …` and `marginlab certify`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "marginlab/core/features.hpp"
#include "marginlab/data/npz.hpp"
#include "marginlab/margin/certify.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab::margin {
namespace {

using marginlab::testing::RunCli;
using marginlab::testing::ScratchDir;

// The last line of the output that starts with '{'.
nlohmann::json LastJson(const std::string& out) {
  size_t start = out.rfind("\n{");
  start = start == std::string::npos ? out.find('{') : start + 1;
  return nlohmann::json::parse(out.substr(start));
}

TEST(MarginCliTest, L1SvmReportsACertifiedBracket) {
  if (!HaveFeature("clp")) GTEST_SKIP() << "built without Clp";
  const auto r = RunCli("margin l1svm --data line1d:n=8 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = LastJson(r.output);
  EXPECT_TRUE(j["certified"].get<bool>());
  EXPECT_EQ(j["oracle"], "exact");
  const double lo = j["bracket"][0], hi = j["bracket"][1];
  EXPECT_LE(hi - lo, 1e-8);
  EXPECT_NEAR(j["network_margin"].get<double>(), lo / 2, 1e-8);
  const auto d = RunCli("margin l1svm --data line1d:n=8 --dictionary 1000 --json");
  ASSERT_EQ(d.exit_code, 0) << d.output;
  EXPECT_LE(LastJson(d.output)["value"].get<double>(), hi + 1e-12);
}

TEST(MarginCliTest, LinearAndNtkAndBound) {
  if (!HaveFeature("clp")) GTEST_SKIP() << "built without Clp";
  auto r = RunCli("margin linear --data xor:d=3,n=8,seed=1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(LastJson(r.output).contains("separable"));
  r = RunCli("margin ntk-margin --data xor:d=3,n=16,normalize=true --samples 500 --iterations 200 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = LastJson(r.output);
  EXPECT_GT(j["value"].get<double>(), 0);
  EXPECT_FALSE(j["certified"].get<bool>());
  r = RunCli("margin bound --data line1d:n=8 --margin 0.01 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_GT(LastJson(r.output)["value"].get<double>(), 0);
  r = RunCli("margin bound --data line1d:n=8 --margin -0.01");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(MarginCliTest, CertifyTheGlobalOptimum) {
  // The optimal network of line1d:n=8 at λ = 0.01, saved as train --save would.
  Matrix X(8, 2);
  Vector y(8);
  for (Index i = 0; i < 8; ++i) {
    X(i, 0) = -1 + 2.0 * static_cast<double>(i) / 7;
    X(i, 1) = 1;
    y[i] = (i / 2) % 2 == 0 ? 1 : -1;
  }
  CertifyOptions o;
  o.lambda = 0.01;
  const GlobalOptimumResult g = GlobalOptimum(X, y, o);
  const auto dir = ScratchDir();
  NpzWriter w;
  w.Add("final/W1", g.network.U);
  w.Add("final/W2", Matrix(g.network.w.transpose()));
  w.Write(dir / "opt.npz");
  const auto r = RunCli("certify --params " + (dir / "opt.npz").string() +
                        " --data line1d:n=8 --lambda 0.01 --loss logistic --global --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = LastJson(r.output);
  EXPECT_TRUE(j["certified"].get<bool>());
  EXPECT_LE(j["gap"].get<double>(), 1e-6);
  EXPECT_LE(j["global"]["bracket"][0].get<double>(), j["objective"].get<double>() + 1e-12);
  const auto bad = RunCli("certify --params " + (dir / "missing.npz").string() +
                          " --data line1d:n=8 --lambda 0.01");
  EXPECT_NE(bad.exit_code, 0);
}

}  // namespace
}  // namespace marginlab::margin
