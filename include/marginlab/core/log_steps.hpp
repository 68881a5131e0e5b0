// Which steps of an iterative run are logged: step 0, the last step, and `points` steps spaced
// linearly or geometrically in between (rounded, duplicates merged). Shared by the trainer
// (nn/train.hpp) and the mean-field flow, so their traces line up step for step.
#pragma once

#include <string>
#include <vector>

namespace marginlab {

// The logged steps for a budget of `steps` (sorted, unique; {0} when steps = 0). `spacing`:
// "linear" (k/points · steps) or anything else for "log" (steps^(k/points)).
std::vector<long> LogSteps(long steps, long points, const std::string& spacing);
// The spacings options accept: "log" and "linear".
const std::vector<std::string>& LogSpacingNames();

}  // namespace marginlab
