// Thread count for marginlab's parallel loops and the BLAS underneath.
//
// Results never depend on the thread count: parallel work is split into
// pieces whose results do not depend on how pieces are scheduled (each trial
// draws from its own RNG stream; reductions run in a fixed order).
#pragma once

#include <string>

namespace marginlab {

// The most threads any setting accepts (the CLI's --threads, Python's set_threads, an Options'
// `threads` field): more would only exhaust the process (OpenBLAS and the pools start that many).
inline constexpr long kMaxThreads = 1024;

// "" when n is a valid thread setting (0 … kMaxThreads), else what is wrong — for Validate().
std::string ThreadCountProblem(long n, const char* name = "threads");

// 0 ≤ n ≤ kMaxThreads threads (InputError otherwise); n = 0 means "all hardware threads". Sets
// OpenBLAS's thread count too when built with OpenBLAS.
void SetNumThreads(long n);
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
