// MpiSession and the MPI Collective (core/mpi.hpp).
#include "marginlab/core/mpi.hpp"

#include <climits>
#include <cstdlib>
#include <vector>

#include "marginlab/build_config.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/features.hpp"

#if MARGINLAB_HAVE_MPI
#include <mpi.h>
#endif

namespace marginlab {

bool LaunchedWithMpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"})
    if (const char* v = std::getenv(var); v != nullptr && std::atol(v) > 1) return true;
  return false;
}

#if !MARGINLAB_HAVE_MPI

MpiSession::MpiSession() {
  RequireFeature("mpi");  // throws UnavailableError naming the CMake option
}
MpiSession::~MpiSession() = default;
std::unique_ptr<Collective> MpiSession::Split(int) const { return nullptr; }

#else

namespace {

class MpiCollective final : public Collective {
 public:
  explicit MpiCollective(MPI_Comm comm) : comm_(comm) {
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
  }
  ~MpiCollective() override { MPI_Comm_free(&comm_); }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void SumInRankOrder(double* data, std::size_t n) override {
    const std::size_t P = static_cast<std::size_t>(size_);
    if (P == 1) return;
    ML_CHECK(n <= static_cast<std::size_t>(INT_MAX)) << "MPI sum: " << n << " values exceed one message";
    std::vector<int> send_counts(P), send_displs(P), recv_counts(P), recv_displs(P);
    auto lo = [&](std::size_t r) { return static_cast<int>(n * r / P); };
    const std::size_t me = static_cast<std::size_t>(rank_);
    const int mine = lo(me + 1) - lo(me);
    for (std::size_t r = 0; r < P; ++r) {
      send_counts[r] = lo(r + 1) - lo(r);
      send_displs[r] = lo(r);
      recv_counts[r] = mine;
      recv_displs[r] = static_cast<int>(r) * mine;
    }
    recv_.resize(P * static_cast<std::size_t>(mine));
    MPI_Alltoallv(data, send_counts.data(), send_displs.data(), MPI_DOUBLE, recv_.data(),
                  recv_counts.data(), recv_displs.data(), MPI_DOUBLE, comm_);
    double* out = data + lo(me);
    for (int i = 0; i < mine; ++i) {
      double s = recv_[static_cast<std::size_t>(i)];
      for (std::size_t q = 1; q < P; ++q) s += recv_[q * static_cast<std::size_t>(mine) + static_cast<std::size_t>(i)];
      out[i] = s;
    }
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, data, send_counts.data(), send_displs.data(),
                   MPI_DOUBLE, comm_);
  }

  void Broadcast(std::string& bytes) override {
    long n = static_cast<long>(bytes.size());
    MPI_Bcast(&n, 1, MPI_LONG, 0, comm_);
    ML_CHECK(n >= 0 && n <= INT_MAX) << "MPI broadcast: " << n << " bytes exceed one message";
    bytes.resize(static_cast<std::size_t>(n));
    MPI_Bcast(bytes.data(), static_cast<int>(n), MPI_BYTE, 0, comm_);
  }

 private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  std::vector<double> recv_;
};

}  // namespace

MpiSession::MpiSession() {
  int ready = 0;
  MPI_Initialized(&ready);
  if (!ready) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    owns_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local);
  MPI_Comm_size(local, &local_size_);
  int lowest = rank_;
  MPI_Allreduce(&rank_, &lowest, 1, MPI_INT, MPI_MIN, local);
  rank0_local_ = lowest == 0;
  MPI_Comm_free(&local);
}

MpiSession::~MpiSession() {
  if (owns_) MPI_Finalize();
}

std::unique_ptr<Collective> MpiSession::Split(int color) const {
  MPI_Comm comm;
  MPI_Comm_split(MPI_COMM_WORLD, color < 0 ? MPI_UNDEFINED : color, rank_, &comm);
  if (comm == MPI_COMM_NULL) return nullptr;
  return std::make_unique<MpiCollective>(comm);
}

#endif

}  // namespace marginlab
