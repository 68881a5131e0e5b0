// Full-batch GD step of the two-layer ReLU net (forward, logistic loss +
// λ‖Θ‖², backward, update), measured through nn::Train itself (steps ≫ 1,
// log_points = 0, so the two metric evaluations are amortized), and the
// machine's GEMM peak (Eigen, and OpenBLAS through cblas) in the same run.
// The PyTorch peer is bench/nn_step_torch.py; bench/run_nn_bench.sh runs both.
//
// BM_Step/<n>/<d>/<m>/<trials>/<threads>/<float32>: rate "steps_per_s" counts
// network steps (trials × steps), "gflops" = (4nmd + 6nm) flops per step.
#include <benchmark/benchmark.h>

#include <cmath>

#include "marginlab/build_config.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/nn/train.hpp"

#if MARGINLAB_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace {
using namespace marginlab;

Dataset MakeData(Index n, Index d) {
  Rng rng(1);
  Dataset ds;
  ds.X = rng.NormalMatrix(n, d, 1.0 / std::sqrt(static_cast<double>(d)));
  ds.y.resize(n);
  for (Index i = 0; i < n; ++i) ds.y[i] = rng.Rademacher();
  ds.source = "bench";
  return ds;
}

void BM_Step(benchmark::State& st) {
  const Index n = st.range(0), d = st.range(1), m = st.range(2);
  const long trials = st.range(3);
  SetNumThreads(static_cast<int>(st.range(4)));
  const Dataset ds = MakeData(n, d);
  nn::TrainOptions o;
  o.width = {static_cast<double>(m)};
  o.lambda = 1e-4;
  o.lr = 1e-3;
  o.log_points = 0;
  o.trials = trials;
  o.dtype = st.range(5) ? "float32" : "double";
  // At least 50 steps and about 1 GFLOP per Train call, so that setup and the two metric
  // evaluations (each about a third of a step) stay near 1% of the time. (This was 0.2 GFLOP
  // with at least 20 steps: at m ≥ 256 the evaluations and allocations were 10–15% of it.)
  const double flops = 4.0 * n * m * d + 6.0 * n * m;
  o.steps = std::max<long>(50, static_cast<long>(1e9 / flops / trials));
  for (auto _ : st) benchmark::DoNotOptimize(nn::Train(o, ds));
  const double steps = static_cast<double>(st.iterations()) * o.steps * trials;
  st.counters["steps_per_s"] = benchmark::Counter(steps, benchmark::Counter::kIsRate);
  st.counters["gflops"] = benchmark::Counter(steps * flops * 1e-9, benchmark::Counter::kIsRate);
  SetNumThreads(1);
}

void StepArgs(benchmark::internal::Benchmark* b) {
  for (int f32 : {0, 1})
    for (int th : {1, 2}) {
      for (int m : {16, 64, 256, 1024, 4096}) b->Args({200, 20, m, 1, th, f32});
      for (int nm : {50, 100, 200, 500, 1000}) b->Args({nm, 20, nm, 1, th, f32});
      for (int m : {256, 1024}) b->Args({200, 20, m, 20, th, f32});
      b->Args({1000, 20, 4096, 1, th, f32});
    }
}
BENCHMARK(BM_Step)->Apply(StepArgs)->ArgNames({"n", "d", "m", "T", "threads", "f32"})
    ->Unit(benchmark::kMicrosecond)->MinTime(0.3)->UseRealTime();

template <class T>
void BM_EigenGemm(benchmark::State& st) {
  const Index N = st.range(0);
  SetNumThreads(1);
  const MatrixT<T> A = MatrixT<T>::Random(N, N), B = MatrixT<T>::Random(N, N);
  MatrixT<T> C(N, N);
  for (auto _ : st) {
    C.noalias() = A * B;
    benchmark::DoNotOptimize(C.data());
  }
  st.counters["gflops"] = benchmark::Counter(2.0 * N * N * N * st.iterations() * 1e-9,
                                             benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EigenGemm<double>)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EigenGemm<float>)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

#if MARGINLAB_HAVE_OPENBLAS
template <class T>
void BM_BlasGemm(benchmark::State& st) {
  const Index N = st.range(0);
  SetNumThreads(static_cast<int>(st.range(1)));
  const MatrixT<T> A = MatrixT<T>::Random(N, N), B = MatrixT<T>::Random(N, N);
  MatrixT<T> C(N, N);
  const int n = static_cast<int>(N);
  for (auto _ : st) {
    if constexpr (std::is_same_v<T, double>)
      cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A.data(), n, B.data(), n,
                  0.0, C.data(), n);
    else
      cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, A.data(), n, B.data(),
                  n, 0.0f, C.data(), n);
    benchmark::DoNotOptimize(C.data());
  }
  st.counters["gflops"] = benchmark::Counter(2.0 * N * N * N * st.iterations() * 1e-9,
                                             benchmark::Counter::kIsRate);
  SetNumThreads(1);
}
BENCHMARK(BM_BlasGemm<double>)->Args({1024, 1})->Args({1024, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BlasGemm<float>)->Args({1024, 1})->Args({1024, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

}  // namespace

BENCHMARK_MAIN();
