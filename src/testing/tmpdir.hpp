// Test helpers: a fresh scratch folder per test, and running the CLI.
#pragma once

#include <filesystem>
#include <string>

namespace marginlab::testing {

// A new empty folder under the build tree's tests/tmp, named after the running
// test; removed and recreated on each call.
std::filesystem::path ScratchDir();

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// Runs the built `marginlab` CLI with `args` (a shell-quoted argument string).
CommandResult RunCli(const std::string& args);

// Reads a whole file as bytes.
std::string ReadFileBytes(const std::filesystem::path& path);

}  // namespace marginlab::testing
