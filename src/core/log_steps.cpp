// LogSteps: see log_steps.hpp.
#include "marginlab/core/log_steps.hpp"

#include <algorithm>
#include <cmath>
#include <set>


namespace marginlab {

std::vector<long> LogSteps(long steps, long points, const std::string& spacing) {
  std::set<long> s{0, steps};
  for (long k = 1; k <= points && steps > 0; ++k) {
    const double f = static_cast<double>(k) / static_cast<double>(points);
    const double v = spacing == "linear" ? f * static_cast<double>(steps)
                                         : std::pow(static_cast<double>(steps), f);
    s.insert(std::clamp(std::lround(v), 0L, steps));
  }
  return {s.begin(), s.end()};
}

const std::vector<std::string>& LogSpacingNames() {
  static const std::vector<std::string> kNames = {"log", "linear"};
  return kNames;
}

}  // namespace marginlab
