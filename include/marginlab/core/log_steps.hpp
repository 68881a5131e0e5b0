// Which steps of an iterative run are logged: step 0, the last step, and `points` steps spaced
// linearly or geometrically in between (rounded, duplicates merged). Shared by the trainer
// (nn/train.hpp) and the mean-field flow, so their traces line up step for step.
#pragma once

#include <string>
#include <vector>

namespace marginlab {

enum class LogSpacing { kLog, kLinear };
// The spacings options accept: "log" and "linear"; and one as the algorithms see it (InputError
// naming `what` for another text).
const std::vector<std::string>& LogSpacingNames();
LogSpacing ParseLogSpacing(const std::string& name, const std::string& what);

// The logged steps for a budget of `steps` (sorted, unique; {0} when steps = 0): linear
// (k/points · steps) or log (steps^(k/points)).
std::vector<long> LogSteps(long steps, long points, LogSpacing spacing);

}  // namespace marginlab
