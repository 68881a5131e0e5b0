// A parallel loop over independent tasks, for work that is split into pieces whose results do
// not depend on which thread computes them (Gram tiles, Monte-Carlo draws, page faults).
#pragma once

#include <functional>

#include "marginlab/core/types.hpp"

namespace marginlab {

// Runs fn(task, worker) for task in [0, count) on NumThreads() workers (OpenBLAS pinned to one
// thread meanwhile). Each task must write disjoint outputs; worker < NumThreads().
void ParallelTasks(Index count, const std::function<void(Index task, int worker)>& fn);

}  // namespace marginlab
