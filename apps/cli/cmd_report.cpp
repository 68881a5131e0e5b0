// `marginlab report DIR`: figures, report.md, report.html and summary.json for a results
// folder, drawn by the Python package python/marginlab (matplotlib) run with the project's
// virtual environment's interpreter, .venv/bin/python (MARGINLAB_PYTHON at configure time).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "command.hpp"
#include "marginlab/build_config.hpp"
#include "marginlab/core/data_dir.hpp"
#include "marginlab/core/error.hpp"

namespace marginlab::cli {
namespace fs = std::filesystem;

// Runs the Python report module on `dir`; throws InputError if it fails.
void RunPythonReport(const std::string& dir) {
  ML_REQUIRE(fs::exists(fs::path(dir) / "results.sqlite"))
      << dir << ": no results.sqlite here (run `marginlab run` first)";
  const std::string python = MARGINLAB_PYTHON_EXECUTABLE;
  ML_REQUIRE(fs::exists(python)) << python << " not found: the report needs a Python with numpy and "
                                 << "matplotlib (scripts/setup makes the project's .venv; another "
                                 << "interpreter: configure with -DMARGINLAB_PYTHON=...)";
  const std::string pythonpath = (DataDir() / "python").string();
  const char* old = std::getenv("PYTHONPATH");
  const std::string env = pythonpath + (old && *old ? ":" + std::string(old) : "");
  const pid_t pid = fork();
  ML_CHECK(pid >= 0) << "fork failed";
  if (pid == 0) {
    setenv("PYTHONPATH", env.c_str(), 1);
    setenv("MPLBACKEND", "Agg", 1);
    execl(python.c_str(), python.c_str(), "-m", "marginlab.report", dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 2)  // the report printed its one-line error
    throw ReportedError(2, "the report for " + dir + " failed");
  ML_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "the report for " << dir << " failed (" << python << " -m marginlab.report exited with "
      << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << "; its message is above)";
}

void RegisterReport(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("report", "Draw the figures and write report.md/.html and summary.json (claims)");
  cmd->add_option("DIR", *dir, "results folder written by `marginlab run`")->required();
  cmd->callback([dir] { RunPythonReport(*dir); });
}

}  // namespace marginlab::cli
