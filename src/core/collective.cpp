// ThreadGroup: the in-process Collective (core/collective.hpp). Three barrier phases per sum:
// every member publishes its vector; member r adds element range r of all vectors in rank order
// into a shared buffer; every member copies the sum back.
#include "marginlab/core/collective.hpp"

#include <algorithm>

#include "marginlab/core/error.hpp"

namespace marginlab {

class ThreadGroup::Member final : public Collective {
 public:
  Member(ThreadGroup& g, int r) : g_(g), r_(r) {}
  int rank() const override { return r_; }
  int size() const override { return g_.size(); }
  void SumInRankOrder(double* data, std::size_t n) override {
    const std::size_t P = static_cast<std::size_t>(g_.size()), r = static_cast<std::size_t>(r_);
    g_.data_[r] = data;
    if (r == 0) g_.sum_.resize(n);
    g_.barrier_.arrive_and_wait();
    const std::size_t lo = n * r / P, hi = n * (r + 1) / P;
    for (std::size_t i = lo; i < hi; ++i) {
      double s = g_.data_[0][i];
      for (std::size_t q = 1; q < P; ++q) s += g_.data_[q][i];
      g_.sum_[i] = s;
    }
    g_.barrier_.arrive_and_wait();
    std::copy(g_.sum_.begin(), g_.sum_.begin() + static_cast<std::ptrdiff_t>(n), data);
    g_.barrier_.arrive_and_wait();  // nobody starts the next sum while another still copies
  }
  void Broadcast(std::string& bytes) override {
    if (r_ == 0) g_.bytes_ = bytes;
    g_.barrier_.arrive_and_wait();
    if (r_ != 0) bytes = g_.bytes_;
    g_.barrier_.arrive_and_wait();
  }

 private:
  ThreadGroup& g_;
  int r_;
};

ThreadGroup::ThreadGroup(int size) : data_(static_cast<std::size_t>(std::max(size, 1))), barrier_(std::max(size, 1)) {
  ML_REQUIRE(size >= 1) << "ThreadGroup: expected at least one member, got " << size;
  for (int r = 0; r < size; ++r) members_.push_back(std::make_unique<Member>(*this, r));
}

ThreadGroup::~ThreadGroup() = default;

Collective& ThreadGroup::member(int r) { return *members_.at(static_cast<std::size_t>(r)); }

}  // namespace marginlab
