// Summary helpers (see options.hpp).
#include "marginlab/core/options.hpp"

#include <cstdio>

namespace marginlab {

const char* ToString(Termination t) {
  switch (t) {
    case Termination::kNotRun: return "not-run";
    case Termination::kConverged: return "converged";
    case Termination::kMaxIterations: return "max-iterations";
    case Termination::kTimeLimit: return "time-limit";
    case Termination::kTargetReached: return "target-reached";
    case Termination::kStalled: return "stalled";
    case Termination::kStopped: return "stopped";
    case Termination::kDiverged: return "diverged";
    case Termination::kFailed: return "failed";
  }
  return "unknown";
}

void SummaryBase::AddTiming(const std::string& phase, double seconds) {
  for (auto& [p, s] : timings)
    if (p == phase) {
      s += seconds;
      return;
    }
  timings.emplace_back(phase, seconds);
}

double SummaryBase::TotalSeconds() const {
  double total = 0.0;
  for (const auto& t : timings) total += t.second;
  return total;
}

std::string SummaryBase::BriefReport() const {
  std::string out = std::string("termination: ") + ToString(termination);
  if (!message.empty()) out += " (" + message + ")";
  for (const auto& [phase, s] : timings) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "; %s %.3g s", phase.c_str(), s);
    out += buf;
  }
  return out;
}

}  // namespace marginlab
