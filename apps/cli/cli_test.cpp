// End-to-end tests of the marginlab CLI: exit codes, one-line errors, outputs
// that are byte-identical for the same seed across runs and thread counts, and
// no half-written output on failure.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing/tmpdir.hpp"

namespace marginlab {
namespace {
namespace fs = std::filesystem;
using testing::ReadFileBytes;
using testing::RunCli;
using testing::ScratchDir;

// The error line of a failed command: exactly one line, with the prefix.
void ExpectOneLineError(const testing::CommandResult& r, const std::string& fragment) {
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output.rfind("marginlab: error: ", 0), 0u) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_NE(r.output.find(fragment), std::string::npos) << "missing '" << fragment << "' in: " << r.output;
}

TEST(Cli, HelpAndVersion) {
  auto help = RunCli("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("data"), std::string::npos);
  EXPECT_NE(help.output.find("version"), std::string::npos);
  auto v = RunCli("version --json");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.output.find("\"version\":\"0.1.0\""), std::string::npos) << v.output;
  EXPECT_NE(RunCli("data list").output.find("wei-d (generator)"), std::string::npos);
}

TEST(Cli, NoCommandOrUnknownFlagIsUsageError) {
  EXPECT_EQ(RunCli("").exit_code, 2);
  ExpectOneLineError(RunCli("data sample --data wei-d --out x.csv --bogus"), "--bogus");
}

// Solver flags are generated from the Options' Fields (issue 21): the help lists each with its
// choices from the one list, a value the Options refuse is an error naming the flag, and a
// generated flag reaches the solver (a smaller column budget ends column generation sooner).
TEST(Cli, GeneratedSolverFlagsNameThemselvesAndReachTheSolver) {
  const auto help = RunCli("certify --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* text : {"--loss", "logistic | squared", "--oracle", "auto | exact | bnb | ascent", "--tolerance",
                           "--columns-per-round"})
    EXPECT_NE(help.output.find(text), std::string::npos) << "certify --help lacks '" << text << "'";
  EXPECT_NE(RunCli("kernel fit --help").output.find("interp | ridge | logistic | svm | falkon"), std::string::npos);
  const std::string xor_data = " --data xor:n=8,d=2,seed=1";
  ExpectOneLineError(RunCli("certify --global --lambda 0.01 --max-rounds 0" + xor_data), "--max-rounds");
  ExpectOneLineError(RunCli("certify --global --lambda 0.01 --loss hinge" + xor_data), "--loss");
  ExpectOneLineError(RunCli("margin l1svm --tolerance -1" + xor_data), "--tolerance");
  ExpectOneLineError(RunCli("margin l1svm --oracle best" + xor_data), "--oracle");
  ExpectOneLineError(RunCli("margin ntk-margin --iterations 0" + xor_data), "--iterations");
  ExpectOneLineError(RunCli("kernel fit --predictor lasso" + xor_data), "--predictor");
  ExpectOneLineError(RunCli("kernel fit --multiclass ovo" + xor_data), "--multiclass");
  ExpectOneLineError(RunCli("kernel fit --predictor svm --C 0" + xor_data), "--C");
  ExpectOneLineError(RunCli("kernel fit --predictor logistic --logistic-tol -1" + xor_data), "--logistic-tol");
  ExpectOneLineError(RunCli("kernel fit --predictor ridge --logistic-max-iterations 5" + xor_data),
                     "--logistic-max-iterations: only used with --predictor logistic");
  const std::string l1 = "margin l1svm --json --data teacher:d=6,k=3,n=60,seed=2 --oracle ascent";
  const auto full = RunCli(l1), short_run = RunCli(l1 + " --max-rounds 1 --columns-per-round 1 --initial-inputs 1");
  ASSERT_EQ(full.exit_code, 0) << full.output;
  ASSERT_EQ(short_run.exit_code, 0) << short_run.output;
  EXPECT_NE(short_run.output.find("\"rounds\":1,"), std::string::npos) << short_run.output;
  EXPECT_EQ(full.output.find("\"rounds\":1,"), std::string::npos) << full.output;
}

TEST(Cli, SampleIsByteIdenticalAcrossRunsAndThreadCounts) {
  const fs::path dir = ScratchDir();
  for (const std::string format : {"csv", "json", "npy"}) {
    const std::string spec = "teacher:d=7,k=4,n=150,margin=0.05,seed=5";
    const fs::path a = dir / ("a." + format), b = dir / ("b." + format), c = dir / ("c." + format);
    ASSERT_EQ(RunCli("--threads 1 data sample --data " + spec + " --format " + format + " --out " + a.string()).exit_code, 0);
    ASSERT_EQ(RunCli("--threads 1 data sample --data " + spec + " --format " + format + " --out " + b.string()).exit_code, 0);
    ASSERT_EQ(RunCli("--threads 2 data sample --data " + spec + " --format " + format + " --out " + c.string()).exit_code, 0);
    if (format == "npy") {
      for (const char* f : {"X.npy", "y.npy"}) {
        const std::string bytes = ReadFileBytes(a / f);
        EXPECT_GT(bytes.size(), 128u);
        EXPECT_EQ(bytes, ReadFileBytes(b / f));
        EXPECT_EQ(bytes, ReadFileBytes(c / f));
      }
    } else {
      const std::string bytes = ReadFileBytes(a);
      EXPECT_GT(bytes.size(), 1000u);
      EXPECT_EQ(bytes, ReadFileBytes(b));
      EXPECT_EQ(bytes, ReadFileBytes(c));
    }
  }
}

