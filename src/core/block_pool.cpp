// BlockPool (see block_pool.hpp): blocks are claimed from an atomic counter;
// the caller works too; workers wait on a generation counter.
//
// Waiting spins for up to kSpin before it sleeps on the futex: a training step calls Run()
// twice within a few hundred microseconds, and a futex wake-up costs tens of microseconds
// on a VM, which at m = 1024 (n = 200) ate most of the second thread's gain (2 threads ran
// 1.27x one thread; the spin makes it faster, see docs/nn.md Performance). A worker that finds no
// new call within kSpin sleeps as before, so an idle pool costs nothing.
#include "marginlab/core/block_pool.hpp"

#include <chrono>

namespace marginlab {
namespace {

constexpr auto kSpin = std::chrono::microseconds(200);

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Waits until value != old: spins for up to kSpin, then sleeps on the atomic.
template <class T>
void SpinThenWait(const std::atomic<T>& a, T old) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (int i = 0;; ++i) {
    if (a.load(std::memory_order_acquire) != old) return;
    CpuRelax();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) break;
  }
  a.wait(old);
}

}  // namespace

BlockPool::BlockPool(int threads) {
  for (int t = 1; t < threads; ++t) workers_.emplace_back([this] { Work(); });
}

BlockPool::~BlockPool() {
  stop_.store(true);
  generation_.fetch_add(1);
  generation_.notify_all();
  for (auto& w : workers_) w.join();
}

void BlockPool::Drain() {
  for (Index b = next_.fetch_add(1); b < blocks_; b = next_.fetch_add(1)) (*fn_)(b);
}

void BlockPool::Work() {
  unsigned seen = 0;
  for (;;) {
    SpinThenWait(generation_, seen);
    seen = generation_.load();
    if (stop_.load()) return;
    Drain();
    if (done_.fetch_add(1) + 1 == static_cast<int>(workers_.size())) done_.notify_one();
  }
}

void BlockPool::Run(Index blocks, const std::function<void(Index)>& fn) {
  if (workers_.empty() || blocks <= 1) {
    for (Index b = 0; b < blocks; ++b) fn(b);
    return;
  }
  fn_ = &fn;
  blocks_ = blocks;
  next_.store(0);
  done_.store(0);
  generation_.fetch_add(1);
  generation_.notify_all();
  Drain();
  const int n = static_cast<int>(workers_.size());
  for (int d = done_.load(); d < n; d = done_.load()) SpinThenWait(done_, d);
}

}  // namespace marginlab
