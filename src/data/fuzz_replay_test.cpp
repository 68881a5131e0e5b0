// Replays the fuzz seed corpora and regression inputs (fuzz/corpus/<target>/,
// fuzz/regressions/<target>/) through the fuzz targets (fuzz/targets.cpp,
// compiled into data_tests by tests/CMakeLists.txt): every input must be read
// or refused with an InputError — nothing else may escape (std::bad_alloc,
// std::out_of_range, InternalError) — and each must finish quickly. A fast
// replay, not a fuzz run: scripts/fuzz runs the fuzzers.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "../../fuzz/targets.hpp"
#include "marginlab/build_config.hpp"
#include "marginlab/core/memory.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab {
namespace {

namespace fs = std::filesystem;

// Files of fuzz/<kind>/<target>/, sorted.
std::vector<fs::path> Inputs(const std::string& kind, const std::string& target) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(MARGINLAB_SOURCE_DIR) / "fuzz" / kind / target;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

void Replay(const std::string& target) {
  const auto& targets = fuzz::Targets();
  const auto it = std::find_if(targets.begin(), targets.end(), [&](const fuzz::Target& t) { return t.name == target; });
  ASSERT_NE(it, targets.end()) << target;
  fuzz::Init();
  int count = 0;
  for (const char* kind : {"corpus", "regressions"}) {
    const std::vector<fs::path> files = Inputs(kind, target);
    EXPECT_FALSE(files.empty()) << "fuzz/" << kind << "/" << target << " is empty";
    for (const fs::path& file : files) {
      const std::string bytes = testing::ReadFileBytes(file);
      const auto start = std::chrono::steady_clock::now();
      try {
        it->run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      } catch (const std::exception& e) {
        ADD_FAILURE() << file.string() << ": " << e.what();
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      // A hang guard at libFuzzer's own -timeout (scripts/fuzz), not a speed test.
      EXPECT_LT(seconds, 10.0) << file.string();
      ++count;
    }
  }
  SetMemoryBudget(0);
  EXPECT_GT(count, 0);
}

TEST(FuzzReplay, Idx) { Replay("idx"); }
TEST(FuzzReplay, Csv) { Replay("csv"); }
TEST(FuzzReplay, Npy) { Replay("npy"); }
TEST(FuzzReplay, Npz) { Replay("npz"); }
TEST(FuzzReplay, Config) { Replay("config"); }
TEST(FuzzReplay, DataSpec) { Replay("data_spec"); }

TEST(FuzzReplay, EveryTargetHasInputs) {
  for (const auto& t : fuzz::Targets())
    for (const char* kind : {"corpus", "regressions"})
      EXPECT_FALSE(Inputs(kind, t.name).empty()) << "fuzz/" << kind << "/" << t.name;
}

}  // namespace
}  // namespace marginlab
