// BlockPool (see block_pool.hpp): blocks are claimed from an atomic ticket; the caller works
// too; workers wait on a generation counter.
//
// The caller returns when every block is *finished*, not when every worker has checked in: a
// worker the OS has descheduled (the machine is busy, or ranks × threads exceed the cores) is
// simply not waited for — the caller and the running workers drain its share. A stale worker
// that wakes during a later call cannot take that call's blocks by mistake: the ticket carries
// the call's generation in its high bits, and a block is claimed by compare-and-swap only while
// the generation is the one the worker saw. (Before, Run waited for every worker to finish
// draining; with one busy core a 2-thread GD step ran at 2.6k steps/s against 11.4k on one
// thread — issue 23.)
//
// Waiting spins for up to kSpin before it sleeps on the futex: a training step calls Run()
// twice within a few hundred microseconds, and a futex wake-up costs tens of microseconds
// on a VM, which at m = 1024 (n = 200) ate most of the second thread's gain (2 threads ran
// 1.27x one thread; the spin makes it faster, see docs/nn.md Performance). A worker that finds no
// new call within kSpin sleeps as before, so an idle pool costs nothing.
#include "marginlab/core/block_pool.hpp"

#include <chrono>
#include <system_error>

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

constexpr int kIndexBits = 40;  // a call has fewer than 2^40 blocks
constexpr std::uint64_t kIndexMask = (std::uint64_t{1} << kIndexBits) - 1;

}  // namespace

BlockPool::BlockPool(int threads) {
  try {
    for (int t = 1; t < threads; ++t) workers_.emplace_back([this] { Work(); });
  } catch (const std::system_error&) {
    // The system refused another thread: the pool runs with the workers it has (the caller works
    // too, so even none is correct).
  }
}

BlockPool::~BlockPool() {
  stop_.store(true);
  generation_.fetch_add(1);
  generation_.notify_all();
  for (auto& w : workers_) w.join();
}

void BlockPool::Drain(unsigned generation) {
  const std::uint64_t tag = static_cast<std::uint64_t>(generation) << kIndexBits;
  std::uint64_t t = ticket_.load();
  for (;;) {
    if ((t & ~kIndexMask) != tag) return;  // another call's ticket: not ours to take
    const std::function<void(Index)>* fn = fn_.load();
    const Index blocks = blocks_.load();
    const Index b = static_cast<Index>(t & kIndexMask);
    if (b >= blocks) return;  // all claimed (or the ticket is closed: index 2^40 − 1)
    if (!ticket_.compare_exchange_weak(t, t + 1)) continue;
    (*fn)(b);  // the claim succeeded while the call was running, so fn and blocks are its own
    if (finished_.fetch_add(1) + 1 == blocks) finished_.notify_one();
    t = ticket_.load();
  }
}

void BlockPool::Work() {
  unsigned seen = 0;
  for (;;) {
    SpinThenWait(generation_, seen);
    seen = generation_.load();
    if (stop_.load()) return;
    Drain(seen);
  }
}

void BlockPool::Run(Index blocks, const std::function<void(Index)>& fn) {
  if (workers_.empty() || blocks <= 1) {
    for (Index b = 0; b < blocks; ++b) fn(b);
    return;
  }
  const unsigned generation = (generation_.load(std::memory_order_relaxed) + 1) & ((1u << (64 - kIndexBits)) - 1);
  const std::uint64_t tag = static_cast<std::uint64_t>(generation) << kIndexBits;
  // Close the previous call's ticket before fn_ and blocks_ change (sequentially consistent), so
  // that a straggler of that call that reads the new values fails its claim.
  ticket_.store(tag | kIndexMask);
  fn_.store(&fn);
  blocks_.store(blocks);
  finished_.store(0);
  ticket_.store(tag);
  generation_.store(generation);
  generation_.notify_all();
  Drain(generation);
  for (Index f = finished_.load(); f < blocks; f = finished_.load()) SpinThenWait(finished_, f);
}

}  // namespace marginlab
