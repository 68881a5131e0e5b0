// The MPI world of an `mpirun`/`srun` launch (Open MPI, built with -DMARGINLAB_WITH_MPI=ON):
// the session, and its ranks as a Collective (core/collective.hpp) for data-parallel training.
// Without MPI in the build, MpiSession throws UnavailableError naming the CMake option.
#pragma once

#include <memory>

#include "marginlab/core/collective.hpp"

namespace marginlab {

// True when an MPI launcher (mpirun, srun) started this process with more than one rank.
bool LaunchedWithMpi();

// MPI_Init_thread (MPI_THREAD_FUNNELED) on construction unless MPI is already initialized,
// MPI_Finalize on destruction if this object initialized it. One per process at a time.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_ranks() const { return local_size_; }  // ranks on this node (shared memory)
  bool rank0_is_local() const { return rank0_local_; }  // world rank 0 runs on this node

  // The ranks of the world with the same `color` as a Collective, ranked by world rank
  // (collective over the world: every rank calls it; color < 0: this rank joins none, nullptr).
  // The sum in rank order is an MPI_Alltoallv (member r receives element range r of every
  // member's vector) — added in rank order — then an MPI_Allgatherv of the sums: the volume
  // of a ring allreduce, and an order that does not depend on MPI's reduction algorithms.
  // Destroy it before the session.
  std::unique_ptr<Collective> Split(int color) const;

 private:
  bool owns_ = false;
  int rank_ = 0, size_ = 1, local_size_ = 1;
  bool rank0_local_ = true;
};

}  // namespace marginlab
