// Shared values (core/shared_cache.hpp): computed once, read back exactly, by two processes
// racing for the same key; a folder that cannot be written or a failed computation stores nothing.
#include "marginlab/core/shared_cache.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "marginlab/core/file_bytes.hpp"

namespace marginlab {
namespace {

namespace fs = std::filesystem;

fs::path FreshDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("marginlab-shared-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

TEST(SharedCache, WithoutAFolderEveryCallComputes) {
  ASSERT_TRUE(SharedCacheDir().empty());
  int calls = 0;
  for (int i = 0; i < 2; ++i)
    EXPECT_TRUE(GetOrComputeShared("t", "k", [&] { return std::to_string(++calls); }).computed);
  EXPECT_EQ(calls, 2);
}

TEST(SharedCache, ComputedOnceThenReadExactly) {
  const fs::path dir = FreshDir("once");
  {
    const SharedCacheScope scope(dir);
    int calls = 0;
    const std::string bytes("a\0b\nvalue", 9);  // any bytes, NUL and newlines included
    const SharedValue a = GetOrComputeShared("t", "key 1", [&] { ++calls; return bytes; });
    const SharedValue b = GetOrComputeShared("t", "key 1", [&] { ++calls; return std::string("other"); });
    EXPECT_TRUE(a.computed);
    EXPECT_FALSE(b.computed);
    EXPECT_EQ(b.bytes, bytes);
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(GetOrComputeShared("t", "key 2", [&] { ++calls; return std::string("2"); }).computed);
    EXPECT_TRUE(GetOrComputeShared("u", "key 1", [&] { ++calls; return std::string("3"); }).computed);
    EXPECT_EQ(calls, 3);
    // A file whose stored key is not the asked one (a hash collision, a damaged file) is not used.
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".value" && ReadFileBytes(e.path()).find("key 2") != std::string::npos)
        std::ofstream(e.path(), std::ios::binary) << "marginlab shared value 1\n5\nkey 9junk";
    EXPECT_TRUE(GetOrComputeShared("t", "key 2", [&] { ++calls; return std::string("2"); }).computed);
    // A failed computation stores nothing: the next call computes.
    EXPECT_THROW(GetOrComputeShared("t", "key 3", []() -> std::string { throw std::runtime_error("no"); }),
                 std::runtime_error);
    EXPECT_TRUE(GetOrComputeShared("t", "key 3", [] { return std::string("3"); }).computed);
  }
  EXPECT_TRUE(SharedCacheDir().empty());  // the scope restored "none"
  fs::remove_all(dir);
}

TEST(SharedCache, TwoProcessesRacingComputeOnce) {
  const fs::path dir = FreshDir("race");
  fs::create_directories(dir);
  const fs::path log = dir / "computations.log";
  const SharedCacheScope scope(dir);
  auto ask = [&] {
    return GetOrComputeShared("race", "the key", [&] {
      std::ofstream(log, std::ios::app) << "computed by " << ::getpid() << "\n";
      std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the other process asks meanwhile
      return std::string("42");
    });
  };
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(ask().bytes == "42" ? 0 : 1);
  const SharedValue mine = ask();
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(mine.bytes, "42");
  const std::string lines = ReadFileBytes(log);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 1) << lines;
  fs::remove_all(dir);
}

TEST(SharedCache, AFolderThatCannotBeWrittenOnlyCostsTheSharing) {
  const fs::path dir = FreshDir("blocked");
  fs::create_directories(dir.parent_path());
  std::ofstream(dir) << "a file where the folder would be";
  const SharedCacheScope scope(dir);
  int calls = 0;
  for (int i = 0; i < 2; ++i) EXPECT_EQ(GetOrComputeShared("t", "k", [&] { return std::to_string(++calls); }).bytes, std::to_string(i + 1));
  fs::remove(dir);
}

}  // namespace
}  // namespace marginlab
