// Thread count for marginlab's parallel loops and the BLAS underneath.
//
// Results never depend on the thread count: parallel work is split into
// pieces whose results do not depend on how pieces are scheduled (each trial
// draws from its own RNG stream; reductions run in a fixed order).
#pragma once

namespace marginlab {

// n ≥ 1 threads; n = 0 means "all hardware threads". Sets OpenBLAS's thread
// count too when built with OpenBLAS.
void SetNumThreads(int n);
int NumThreads();
int HardwareThreads();

}  // namespace marginlab
