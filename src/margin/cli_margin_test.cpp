// End-to-end tests of `marginlab margin …` and `marginlab certify`.
#include <gtest/gtest.h>

#include <fstream>

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

// Every JSON object whose "certified" is false: no key names a bound.
void ExpectNoBoundWhenUncertified(const nlohmann::json& j, const std::string& where) {
  if (j.is_object()) {
    const bool uncertified = j.contains("certified") && j["certified"].is_boolean() && !j["certified"].get<bool>();
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (uncertified) {
        EXPECT_EQ(it.key().find("bound"), std::string::npos) << where << ": key " << it.key();
      }
      ExpectNoBoundWhenUncertified(it.value(), where + "." + it.key());
    }
  } else if (j.is_array()) {
    for (const auto& v : j) ExpectNoBoundWhenUncertified(v, where);
  }
}

TEST(MarginCliTest, AnEstimateIsNeverLabelledABound) {
  if (!HaveFeature("clp")) GTEST_SKIP() << "built without Clp";
  const auto dir = ScratchDir();
  const std::string net = (dir / "opt.npz").string();
  const auto l1 = RunCli("margin l1svm --data wei-d:d=8,n=60,seed=2 --oracle ascent --save " + net + " --json");
  ASSERT_EQ(l1.exit_code, 0) << l1.output;
  const auto j1 = LastJson(l1.output);
  EXPECT_FALSE(j1["certified"].get<bool>());
  EXPECT_TRUE(j1.contains("upper") && j1.contains("lower"));  // the same keys certified or not
  ExpectNoBoundWhenUncertified(j1, "l1svm");
  // The saved network is readable by certify, whose heuristic values are estimates too.
  const auto c = RunCli("certify --params " + net + " --data wei-d:d=8,n=60,seed=2 --lambda 1e-3 --oracle ascent "
                        "--global --test-data wei-d:d=8,n=200,seed=2,sample=1 --json");
  ASSERT_EQ(c.exit_code, 0) << c.output;
  const auto jc = LastJson(c.output);
  EXPECT_FALSE(jc["certified"].get<bool>());
  EXPECT_FALSE(jc["global"]["certified"].get<bool>());
  EXPECT_TRUE(jc.contains("lower") && jc.contains("gap"));
  EXPECT_TRUE(jc["global"].contains("lower"));
  EXPECT_TRUE(jc["oracle_upper"].is_null());  // the oracle's upper end exists only when certified
  EXPECT_TRUE(jc["global"]["network"].contains("test_error"));
  EXPECT_LE(jc["lower"].get<double>(), jc["objective"].get<double>());
  ExpectNoBoundWhenUncertified(jc, "certify");
  // The text output says "estimate" and never "≥" / "bound" except to deny it.
  const auto text = RunCli("certify --params " + net + " --data wei-d:d=8,n=60,seed=2 --lambda 1e-3 --oracle ascent");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("an estimate, not a bound"), std::string::npos) << text.output;
  EXPECT_EQ(text.output.find("≥"), std::string::npos) << text.output;
  // Certified runs name their bounds.
  const auto exact = RunCli("certify --global --data line1d:n=8 --lambda 0.01 --json");
  ASSERT_EQ(exact.exit_code, 0) << exact.output;
  const auto je = LastJson(exact.output);
  EXPECT_TRUE(je["certified"].get<bool>());
  EXPECT_TRUE(je["global"]["certified"].get<bool>());
  EXPECT_TRUE(je["global"].contains("lower"));
  // The keys of a certified and an uncertified global optimum are the same.
  std::vector<std::string> keys_certified, keys_estimated;
  auto result_keys = [](const nlohmann::json& g, std::vector<std::string>& keys) {
    for (auto it = g.begin(); it != g.end(); ++it)
      if (it.key() != "objective_minus_global") keys.push_back(it.key());  // only with --params
  };
  result_keys(je["global"], keys_certified);
  result_keys(jc["global"], keys_estimated);
  EXPECT_EQ(keys_certified, keys_estimated);
}

TEST(MarginCliTest, BadInputExitsTwoNamingIt) {
  if (!HaveFeature("clp")) GTEST_SKIP() << "built without Clp";
  const auto dir = ScratchDir();
  const std::string net = (dir / "line.npz").string();
  ASSERT_EQ(RunCli("certify --global --data line1d:n=8 --lambda 0.01 --save " + net).exit_code, 0);
  // A saved net of another input dimension.
  const auto shape = RunCli("certify --params " + net + " --data wei-d:d=5,n=20 --lambda 0.01");
  EXPECT_EQ(shape.exit_code, 2) << shape.output;
  EXPECT_NE(shape.output.find("line.npz"), std::string::npos) << shape.output;
  const auto shape2 = RunCli("margin l1svm --params " + net + " --data wei-d:d=5,n=20");
  EXPECT_EQ(shape2.exit_code, 2) << shape2.output;
  EXPECT_NE(shape2.output.find("line.npz"), std::string::npos) << shape2.output;
  // λ ≤ 0 or NaN.
  for (const char* lam : {"0", "-1", "nan"}) {
    const auto r = RunCli(std::string("certify --global --data line1d:n=8 --lambda ") + lam);
    EXPECT_EQ(r.exit_code, 2) << lam << ": " << r.output;
    EXPECT_NE(r.output.find("lambda"), std::string::npos) << r.output;
  }
  // Neither --params nor --global.
  const auto none = RunCli("certify --data line1d:n=8 --lambda 0.01");
  EXPECT_EQ(none.exit_code, 2) << none.output;
  EXPECT_NE(none.output.find("--global"), std::string::npos) << none.output;
  // Not separable by ReLU features: x and 2x with opposite labels.
  const std::string csv = (dir / "ray.csv").string();
  {
    std::ofstream f(csv);
    f << "x1,x2,y\n1,1,1\n2,2,-1\n-1,0,1\n";
  }
  const auto ray = RunCli("margin l1svm --data " + csv);
  EXPECT_EQ(ray.exit_code, 2) << ray.output;
  EXPECT_NE(ray.output.find("one ray"), std::string::npos) << ray.output;
}

TEST(MarginCliTest, Fig3SyntheticNetEstimateStaysBelowItsObjective) {
  // Regression (issue 19): on fig3-synthetic's data (trial 0), a width-128 GD net certified with
  // the heuristic oracle got a "lower bound" 0.0052748 above its own objective 0.0047554. The
  // oracle is now seeded with the net's neurons: the value is an estimate and stays below.
  const auto dir = ScratchDir();
  const std::string net = (dir / "fig3.npz").string();
  const std::string data = "teacher:d=20,k=10,n=200,margin=0.01,teacher_seed=0,seed=0";
  const auto train = RunCli("train --data " + data + " --width 128 --lambda 1e-5 --lr 0.1 --init-std 0.1 "
                            "--steps 10000 --log-points 2 --save " + net);
  ASSERT_EQ(train.exit_code, 0) << train.output;
  const auto c = RunCli("certify --params " + net + " --data " + data + " --lambda 1e-5 --oracle ascent --json");
  ASSERT_EQ(c.exit_code, 0) << c.output;
  const auto j = LastJson(c.output);
  EXPECT_FALSE(j["certified"].get<bool>());
  EXPECT_LE(j["lower"].get<double>(), j["objective"].get<double>());
  EXPECT_GE(j["gap"].get<double>(), 0.0);
}

}  // namespace
}  // namespace marginlab::margin
