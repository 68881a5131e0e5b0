// The Options / Summary conventions shared by every solver (DESIGN.md §4).
//
//  - A solver takes `FooOptions`: plain fields with documented defaults, a
//    `template <class V> void Fields(V&)` listing (see params.hpp, so the same
//    options feed CLI flags, TOML keys and Python keyword arguments), and
//    `std::string Validate() const` returning "" or what is wrong.
//  - It fills `FooSummary`, which derives from SummaryBase: the termination
//    reason, named timings, and BriefReport() for a one-paragraph human view;
//    a per-iteration trace lives in the derived struct.
//  - ValidateOrThrow(opts, context) turns a Validate() message into an
//    InputError naming the context.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "marginlab/core/error.hpp"

namespace marginlab {

enum class Termination {
  kNotRun,         // the solver has not run
  kConverged,      // a tolerance was met
  kMaxIterations,  // the iteration / step budget ran out
  kTimeLimit,      // the wall-clock budget ran out
  kTargetReached,  // a user target (e.g. a loss value) was reached
  kDiverged,       // a non-finite value appeared
  kFailed,         // the backend reported failure
  kStalled,        // no progress over several iterations (the message says which)
};
const char* ToString(Termination t);

// Wall-clock seconds since construction or the last Restart().
class Stopwatch {
 public:
  Stopwatch() : start_(Clock::now()) {}
  void Restart() { start_ = Clock::now(); }
  double Seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_;
};

struct SummaryBase {
  Termination termination = Termination::kNotRun;
  std::string message;  // human detail on the termination, if any
  std::vector<std::pair<std::string, double>> timings;  // (phase, seconds)

  void AddTiming(const std::string& phase, double seconds);
  double TotalSeconds() const;
  // One line: termination, message and timings.
  std::string BriefReport() const;
};

template <class Opts>
void ValidateOrThrow(const Opts& opts, const std::string& context) {
  const std::string problem = opts.Validate();
  if (!problem.empty()) throw InputError(context + ": " + problem);
}

}  // namespace marginlab
