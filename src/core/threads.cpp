// Thread-count setting (see threads.hpp).
#include "marginlab/core/threads.hpp"

#include <Eigen/Core>
#include <thread>

#include "marginlab/build_config.hpp"
#include "marginlab/core/error.hpp"

#if MARGINLAB_HAVE_OPENBLAS
extern "C" void openblas_set_num_threads(int num_threads);
extern "C" int openblas_get_num_threads(void);
#endif

namespace marginlab {
namespace {
int g_threads = 1;
}

int HardwareThreads() {
  const unsigned h = std::thread::hardware_concurrency();
  return h == 0 ? 1 : static_cast<int>(h);
}

std::string ThreadCountProblem(long n, const char* name) {
  if (n >= 0 && n <= kMaxThreads) return "";
  return std::string(name) + ": expected a thread count from 0 (all cores) to " + std::to_string(kMaxThreads) +
         ", got " + std::to_string(n);
}

void SetNumThreads(long n) {
  const std::string problem = ThreadCountProblem(n);
  if (!problem.empty()) throw InputError(problem);
  g_threads = n == 0 ? HardwareThreads() : static_cast<int>(n);
  Eigen::setNbThreads(g_threads);
#if MARGINLAB_HAVE_OPENBLAS
  openblas_set_num_threads(g_threads);
#endif
}

int NumThreads() { return g_threads; }

#if MARGINLAB_HAVE_OPENBLAS
SingleThreadedBlas::SingleThreadedBlas() : saved_(openblas_get_num_threads()) { openblas_set_num_threads(1); }
SingleThreadedBlas::~SingleThreadedBlas() { openblas_set_num_threads(saved_); }
#else
SingleThreadedBlas::SingleThreadedBlas() = default;
SingleThreadedBlas::~SingleThreadedBlas() = default;
#endif

}  // namespace marginlab