TEST(Cli, SampleCsvThenInfoReadsItBack) {
  const fs::path out = ScratchDir() / "w.csv";
  auto r = RunCli("data sample --data wei-d:d=5,n=40,seed=2 --format csv --out " + out.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"n\":40"), std::string::npos) << r.output;
  auto info = RunCli("data info " + out.string() + " --json");
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("\"d\":5"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("\"label_kind\":\"binary\""), std::string::npos) << info.output;
  // The CSV: one row per example, 5 features then the label.
  std::ifstream in(out);
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 5) << line;
  }
  EXPECT_EQ(rows, 40);
}

TEST(Cli, NpyFolderIsAcceptedAsData) {
  const fs::path out = ScratchDir() / "set";
  ASSERT_EQ(RunCli("data sample --data xor:d=4,n=16 --format npy --out " + out.string()).exit_code, 0);
  auto info = RunCli("data info " + out.string() + " --json");
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("\"n\":16"), std::string::npos) << info.output;
}

TEST(Cli, BadGeneratorSpecsAreOneLineErrors) {
  const fs::path out = ScratchDir() / "never.csv";
  ExpectOneLineError(RunCli("data sample --data nosuch:d=3 --out " + out.string()),
                     "'nosuch' is not a known data source");
  ExpectOneLineError(RunCli("data sample --data wei-d:d=2 --out " + out.string()),
                     "d must be at least 3");
  ExpectOneLineError(RunCli("data sample --data wei-d:n=0 --out " + out.string()), "n must be positive");
  ExpectOneLineError(RunCli("data sample --data wei-d:dd=4 --out " + out.string()),
                     "unknown parameter 'dd'");
  ExpectOneLineError(RunCli("data sample --data wei-d:n=ten --out " + out.string()),
                     "parameter 'n': expected an integer, got 'ten'");
  ExpectOneLineError(RunCli("data sample --data teacher:margin=100,max_draws_per_example=5 --out " + out.string()),
                     "not reachable");
  ExpectOneLineError(RunCli("data info ./no/such/file.csv"), "no such file or folder");
  EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, FailureLeavesExistingOutputUntouched) {
  const fs::path dir = ScratchDir();
  const fs::path out = dir / "keep.csv";
  ASSERT_EQ(RunCli("data sample --data wei-d:n=10,d=3 --out " + out.string()).exit_code, 0);
  const std::string before = ReadFileBytes(out);
  ExpectOneLineError(RunCli("data sample --data teacher:margin=100,max_draws_per_example=5 --out " + out.string()),
                     "not reachable");
  EXPECT_EQ(ReadFileBytes(out), before);
  // Writing into a folder that does not exist fails cleanly.
  ExpectOneLineError(RunCli("data sample --data wei-d --out " + (dir / "missing" / "x.csv").string()),
                     "does not exist");
  // No temporary files are left behind.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST(Cli, BadFilesAreOneLineErrorsNamingTheFile) {
  const fs::path dir = ScratchDir();
  {
    std::ofstream(dir / "ragged.csv") << "1,2,1\n3,4\n";
    std::ofstream(dir / "words.csv") << "1,2,1\n3,abc,-1\n";
    std::ofstream(dir / "bad-images-idx3-ubyte", std::ios::binary) << std::string("\x01\x02\x08\x03", 4);
    std::ofstream(dir / "trunc.gz", std::ios::binary) << std::string("\x1f\x8b\x08\x00\x00\x00", 6);
  }
  ExpectOneLineError(RunCli("data info " + (dir / "ragged.csv").string()), "ragged.csv");
  ExpectOneLineError(RunCli("data info " + (dir / "ragged.csv").string()), "ragged.csv:2:");
  ExpectOneLineError(RunCli("data info " + (dir / "words.csv").string()), "words.csv:2:");
  ExpectOneLineError(RunCli("data info " + (dir / "bad-images-idx3-ubyte").string()), "bad-images-idx3-ubyte");
  ExpectOneLineError(RunCli("data info " + (dir / "trunc.gz").string()), "trunc.gz");
  // A single .npy file is not a data set: the message says what to pass instead.
  fs::create_directories(dir / "np");
  ASSERT_EQ(RunCli("data sample --data xor:n=4,d=2 --format npy --out " + (dir / "np").string()).exit_code, 0);
  ExpectOneLineError(RunCli("data info " + (dir / "np" / "X.npy").string()), "folder holding X.npy and y.npy");
}

TEST(Cli, FashionMnistReader) {
  auto r = RunCli("data info fashion-mnist:split=test,pair=0/9,limit=50 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"n\":50"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"d\":784"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"label_kind\":\"binary\""), std::string::npos) << r.output;
}

}  // namespace
}  // namespace marginlab
