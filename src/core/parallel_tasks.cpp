// ParallelTasks (see parallel_tasks.hpp): tasks are claimed from an atomic counter by
// NumThreads() workers; the first exception stops the claiming and is rethrown to the caller.
#include "marginlab/core/parallel_tasks.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "marginlab/core/interrupt.hpp"
#include "marginlab/core/threads.hpp"

namespace marginlab {

void ParallelTasks(Index count, const std::function<void(Index, int)>& fn) {
  const int threads = static_cast<int>(std::min<Index>(NumThreads(), std::max<Index>(count, 1)));
  if (threads <= 1) {
    for (Index t = 0; t < count; ++t) {
      CheckInterrupt();
      fn(t, 0);
    }
    return;
  }
  const SingleThreadedBlas one_blas_thread;  // the tiles' GEMMs run on these workers
  std::atomic<Index> next{0};
  std::exception_ptr error;
  std::mutex mu;
  std::vector<std::thread> pool;
  auto work = [&](int w) {
    for (Index t; (t = next.fetch_add(1)) < count;) {
      try {
        CheckInterrupt();
        fn(t, w);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        next = count;
      }
    }
  };
  try {
    for (int w = 1; w < threads; ++w) pool.emplace_back(work, w);
  } catch (const std::system_error&) {
    // The system refused another thread: the ones started and the caller do the work.
  }
  work(0);  // the caller is worker 0
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace marginlab
