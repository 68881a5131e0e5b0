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
#include <functional>
#include <optional>
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
  kStopped,        // stopped early by the caller's observer (a callback returned false)
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

// A caller's hook into a long computation: called with each logged record (a training or flow
// step, a column-generation round, a finished trial); returning false stops the computation
// early with Termination::kStopped and what it has so far. Not a parameter: never set from text,
// never stored, never part of a result's identity. Called on the thread that computes the
// record (several trials in parallel: from several threads, one record at a time per trial).
template <class... Record>
using Observer = std::function<bool(const Record&...)>;

// A round of a solver that brackets a value (column generation: the l1-SVM's γ, Θ_λ's
// objective), for its Observer: `lower` ≤ value ≤ `upper` where `certified`, else estimates.
struct BracketRecord {
  long round = 0;
  double lower = 0, upper = 0;
  bool certified = false;
  long columns = 0;      // columns (directions) in the restricted problem
  double seconds = 0;    // since the solve started
};

// A result's one list of output keys: a `template <class V> void Fields(V& v) const` with
// v(key, value) calls — values double, long, bool, std::string, Bracket, std::optional<double>
// (none: absent or not a number), std::vector<double> / <long> / <std::string>, another result
// with Fields (a nested object) or a std::vector of them (a list of objects) — from which the
// CLI's --json (apps/cli) and the Python dicts (python/src) are both made, so they say the same
// keys (tests/python/test_result_keys.py walks them). A value that is a bound only when the
// result is certified keeps its key either way; the key "certified" says which it is.
struct Bracket {
  double lower = 0, upper = 0;
};
// x when finite, else none (an infinite "upper end" is no bound at all).
inline std::optional<double> FiniteOrNone(double x) {
  return x - x == 0 ? std::optional<double>(x) : std::nullopt;
}
// How a solve ended, the keys every result shares: termination, message and seconds.
template <class V>
void OutcomeFields(const SummaryBase& s, V& v) {
  v("termination", std::string(ToString(s.termination)));
  v("message", s.message);
  v("seconds", s.TotalSeconds());
}

template <class Opts>
void ValidateOrThrow(const Opts& opts, const std::string& context) {
  const std::string problem = opts.Validate();
  if (!problem.empty()) throw InputError(context + ": " + problem);
}

}  // namespace marginlab
