// Data-parallel training step (issue 23): one network trained by every rank of `mpirun -np P`
// (nn::Train with the world as its group, core/mpi.hpp), or by one process, on the same data.
// Per-step time by difference: Train with s1 and with s2 steps (both evaluate the metrics at
// step 0 and at the end on all the data), step = (T(s2) − T(s1)) / (s2 − s1); the members' sum
// likewise from its own timing. Rank 0 also measures this process's dgemm rate (OpenBLAS,
// 2048², its --threads) before the runs: the hardware limit beside the step's FLOP rate.
// Prints one JSON line (rank 0). Not a Google Benchmark: the runs are seconds to minutes each,
// and every rank must make the same calls. Driver: bench/run_dp_bench.sh.
//
// Usage: [mpirun -np P] bench_dp_step --data SPEC --width M --batch B --steps S1,S2 --threads T
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "marginlab/build_config.hpp"
#include "marginlab/core/mpi.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/nn/train.hpp"

#if MARGINLAB_HAVE_OPENBLAS
#include <cblas.h>
#endif

using namespace marginlab;

namespace {

double Seconds(const nn::TrainSummary& s, const std::string& phase) {
  for (const auto& [name, t] : s.timings)
    if (name == phase) return t;
  return 0;
}

double GemmGflops() {
#if MARGINLAB_HAVE_OPENBLAS
  const int n = 2048;
  const Matrix A = Matrix::Random(n, n), B = Matrix::Random(n, n);
  Matrix C(n, n);
  double best = 1e300;
  for (int rep = 0; rep < 4; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A.data(), n, B.data(), n, 0.0,
                C.data(), n);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return 2.0 * n * n * n / best * 1e-9;
#else
  return 0;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = "fashion-mnist:split=train";
  long width = 4096, batch = 0, s1 = 1, s2 = 3;
  int threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--data") data = v;
    else if (k == "--width") width = std::atol(v.c_str());
    else if (k == "--batch") batch = std::atol(v.c_str());
    else if (k == "--steps") s1 = std::atol(v.c_str()), s2 = std::atol(v.substr(v.find(',') + 1).c_str());
    else if (k == "--threads") threads = std::atoi(v.c_str());
    else {
      std::cerr << "unknown flag " << k << "\n";
      return 2;
    }
  }
  std::unique_ptr<MpiSession> mpi;
  std::unique_ptr<Collective> group;
  if (LaunchedWithMpi()) {
    mpi = std::make_unique<MpiSession>();
    group = mpi->Split(0);
  }
  const int rank = group ? group->rank() : 0, ranks = group ? group->size() : 1;
  SetNumThreads(threads);
  const double gemm = rank == 0 ? GemmGflops() : 0;
  const Dataset train = LoadData(data);
  nn::TrainOptions o;
  o.width = {static_cast<double>(width)};
  o.loss = "cross-entropy";
  o.lambda = 1e-6;
  o.optimizer = batch > 0 ? "sgd" : "gd";
  o.batch_size = batch;
  o.lr = 0.01;
  o.init_std = {0.05};
  o.log_points = 0;
  double total[2], sum[2];
  for (int r = 0; r < 2; ++r) {
    o.steps = r == 0 ? s1 : s2;
    const nn::TrainSummary s = nn::Train(o, train, nullptr, {}, group.get()).at(0);
    total[r] = s.TotalSeconds();
    sum[r] = Seconds(s, "sum over members");
  }
  const double step = (total[1] - total[0]) / static_cast<double>(s2 - s1);
  const double sum_step = (sum[1] - sum[0]) / static_cast<double>(s2 - s1);
  const double b = static_cast<double>(batch > 0 ? batch : train.n());
  const double params = static_cast<double>(width) * static_cast<double>(train.d() + 10);
  const double flops = 6.0 * b * params;  // forward 2·b·P, backward 4·b·P
  if (rank == 0)
    std::printf(
        "{\"ranks\": %d, \"threads\": %d, \"width\": %ld, \"batch\": %ld, \"n\": %ld, \"d\": %ld, "
        "\"params\": %.0f, \"step_s\": %.6g, \"sum_s\": %.6g, \"eval_and_setup_s\": %.6g, "
        "\"step_gflops\": %.4g, \"gemm_gflops_rank0\": %.4g, \"steps\": [%ld, %ld]}\n",
        ranks, threads, width, batch, static_cast<long>(train.n()), static_cast<long>(train.d()), params,
        step, sum_step, total[0] - static_cast<double>(s1) * step, flops / step * 1e-9, gemm, s1, s2);
  return 0;
}
