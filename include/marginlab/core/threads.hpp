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

// Holds OpenBLAS to one thread while it lives and then restores the count it found (a no-op in a
// build without OpenBLAS). Used around BLAS/LAPACK calls made from marginlab's own worker threads,
// and around LAPACK routines whose threaded kernels would make the bits depend on the thread count.
// OpenBLAS's count is process-wide: scopes on several threads at once must all start from the same
// count (as they do inside marginlab's parallel loops, where it is already one).
class SingleThreadedBlas {
 public:
  SingleThreadedBlas();
  ~SingleThreadedBlas();
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

 private:
  int saved_ = 1;
};

}  // namespace marginlab
