// BlockPool (see block_pool.hpp): blocks are claimed from an atomic counter;
// the caller works too; workers wait on a generation counter.
#include "marginlab/nn/block_pool.hpp"

namespace marginlab::nn {

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
    generation_.wait(seen);
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
  for (int d = done_.load(); d < n; d = done_.load()) done_.wait(d);
}

}  // namespace marginlab::nn
