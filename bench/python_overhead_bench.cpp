// The C++ side of the Python call-overhead benchmark (issue 22): the same two calls that
// bench/python_bench.py makes through `import marginlab`, on the same data, so that the ratio
// Python / C++ is the module's overhead (argument checks, conversion, the GIL, result hand-over).
//
//   BM_Gram          kernel::Gram, NTK, n = 2000, d = 100 (teacher:d=100,n=2000,seed=1)
//   BM_Train         nn::Train, 1000 full-batch GD steps, n = 200, d = 20, m = 256 (teacher:d=20,n=200,seed=1)
// Two threads (PYTHON_BENCH_THREADS), as the Python side.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "marginlab/core/threads.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/kernel/gram.hpp"
#include "marginlab/nn/train.hpp"

namespace ml = marginlab;

namespace {
int Threads() {
  const char* v = std::getenv("PYTHON_BENCH_THREADS");
  return v ? std::atoi(v) : 2;
}

void BM_Gram(benchmark::State& state) {
  ml::SetNumThreads(Threads());
  const ml::Dataset ds = ml::LoadData("teacher:d=100,n=2000,seed=1");
  ml::kernel::KernelOptions o;
  for (auto _ : state) benchmark::DoNotOptimize(ml::kernel::Gram(o, ds.X).data());
}
BENCHMARK(BM_Gram)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(21)->ReportAggregatesOnly(false);

void BM_Train(benchmark::State& state) {
  ml::SetNumThreads(Threads());
  const ml::Dataset ds = ml::LoadData("teacher:d=20,n=200,seed=1");
  ml::nn::TrainOptions o;
  o.width = {256};
  o.steps = 1000;
  o.lambda = 1e-3;
  o.log_points = 5;
  for (auto _ : state) benchmark::DoNotOptimize(ml::nn::Train(o, ds).size());
}
BENCHMARK(BM_Train)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(21)->ReportAggregatesOnly(false);
}  // namespace

BENCHMARK_MAIN();
