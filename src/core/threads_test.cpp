#include "marginlab/core/threads.hpp"

#include <gtest/gtest.h>

#include "marginlab/build_config.hpp"

#if MARGINLAB_HAVE_OPENBLAS
extern "C" void openblas_set_num_threads(int num_threads);
extern "C" int openblas_get_num_threads(void);
#endif

namespace marginlab {
namespace {

TEST(Threads, SetNumThreadsZeroMeansEveryHardwareThread) {
  const int saved = NumThreads();
  SetNumThreads(0);
  EXPECT_EQ(NumThreads(), HardwareThreads());
  SetNumThreads(saved);
  EXPECT_EQ(NumThreads(), saved);
}

#if MARGINLAB_HAVE_OPENBLAS
TEST(Threads, SingleThreadedBlasHoldsOneThreadAndRestoresTheCountItFound) {
  const int saved = NumThreads();
  SetNumThreads(2);
  {
    const SingleThreadedBlas one;
    EXPECT_EQ(openblas_get_num_threads(), 1);
    {
      const SingleThreadedBlas nested;
      EXPECT_EQ(openblas_get_num_threads(), 1);
    }
    EXPECT_EQ(openblas_get_num_threads(), 1);
  }
  EXPECT_EQ(openblas_get_num_threads(), 2);
  // A count set outside marginlab (here 2 while marginlab's own is 1) comes back as it was.
  SetNumThreads(1);
  openblas_set_num_threads(2);
  { const SingleThreadedBlas one; }
  EXPECT_EQ(openblas_get_num_threads(), 2);
  SetNumThreads(saved);
}
#endif

}  // namespace
}  // namespace marginlab
