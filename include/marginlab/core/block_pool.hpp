// A small persistent thread pool that runs fn(b) for the blocks b = 0 … nb−1 of
// one kernel call (the two-layer kernels' blocks of hidden units, nn/mlp.hpp; the mean-field functional).
// Blocks are independent and write disjoint outputs, so which thread runs which
// block never changes a result. Workers sleep on an atomic (futex) between
// calls; Run() returns when every block is done — whichever threads did them: a worker the OS
// has not scheduled is not waited for (a busy machine, more ranks × threads than cores). Used by the trainer for a
// single trial when --threads > 1 (several trials are parallel over trials).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "marginlab/core/types.hpp"

namespace marginlab {

class BlockPool {
 public:
  explicit BlockPool(int threads);  // threads ≥ 1 (threads − 1 workers + the caller)
  ~BlockPool();
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  void Run(Index blocks, const std::function<void(Index)>& fn);

 private:
  void Work();
  void Drain(unsigned generation);  // claims and runs blocks of call `generation` until none is left
  std::vector<std::thread> workers_;
  std::atomic<const std::function<void(Index)>*> fn_{nullptr};
  std::atomic<Index> blocks_{0};
  std::atomic<std::uint64_t> ticket_{0};  // the call's generation (high bits) | next block (low 40 bits)
  std::atomic<Index> finished_{0};        // blocks of the current call that have finished
  std::atomic<unsigned> generation_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace marginlab
