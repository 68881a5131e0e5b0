// A group of P members (MPI ranks, or threads in one process) that compute one thing together:
// data-parallel training of one network (nn/train.hpp), where every member holds the same
// parameters, computes the gradient on its slice of the step's examples, and the slices'
// gradients are summed over the group before the identical update on every member.
//
// The one collective operation is a sum in a fixed order: every member gets
//     s = ((d_0 + d_1) + d_2) + … + d_{P−1}      (d_r: member r's vector, element by element)
// — the members' vectors added in rank order, whatever the transport and its own reduction
// algorithm — so for a given P the result is the same on every member and in every run, and
// an in-process group (ThreadGroup, for tests) and MPI (core/mpi.hpp) give the same bits.
// (A different P sums different partial vectors: results then differ in the last bits, as
// with any data-parallel trainer; the member count is recorded beside such results.)
#pragma once

#include <barrier>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace marginlab {

class Collective {
 public:
  virtual ~Collective() = default;
  virtual int rank() const = 0;  // 0 … size() − 1
  virtual int size() const = 0;
  // data[0, n) ← the sum over the members of their data[0, n), added in rank order. Every member
  // calls it with the same n; it returns when the sum is in place on this member.
  virtual void SumInRankOrder(double* data, std::size_t n) = 0;
  // bytes ← member 0's bytes, on every member.
  virtual void Broadcast(std::string& bytes) = 0;
};

// P threads of one process as a group: member(r) is the handle thread r uses. The sum is split
// into P element ranges, member r adding range r of every member's vector in rank order.
class ThreadGroup {
 public:
  explicit ThreadGroup(int size);
  ~ThreadGroup();
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;
  int size() const { return static_cast<int>(members_.size()); }
  Collective& member(int r);

 private:
  class Member;
  std::vector<double*> data_;  // each member's vector during a sum
  std::vector<double> sum_;
  std::string bytes_;
  std::barrier<> barrier_;
  std::vector<std::unique_ptr<Member>> members_;
};

}  // namespace marginlab
