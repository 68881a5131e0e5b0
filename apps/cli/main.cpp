// marginlab command-line tool: parses arguments, dispatches to the subcommand
// registered in commands.cpp, and maps errors to exit codes:
//   0 success; 1 a run failed on valid input (FailedRunError: a diverged training
//   run, failed trials of an experiment); 2 bad input or usage (InputError,
//   UnavailableError, CLI parse errors, a fault such as a full disk); 3 internal
//   error (a failed ML_CHECK); 4 any other exception.
// Error messages are one line on stderr, prefixed "marginlab: error: ".
#include <CLI/CLI.hpp>
#include <iostream>

#include "command.hpp"
#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/threads.hpp"

namespace {
int Fail(int code, const std::string& message) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n') c = ' ';
  std::cerr << "marginlab: error: " << line << std::endl;
  return code;
}
}  // namespace

int main(int argc, char** argv) {
  // SIGINT/SIGTERM/SIGHUP: remove partial output files, exit 2 (core/atomic_file.hpp).
  marginlab::InstallSignalCleanup();
  CLI::App app{
      "marginlab: regularized ReLU networks vs their neural tangent kernels, margins and "
      "certificates (Wei, Lee, Liu & Ma 2019; Ji)",
      "marginlab"};
  app.require_subcommand(1);
  app.fallthrough();
  int threads = 1;
  app.add_option("--threads", threads,
                 "threads for parallel work and BLAS (0 = all cores, at most 1024); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  std::string memory_budget;
  auto* budget_opt = app.add_option("--memory-budget", memory_budget,
                 "largest single allocation an input may ask for, e.g. 4G or 512M (default: the "
                 "memory available, or MARGINLAB_MEMORY_BUDGET); checked before allocating");
  app.parse_complete_callback([&threads, &memory_budget, budget_opt] {
    marginlab::SetNumThreads(threads);
    if (budget_opt->count() > 0)  // given, even as "": parsed (an empty text is an error)
      marginlab::SetMemoryBudget(marginlab::ParseByteSize(memory_budget, "--memory-budget"));
  });
  marginlab::cli::RegisterAll(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Fail(2, e.what() + std::string(" (see marginlab --help)"));
  } catch (const marginlab::InputError& e) {
    return Fail(2, e.what());
  } catch (const marginlab::UnavailableError& e) {
    return Fail(2, e.what());
  } catch (const marginlab::ReportedError& e) {
    return e.code();
  } catch (const marginlab::FailedRunError& e) {
    return Fail(1, e.what());
  } catch (const marginlab::InternalError& e) {
    return Fail(3, std::string(e.what()) + " (this is a bug in marginlab)");
  } catch (const std::exception& e) {
    return Fail(4, e.what());
  }
  return 0;
}
