// BlockPool: every block of every call runs exactly once, whatever the scheduling — more
// threads than cores (stragglers the caller does not wait for), calls back to back with
// different block counts (a straggler of one call must never take a block of the next).
#include "marginlab/core/block_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace marginlab {
namespace {

TEST(BlockPool, EveryBlockOfEveryCallRunsExactlyOnceUnderOversubscription) {
  const int threads = 2 * static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  BlockPool pool(threads);
  std::vector<std::atomic<int>> runs(4096);
  for (int call = 0; call < 3000; ++call) {
    const Index blocks = 1 + (call * 7919) % 97;  // varying sizes, small and large
    for (Index b = 0; b < blocks + 8; ++b) runs[b].store(0);
    pool.Run(blocks, [&](Index b) {
      if ((b + call) % 13 == 0) std::this_thread::yield();  // uneven blocks
      runs[b].fetch_add(1);
    });
    for (Index b = 0; b < blocks; ++b) ASSERT_EQ(runs[b].load(), 1) << "call " << call << " block " << b;
    for (Index b = blocks; b < blocks + 8; ++b) ASSERT_EQ(runs[b].load(), 0) << "call " << call << " block " << b;
  }
}

TEST(BlockPool, ACallerAloneFinishesWhenWorkersAreBusyElsewhere) {
  // Workers kept from the CPU by busy threads: Run still returns with every block done.
  BlockPool pool(3);
  std::atomic<bool> stop{false};
  std::vector<std::thread> hogs;
  for (unsigned i = 0; i < std::max(2u, std::thread::hardware_concurrency()) * 2; ++i)
    hogs.emplace_back([&] {
      while (!stop.load()) {
      }
    });
  long total = 0;
  for (int call = 0; call < 200; ++call) {
    std::atomic<long> sum{0};
    pool.Run(64, [&](Index b) { sum.fetch_add(b); });
    total += sum.load();
  }
  stop.store(true);
  for (auto& h : hogs) h.join();
  EXPECT_EQ(total, 200L * (63 * 64 / 2));
}

}  // namespace
}  // namespace marginlab
