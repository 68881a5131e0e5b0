// LogSteps: see log_steps.hpp.
#include "marginlab/core/log_steps.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"


namespace marginlab {

std::vector<long> LogSteps(long steps, long points, LogSpacing spacing) {
  std::set<long> s{0, steps};
  for (long k = 1; k <= points && steps > 0; ++k) {
    const double f = static_cast<double>(k) / static_cast<double>(points);
    const double v = spacing == LogSpacing::kLinear ? f * static_cast<double>(steps)
                                         : std::pow(static_cast<double>(steps), f);
    s.insert(std::clamp(std::lround(v), 0L, steps));
  }
  return {s.begin(), s.end()};
}

const std::vector<std::string>& LogSpacingNames() {
  static const std::vector<std::string> kNames = {"log", "linear"};
  return kNames;
}

LogSpacing ParseLogSpacing(const std::string& name, const std::string& what) {
  if (name == "log") return LogSpacing::kLog;
  if (name == "linear") return LogSpacing::kLinear;
  throw InputError(what + ": expected " + JoinWords(LogSpacingNames()) + ", got '" + name + "'");
}

}  // namespace marginlab
