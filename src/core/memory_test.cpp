// Memory budget and saturating size arithmetic (memory.hpp), and the signal cleanup of
// temporary output files (atomic_file.hpp).
#include "marginlab/core/memory.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/error.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab {
namespace {
namespace fs = std::filesystem;

TEST(Memory, SizeArithmeticSaturatesInsteadOfWrapping) {
  EXPECT_EQ(ArrayBytes({200, 20}, 8), 32000u);
  // xor:n=2^40,d=2^40 wrapped n·d to 0 (issue 18); saturated it exceeds every budget.
  EXPECT_EQ(ArrayBytes({1LL << 40, 1LL << 40}, 8), kNoFit);
  EXPECT_EQ(ArrayBytes({-1, 5}, 8), kNoFit);
  EXPECT_EQ(ArrayBytes({0, 1LL << 62}, 8), 0u);
  EXPECT_EQ(SaturatingMul(kNoFit, 0), 0u);
  EXPECT_EQ(SaturatingMul(kNoFit, 2), kNoFit);
  EXPECT_EQ(SaturatingAdd(kNoFit - 1, 5), kNoFit);
  EXPECT_EQ(SaturatingAdd(3, 4), 7u);
}

TEST(Memory, BudgetNamesTheCulpritAndTheBytes) {
  SetMemoryBudget(1 << 20);
  EXPECT_EQ(MemoryProblem(1 << 20, "x"), "");
  const std::string p = MemoryProblem(ArrayBytes({200000, 200000}, 8), "the 200000×200000 Gram matrix");
  EXPECT_NE(p.find("the 200000×200000 Gram matrix would need 298 GiB"), std::string::npos) << p;
  EXPECT_NE(p.find("memory budget of 1.00 MiB"), std::string::npos) << p;
  EXPECT_THROW(RequireMemory(kNoFit, "n·d"), InputError);
  EXPECT_NE(MemoryProblem(kNoFit, "n·d").find("overflows"), std::string::npos);
  SetMemoryBudget(0);
  EXPECT_GT(MemoryBudget(), std::uint64_t{1} << 24);  // the machine's available memory
  EXPECT_NO_THROW(RequireMemory(1 << 20, "a small array"));
}

TEST(Memory, ParsesByteSizes) {
  EXPECT_EQ(ParseByteSize("512M", "--memory-budget"), 512ull << 20);
  EXPECT_EQ(ParseByteSize("8G", "f"), 8ull << 30);
  EXPECT_EQ(ParseByteSize("8GiB", "f"), 8ull << 30);
  EXPECT_EQ(ParseByteSize("1.5T", "f"), 3ull << 39);
  EXPECT_EQ(ParseByteSize("4096", "f"), 4096u);
  for (const char* bad : {"", "x", "-1G", "0", "12Q", "nan", "1e30"}) {
    try {
      ParseByteSize(bad, "--memory-budget");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("--memory-budget"), std::string::npos);
    }
  }
}

// SIGINT/SIGTERM while an output file is being written left OUT.tmp-PID-N behind (16.8 MB
// seen). With the CLI's handlers the temporary file goes, and the exit code is 2.
TEST(AtomicFileDeathTest, ATerminatingSignalRemovesPartialFilesAndExits2) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const fs::path dir = testing::ScratchDir();
  for (int sig : {SIGINT, SIGTERM}) {
    EXPECT_EXIT(
        {
          InstallSignalCleanup();
          NewFolder made(dir / "new" / "deeper");  // removed too: no empty output folder left
          AtomicFile g(dir / "new" / "deeper" / "X.npy");
          g.stream() << "partial";
          AtomicFile f(dir / "out.bin");
          f.stream() << std::string(1 << 20, 'x');
          f.stream().flush();
          ::raise(sig);
        },
        ::testing::ExitedWithCode(2), "interrupted by SIG");
    for (const auto& e : fs::directory_iterator(dir)) ADD_FAILURE() << "left behind: " << e.path();
  }
  {  // registered while open, gone from the registry when committed or destroyed
    AtomicFile a(dir / "a.txt"), b(dir / "b.txt");
    EXPECT_EQ(OpenTemporaryFiles(), 2);
    a.stream() << "a";
    a.Commit();
    EXPECT_EQ(OpenTemporaryFiles(), 1);
  }
  EXPECT_EQ(OpenTemporaryFiles(), 0);
  EXPECT_TRUE(fs::exists(dir / "a.txt"));
  EXPECT_FALSE(fs::exists(dir / "b.txt"));
  {  // a folder made for a write that then fails goes again; a kept one stays
    try {
      NewFolder made(dir / "x" / "y");
      EXPECT_TRUE(fs::is_directory(dir / "x" / "y"));
      throw InputError("the write failed");
    } catch (const InputError&) {
    }
    EXPECT_FALSE(fs::exists(dir / "x"));
    NewFolder kept(dir / "k");
    kept.Keep();
  }
  EXPECT_TRUE(fs::is_directory(dir / "k"));
  EXPECT_EQ(OpenTemporaryFiles(), 0);
}

}  // namespace
}  // namespace marginlab
