// End-to-end tests of `marginlab kernel fit --predictor falkon` and `marginlab kernel gram --net`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <filesystem>
#include <string>

#include "marginlab/core/types.hpp"
#include "marginlab/data/npy.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab {
namespace {
namespace fs = std::filesystem;
using testing::RunCli;
using testing::ScratchDir;

void ExpectOneLineError(const testing::CommandResult& r, const std::string& fragment) {
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output.rfind("marginlab: error: ", 0), 0u) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_NE(r.output.find(fragment), std::string::npos) << "missing '" << fragment << "' in: " << r.output;
}

// Teacher regression data, d = 10: 300 training and 80 test examples (independent samples).
const std::string kTrain = "teacher:n=300,d=10,task=regression,seed=3,sample=0";
const std::string kTest = "teacher:n=80,d=10,task=regression,seed=3,sample=1";

// Falkon solves the same system (K + λI)β = y as the ridge path's eigendecomposition, to the
// stopping rule ‖y − (K+λI)β‖/‖y‖ ≤ tol; then ‖Δβ‖ ≤ tol‖y‖/λ and the test scores differ by at most
// ‖K_test‖₂ tol‖y‖/λ. With tol = 1e-10 and λ ∈ {0.03, 0.3} we require agreement to 1e-7 relative
// to the largest score (measured: ~1e-10).
TEST(CliKernel, FalkonTestPredictionsMatchRidge) {
  const fs::path dir = ScratchDir();
  const std::string common = "kernel fit --data " + kTrain + " --test-data " + kTest +
                             " --kernel ntk --lambdas 0.03,0.3 --json --save-predictions ";
  const auto ridge = RunCli(common + (dir / "ridge.npy").string() + " --predictor ridge");
  ASSERT_EQ(ridge.exit_code, 0) << ridge.output;
  const auto falkon = RunCli(common + (dir / "falkon.npy").string() +
                             " --predictor falkon --centers 60 --tol 1e-10 --max-iterations 400 --seed 7");
  ASSERT_EQ(falkon.exit_code, 0) << falkon.output;
  const Matrix Pr = NpyToMatrix(ReadNpy(dir / "ridge.npy"), "ridge.npy");
  const Matrix Pf = NpyToMatrix(ReadNpy(dir / "falkon.npy"), "falkon.npy");
  ASSERT_EQ(Pr.rows(), 80);
  ASSERT_EQ(Pr.cols(), 2);
  ASSERT_EQ(Pf.rows(), 80);
  ASSERT_EQ(Pf.cols(), 2);
  for (Index c = 0; c < 2; ++c) {
    const double scale = Pr.col(c).cwiseAbs().maxCoeff();
    ASSERT_GT(scale, 0.1);
    EXPECT_LE((Pf.col(c) - Pr.col(c)).cwiseAbs().maxCoeff(), 1e-7 * scale) << "lambda column " << c;
  }
  // The report: per lambda the true relative residual, iterations and termination, and the rule.
  const auto j = nlohmann::json::parse(falkon.output);
  EXPECT_EQ(j["predictor"], "falkon");
  EXPECT_EQ(j["falkon"]["centers"], 60);
  EXPECT_NE(j["falkon"]["stopping_rule"].get<std::string>().find("<= 1e-10"), std::string::npos) << falkon.output;
  ASSERT_EQ(j["results"].size(), 2u);
  for (const auto& r : j["results"]) {
    EXPECT_EQ(r["termination"], "converged") << falkon.output;
    EXPECT_LE(r["relative_residual"].get<double>(), 1e-9) << falkon.output;
    EXPECT_GE(r["iterations"].get<int>(), 1);
    EXPECT_LE(r["iterations"].get<int>(), 400);
  }
  const auto jr = nlohmann::json::parse(ridge.output);
  for (int t = 0; t < 2; ++t)
    EXPECT_NEAR(j["results"][t]["test_squared_loss"].get<double>(), jr["results"][t]["test_squared_loss"].get<double>(),
                1e-8);
  // Human output names the rule, the residual and the iterations.
  const auto text = RunCli("kernel fit --data " + kTrain + " --kernel ntk --predictor falkon --centers 30 --lambda 0.3");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("stopping rule"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("relative_residual="), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("iterations="), std::string::npos) << text.output;
}

TEST(CliKernel, FalkonBadInputNamesTheFlag) {
  const std::string fit = "kernel fit --data " + kTrain + " --kernel ntk ";
  ExpectOneLineError(RunCli(fit + "--predictor falkon --centers 301"), "--centers");
  ExpectOneLineError(RunCli(fit + "--predictor falkon --centers 0"), "--centers");
  ExpectOneLineError(RunCli(fit + "--predictor falkon --centers ten"), "--centers");
  ExpectOneLineError(RunCli(fit + "--predictor falkon --lambda 0"), "--lambda");
  ExpectOneLineError(RunCli(fit + "--predictor falkon --lambdas 0.1,0"), "--lambdas");
  ExpectOneLineError(RunCli(fit + "--predictor falkon --tol 2"), "--tol");
  ExpectOneLineError(RunCli(fit + "--predictor falkon --max-iterations 0"), "--max-iterations");
  ExpectOneLineError(RunCli(fit + "--predictor ridge --centers 10"), "--centers");
  ExpectOneLineError(RunCli(fit + "--predictor falkon --save-predictions p.npy"), "--save-predictions");
}

}  // namespace
}  // namespace marginlab
