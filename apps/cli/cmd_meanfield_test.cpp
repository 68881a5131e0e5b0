// End-to-end tests of `marginlab meanfield`.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "testing/tmpdir.hpp"

namespace marginlab {
namespace {
namespace fs = std::filesystem;
using testing::RunCli;
using testing::ScratchDir;

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> v;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) v.push_back(nlohmann::json::parse(line));
  return v;
}

TEST(CliMeanField, JsonTraceReachesTheCertifiedOptimum) {
  const fs::path dir = ScratchDir();
  const std::string cmd =
      "meanfield --data xor:d=2,n=4 --lambda 0.01 --eta 0.05 --sigma 1e-4 --init point "
      "--particles 10 --budget 200 --steps 8000 --target-gap 1e-3 --json --save " +
      (dir / "rho.npz").string();
  const auto r = RunCli(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto lines = JsonLines(r.output);
  ASSERT_GE(lines.size(), 2u);
  const auto& sum = lines.back();
  EXPECT_EQ(sum["type"], "summary");
  EXPECT_EQ(sum["termination"], "target-reached") << sum.dump();
  EXPECT_TRUE(sum["reference"]["certified"].get<bool>());
  EXPECT_LE(sum["best"].get<double>() - sum["reference"]["lower"].get<double>(), 1e-3);
  for (std::size_t k = 0; k + 1 < lines.size(); ++k) EXPECT_NEAR(lines[k]["mass"].get<double>(), 1.0, 1e-12);
  // Same seed, same output, with 1 or 2 threads (the seconds fields aside).
  auto strip = [](std::vector<nlohmann::json> v) {
    for (auto& j : v) j.erase("seconds"), j.erase("steps_per_second");
    return v;
  };
  const auto r2 = RunCli("--threads 2 " + cmd);
  EXPECT_EQ(strip(lines), strip(JsonLines(r2.output)));
  // The saved network is certified by `marginlab certify` with λ/n (mean loss).
  const auto c = RunCli("certify --data xor:d=2,n=4 --lambda 0.0025 --json --key net --params " +
                        (dir / "rho.npz").string());
  ASSERT_EQ(c.exit_code, 0) << c.output;
  const auto cj = nlohmann::json::parse(c.output);
  EXPECT_NEAR(4 * cj["objective"].get<double>(), lines[lines.size() - 2]["objective"].get<double>(), 1e-9);
}

// The human table keeps its nine columns apart even when L[ρ] reaches 1e+300 on a run that
// diverges (a too-large step): every row splits into nine numbers. The diverged run itself is a
// failure (exit 1, the reason on the last line; issue 18), and --save writes nothing.
TEST(CliMeanField, TableColumnsStayApartForHugeValues) {
  const auto dir = testing::ScratchDir();
  const auto r = RunCli("meanfield --data xor:d=2,n=4 --steps 300 --eta 100 --log-points 300 --save " +
                        (dir / "mf.npz").string());
  ASSERT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("diverged after"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("marginlab: error: meanfield: the flow diverged"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "mf.npz"));
  std::istringstream in(r.output);
  int rows = 0;
  bool huge = false;
  for (std::string line; std::getline(in, line);) {
    std::istringstream cells(line);
    std::vector<std::string> tok;
    for (std::string t; cells >> t;) tok.push_back(t);
    if (tok.empty() || tok[0].find_first_not_of("0123456789") != std::string::npos) continue;
    ++rows;
    ASSERT_EQ(tok.size(), 9u) << "row: " << line;
    for (const auto& t : tok) {
      std::size_t used = 0;
      (void)std::stod(t, &used);
      EXPECT_EQ(used, t.size()) << "cell '" << t << "' in row: " << line;
    }
    huge = huge || std::stod(tok[2]) > 1e250;
  }
  EXPECT_GT(rows, 10);
  EXPECT_TRUE(huge) << "the run should reach L > 1e250 before it diverges:\n" << r.output;
}

TEST(CliMeanField, BadInputIsAOneLineError) {
  auto r = RunCli("meanfield --data teacher:n=20,d=3,task=regression");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("±1 labels"), std::string::npos) << r.output;
  r = RunCli("meanfield --data xor:d=2,n=4 --sigma -1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("sigma"), std::string::npos) << r.output;
  r = RunCli("meanfield --data xor:d=2,n=4 --init ball");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("init"), std::string::npos) << r.output;
  const fs::path cfg = ScratchDir() / "mf.toml";
  std::ofstream(cfg) << "data = \"xor:d=2,n=4\"\nsigmaa = 0.1\n";
  r = RunCli("meanfield --config " + cfg.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("mf.toml:2: unknown key 'sigmaa'"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace marginlab
