// End-to-end tests of `marginlab kernel fit --predictor falkon` and `marginlab kernel gram --net`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <filesystem>
#include <string>

#include "marginlab/core/types.hpp"
#include "marginlab/data/npy.hpp"
#include "marginlab/data/npz.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/nn/mlp.hpp"
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
  ASSERT_EQ(j["fits"].size(), 2u);
  for (const auto& r : j["fits"]) {  // per output (one here)
    EXPECT_EQ(r["falkon_termination"][0], "converged") << falkon.output;
    EXPECT_LE(r["relative_residual"][0].get<double>(), 1e-9) << falkon.output;
    EXPECT_GE(r["iterations"][0].get<int>(), 1);
    EXPECT_LE(r["iterations"][0].get<int>(), 400);
  }
  const auto jr = nlohmann::json::parse(ridge.output);
  for (int t = 0; t < 2; ++t)
    EXPECT_NEAR(j["fits"][t]["test_squared_loss"].get<double>(), jr["fits"][t]["test_squared_loss"].get<double>(),
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

// The Gram matrix of the nn module's per-example parameter gradients ∂f/∂W_k (trainable layers).
Matrix GradientGram(const nn::MlpShape& shape, const nn::Weights<double>& W, const Matrix& X1, const Matrix& X2) {
  auto grads = [&](const Matrix& X) {
    std::vector<Vector> g;
    for (Index i = 0; i < X.rows(); ++i) {
      const nn::Weights<double> dW = nn::MlpBackwardReference(shape, W, X.row(i), Matrix::Ones(1, 1));
      std::vector<double> flat;
      for (int k = 0; k < shape.TrainableLayers(); ++k) flat.insert(flat.end(), dW[k].data(), dW[k].data() + dW[k].size());
      g.push_back(Eigen::Map<Vector>(flat.data(), static_cast<Index>(flat.size())));
    }
    return g;
  };
  const auto g1 = grads(X1), g2 = grads(X2);
  Matrix T(X1.rows(), X2.rows());
  for (Index i = 0; i < X1.rows(); ++i)
    for (Index j = 0; j < X2.rows(); ++j) T(i, j) = g1[i].dot(g2[j]);
  return T;
}

// Trial t's W1… under <key>/ of a train --save archive (2-D, or 3-D with several trials).
nn::Weights<double> SavedWeights(const fs::path& path, const std::string& key, int depth, std::size_t trial) {
  const auto members = ReadNpz(path);
  nn::Weights<double> W;
  for (int k = 1; k <= depth; ++k) {
    const NpyArray& a = members.at(key + "/W" + std::to_string(k));
    const std::size_t rows = a.shape[a.shape.size() - 2], cols = a.shape.back();
    Matrix M(rows, cols);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) M(r, c) = a.data[(trial * rows + r) * cols + c];
    W.push_back(M);
  }
  return W;
}

// `kernel gram --net` on networks trained and saved by `marginlab train --save`: Θ̂ equals the
// Gram matrix of the nn module's own gradients to 1e-10 relative, for depth 2 and 3, each
// scaling, with and without a frozen output layer, init and final parameters, and a second trial.
TEST(CliKernel, GramOfSavedNetworkIsItsGradientGram) {
  const fs::path dir = ScratchDir();
  const std::string data = "wei-d:d=6,n=15,seed=1", data2 = "wei-d:d=6,n=4,seed=2";
  const Matrix X = LoadData(data, "--data").X, X2 = LoadData(data2, "--data2").X;
  int cases = 0;
  for (int depth : {2, 3})
    for (const char* scaling : {"standard", "ntk", "mean-field"})
      for (bool frozen : {false, true}) {
        const fs::path net = dir / ("net" + std::to_string(cases) + ".npz");
        const auto train = RunCli("train --data " + data + " --depth " + std::to_string(depth) +
                                  " --width 7 --scaling " + scaling + (frozen ? " --freeze-output" : "") +
                                  " --steps 3 --lr 0.5 --trials 2 --save " + net.string());
        ASSERT_EQ(train.exit_code, 0) << train.output;
        nn::MlpShape shape;
        shape.dims = depth == 2 ? std::vector<Index>{6, 7, 1} : std::vector<Index>{6, 7, 7, 1};
        shape.scaling = nn::ParseScaling(scaling, "scaling");
        shape.freeze_output = frozen;
        for (const char* key : {"init", "final"}) {
          const fs::path out = dir / "K.npy";
          const auto r = RunCli("kernel gram --net " + net.string() + " --net-key " + key +
                                " --net-trial 1 --data " + data + " --data2 " + data2 + " --out " + out.string() +
                                " --json");
          ASSERT_EQ(r.exit_code, 0) << r.output;
          const auto j = nlohmann::json::parse(r.output);
          EXPECT_EQ(j["net"]["output_scale"].get<double>(), shape.OutputScale()) << shape.Describe();
          EXPECT_EQ(j["net"]["frozen_output"].get<bool>(), frozen);
          const Matrix K = NpyToMatrix(ReadNpy(out), "K.npy");
          const Matrix R = GradientGram(shape, SavedWeights(net, key, depth, 1), X, X2);
          ASSERT_EQ(K.rows(), 15);
          ASSERT_EQ(K.cols(), 4);
          EXPECT_LE((K - R).cwiseAbs().maxCoeff(), 1e-10 * R.cwiseAbs().maxCoeff())
              << shape.Describe() << " " << key;
        }
        ++cases;
      }
  EXPECT_EQ(cases, 12);
  // K(X, X) of one of them: symmetric, and bad inputs are one-line errors naming the flag.
  const std::string net = (dir / "net0.npz").string(), out = (dir / "K.npy").string();
  ASSERT_EQ(RunCli("kernel gram --net " + net + " --data " + data + " --out " + out).exit_code, 0);
  const Matrix K = NpyToMatrix(ReadNpy(out), "K.npy");
  EXPECT_EQ((K - K.transpose()).cwiseAbs().maxCoeff(), 0.0);
  ExpectOneLineError(RunCli("kernel gram --net " + net + " --kernel relu --data " + data + " --out " + out), "--kernel");
  ExpectOneLineError(RunCli("kernel gram --net " + net + " --net-key best --data " + data + " --out " + out),
                     "--net-key");
  ExpectOneLineError(RunCli("kernel gram --net " + net + " --net-trial 2 --data " + data + " --out " + out), "trial 2");
  ExpectOneLineError(RunCli("kernel gram --net " + net + " --output 1 --data " + data + " --out " + out), "--output");
  ExpectOneLineError(RunCli("kernel gram --net " + net + " --data wei-d:d=5,n=4 --out " + out), "input dimension 6");
  ExpectOneLineError(RunCli("kernel gram --net-key init --data " + data + " --out " + out), "--net-key");
}

}  // namespace
}  // namespace marginlab
