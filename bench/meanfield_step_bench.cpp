// One step of the perturbed Wasserstein flow on M particles (meanfield/flow.hpp):
// Evaluate (outputs, L[ρ], α) + Transport (velocity and update), the two passes that
// every step of RunFlow runs, plus the re-draw injection at σ = 1 (the O(redrawn) part),
// against the machine's double GEMM peak measured in the same run (Eigen 1 thread, OpenBLAS
// 1 and 2 threads, N = 1024). Issue 6's shape: M = 1e5, n = 200, d = 20.
//
// BM_FlowStep/<M>/<n>/<d>/<threads>: "steps_per_s", and "gflops" = StepFlops(M, n, d) per
// step (4Mnd + 4Mn: two GEMM-shaped products — Z = U Xᵀ in the forward pass and
// V = (1[Z>0]∘αᵀ) X from its stored activation pattern — and the elementwise passes), as
// RunFlow runs it (Evaluate and Transport sharing a Workspace).
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>

#include "marginlab/build_config.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/meanfield/flow.hpp"

#if MARGINLAB_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace {
using namespace marginlab;
using namespace marginlab::meanfield;

void BM_FlowStep(benchmark::State& st) {
  const Index M = st.range(0), n = st.range(1), d = st.range(2);
  const int threads = static_cast<int>(st.range(3));
  Rng rng(1);
  Matrix X = rng.NormalMatrix(n, d, 1.0 / std::sqrt(static_cast<double>(d)));
  Vector y(n);
  for (Index i = 0; i < n; ++i) y[i] = rng.Rademacher();
  const Problem p = Problem::Make(X, y, 1e-3);
  InitOptions io;
  io.particles = M;
  ParticleMeasure rho = InitialMeasure(d, io, Rng(2));
  std::unique_ptr<BlockPool> pool;
  if (threads > 1) pool = std::make_unique<BlockPool>(threads);
  Workspace ws;
  for (auto _ : st) {
    const Evaluation e = Evaluate(p, rho, pool.get(), &ws);
    Transport(p, rho, e.alpha, 1e-3, pool.get(), nullptr, &ws);
    benchmark::DoNotOptimize(rho.U.data());
  }
  const double steps = static_cast<double>(st.iterations());
  st.counters["steps_per_s"] = benchmark::Counter(steps, benchmark::Counter::kIsRate);
  st.counters["gflops"] = benchmark::Counter(steps * StepFlops(M, n, d) * 1e-9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FlowStep)
    ->Args({100000, 200, 20, 1})
    ->Args({100000, 200, 20, 2})
    ->Args({10000, 200, 20, 1})
    ->Args({10000, 200, 20, 2})
    ->ArgNames({"M", "n", "d", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->UseRealTime();

// The whole RunFlow loop (σ = 1, redraw injection, no diagnostics) at the same shape.
void BM_RunFlow(benchmark::State& st) {
  const Index M = st.range(0), n = st.range(1), d = st.range(2);
  Rng rng(1);
  Matrix X = rng.NormalMatrix(n, d, 1.0 / std::sqrt(static_cast<double>(d)));
  Vector y(n);
  for (Index i = 0; i < n; ++i) y[i] = rng.Rademacher();
  FlowOptions o;
  o.lambda = 1e-3;
  o.eta = 1e-3;
  o.sigma = 1;
  o.injection = "redraw";
  o.init.particles = M;
  o.steps = 20;
  o.log_points = 0;
  o.oracle = "none";
  o.reference = "none";
  o.threads = static_cast<int>(st.range(3));
  double sps = 0;
  for (auto _ : st) sps = RunFlow(X, y, o).steps_per_second;
  st.counters["steps_per_s"] = sps;
}
BENCHMARK(BM_RunFlow)
    ->Args({100000, 200, 20, 2})
    ->ArgNames({"M", "n", "d", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->UseRealTime();

void BM_EigenGemm(benchmark::State& st) {
  const Index N = st.range(0);
  const Matrix A = Matrix::Random(N, N), B = Matrix::Random(N, N);
  Matrix C(N, N);
  for (auto _ : st) {
    C.noalias() = A * B;
    benchmark::DoNotOptimize(C.data());
  }
  st.counters["gflops"] =
      benchmark::Counter(2.0 * N * N * N * st.iterations() * 1e-9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EigenGemm)->Arg(1024)->Unit(benchmark::kMillisecond)->MinTime(1.0)->UseRealTime();

#if MARGINLAB_HAVE_OPENBLAS
void BM_BlasGemm(benchmark::State& st) {
  const Index N = st.range(0);
  SetNumThreads(static_cast<int>(st.range(1)));
  const Matrix A = Matrix::Random(N, N), B = Matrix::Random(N, N);
  Matrix C(N, N);
  const int n = static_cast<int>(N);
  for (auto _ : st) {
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A.data(), n, B.data(), n,
                0.0, C.data(), n);
    benchmark::DoNotOptimize(C.data());
  }
  st.counters["gflops"] =
      benchmark::Counter(2.0 * N * N * N * st.iterations() * 1e-9, benchmark::Counter::kIsRate);
  SetNumThreads(1);
}
BENCHMARK(BM_BlasGemm)->Args({1024, 1})->Args({1024, 2})->Unit(benchmark::kMillisecond)->MinTime(1.0)->UseRealTime();
#endif

}  // namespace

BENCHMARK_MAIN();
