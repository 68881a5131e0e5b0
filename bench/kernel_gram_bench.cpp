// Kernel benchmarks (issue 4): Gram-matrix throughput of the fused GEMM + SLEEF tile pass,
// the blocked Cholesky against LAPACK dpotrf, and the Falkon-style solver at scale.
// Run by bench/run_kernel_bench.sh beside the numpy peer bench/kernel_gram_numpy.py.
//
//   BM_Gram/n/d            K(X, X) exploiting symmetry (each off-diagonal tile once)
//   BM_CrossGram/n/d       K(X, X) as a cross Gram (every entry computed: like numpy)
//   BM_Cholesky/n, BM_Dpotrf/n
//   BM_FalkonVsDense/n     Falkon PCG against the dense Cholesky solve of (K + λI)β = y
//   BM_Falkon/n            the matrix-free solve alone (n = 100,000 in the driver)
//   BM_SymmetricEigen/m/n  the ridge path's eigendecomposition: m = 0 LAPACK dsyevd, 1 dsyevr,
//                          2 Eigen's SelfAdjointEigenSolver (the path's solver before 2026-11-23)
// Data: the teacher generator's sphere inputs (d = 100 for the solvers), NTK with r_w = r_u = 1.
// KERNEL_BENCH_LAMBDA_PER_N (λ = that·n, default 1e-5) and KERNEL_BENCH_CENTERS (M, default 3000).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "marginlab/core/rng.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/kernel/dense_cholesky.hpp"
#include "marginlab/kernel/falkon.hpp"
#include "marginlab/kernel/gram.hpp"
#include "marginlab/kernel/symmetric_eigen.hpp"

namespace ml = marginlab;
namespace mk = marginlab::kernel;

namespace {
double EnvDouble(const char* name, double fallback) {
  const char* v = std::getenv(name);
  return v ? std::atof(v) : fallback;
}
int Threads() { return static_cast<int>(EnvDouble("KERNEL_BENCH_THREADS", 2)); }

// Kernel (system) CPU seconds this process has used so far, all threads: for a fresh n×n result
// this is mostly first-touch page faults (zeroing and mapping the result's pages).
double SystemSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_stime.tv_sec) + 1e-6 * static_cast<double>(ru.ru_stime.tv_usec);
}

ml::Matrix Points(ml::Index n, ml::Index d, std::uint64_t seed) {
  ml::Rng rng(seed);
  ml::Matrix X = rng.NormalMatrix(n, d);
  X.rowwise().normalize();
  return X;
}

void BM_Gram(benchmark::State& state) {
  ml::SetNumThreads(Threads());
  const ml::Matrix X = Points(state.range(0), state.range(1), 1);
  mk::KernelOptions k;
  const double sys0 = SystemSeconds();
  for (auto _ : state) benchmark::DoNotOptimize(mk::Gram(k, X).data());
  state.counters["system_seconds"] = benchmark::Counter(SystemSeconds() - sys0, benchmark::Counter::kAvgIterations);
  const double entries = static_cast<double>(X.rows()) * static_cast<double>(X.rows());
  state.counters["entries_per_second"] = benchmark::Counter(entries, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = ml::NumThreads();
}

void BM_CrossGram(benchmark::State& state) {
  ml::SetNumThreads(Threads());
  const ml::Matrix X = Points(state.range(0), state.range(1), 1);
  mk::KernelOptions k;
  const double sys0 = SystemSeconds();
  for (auto _ : state) benchmark::DoNotOptimize(mk::CrossGram(k, X, X).data());
  state.counters["system_seconds"] = benchmark::Counter(SystemSeconds() - sys0, benchmark::Counter::kAvgIterations);
  const double entries = static_cast<double>(X.rows()) * static_cast<double>(X.rows());
  state.counters["entries_per_second"] = benchmark::Counter(entries, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = ml::NumThreads();
}

// The inner products alone, X Xᵀ by Eigen's own (single-threaded) GEMM, for scale.
void BM_GemmOnly(benchmark::State& state) {
  ml::SetNumThreads(Threads());
  const ml::Matrix X = Points(state.range(0), state.range(1), 1);
  ml::Matrix G(X.rows(), X.rows());
  for (auto _ : state) {
    G.noalias() = X * X.transpose();
    benchmark::DoNotOptimize(G.data());
  }
  const double entries = static_cast<double>(X.rows()) * static_cast<double>(X.rows());
  state.counters["entries_per_second"] = benchmark::Counter(entries, benchmark::Counter::kIsIterationInvariantRate);
}

ml::Matrix SpdMatrix(ml::Index n) {
  ml::SetNumThreads(Threads());
  mk::KernelOptions k;
  ml::Matrix K = mk::Gram(k, Points(n, 100, 2));
  K.diagonal().array() += 1e-2;
  return K;
}

void BM_Cholesky(benchmark::State& state) {
  const ml::Matrix K = SpdMatrix(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    ml::Matrix A = K;
    state.ResumeTiming();
    if (!mk::CholeskyInPlace(A)) state.SkipWithError("not positive definite");
  }
  const double n = static_cast<double>(K.rows());
  state.counters["gflops"] = benchmark::Counter(n * n * n / 3 / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Dpotrf(benchmark::State& state) {
  const ml::Matrix K = SpdMatrix(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    ml::Matrix A = K;
    state.ResumeTiming();
    if (!mk::LapackCholeskyInPlace(A)) state.SkipWithError("not positive definite");
  }
  const double n = static_cast<double>(K.rows());
  state.counters["gflops"] = benchmark::Counter(n * n * n / 3 / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

// The NTK Gram matrix of n sphere points in d = 20 (a ridge path's input), all eigenpairs.
void BM_SymmetricEigen(benchmark::State& state) {
  static const mk::SymmetricEigenMethod kMethods[] = {mk::SymmetricEigenMethod::kDivideAndConquer,
                                                      mk::SymmetricEigenMethod::kRelativelyRobust,
                                                      mk::SymmetricEigenMethod::kEigen};
  ml::SetNumThreads(Threads());
  mk::KernelOptions k;
  const ml::Matrix K = mk::Gram(k, Points(state.range(1), 20, 3));
  std::string method;
  for (auto _ : state) {
    const mk::SymmetricEigen e = mk::DecomposeSymmetric(K, kMethods[state.range(0)]);
    benchmark::DoNotOptimize(e.vectors.data());
    method = e.method;
  }
  state.SetLabel(method);
  const double n = static_cast<double>(K.rows());
  // Nominal count for dsyevd with vectors (LAPACK Users' Guide: ≈ 9n³), as a common yardstick.
  state.counters["nominal_gflops"] = benchmark::Counter(9 * n * n * n / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

// Regression data: the teacher generator (d = 100, sphere inputs), targets f*(x).
ml::Dataset Teacher(ml::Index n) {
  return ml::LoadData("teacher:task=regression,d=100,n=" + std::to_string(n) + ",seed=1");
}

// λ = KERNEL_BENCH_LAMBDA_PER_N · n (default 1e-5: λ/n = 1e-5 in the 1/n-normalized convention).
mk::FalkonOptions FalkonOpts(ml::Index n) {
  mk::FalkonOptions o;
  o.lambda = EnvDouble("KERNEL_BENCH_LAMBDA_PER_N", 1e-5) * static_cast<double>(n);
  o.centers = static_cast<ml::Index>(EnvDouble("KERNEL_BENCH_CENTERS", 3000));
  o.tol = 1e-6;
  o.seed = 1;
  o.on_iteration = [](ml::Index it, double res) { std::fprintf(stderr, "  CG %ld: %.3e\n", static_cast<long>(it), res); };
  return o;
}

void ReportFalkon(benchmark::State& state, const mk::FalkonSummary& s, double seconds, double lambda) {
  state.counters["cg_iterations"] = static_cast<double>(s.iterations);
  state.counters["true_residual"] = s.true_residual;
  state.counters["centers"] = static_cast<double>(s.centers);
  state.counters["lambda"] = lambda;
  state.counters["solve_seconds"] = seconds;
  state.counters["converged"] = s.termination == ml::Termination::kConverged ? 1 : 0;
  for (const auto& [phase, t] : s.timings) state.counters[phase + "_seconds"] = t;
}

void BM_Falkon(benchmark::State& state) {
  ml::SetNumThreads(Threads());
  const ml::Dataset ds = Teacher(state.range(0));
  mk::KernelOptions k;
  mk::FalkonSummary s;
  double seconds = 0;
  for (auto _ : state) {
    ml::Stopwatch sw;
    benchmark::DoNotOptimize(mk::FalkonSolve(k, ds.X, ds.y, FalkonOpts(ds.n()), &s).data());
    seconds = sw.Seconds();
  }
  ReportFalkon(state, s, seconds, FalkonOpts(ds.n()).lambda);
}

void BM_FalkonVsDense(benchmark::State& state) {
  ml::SetNumThreads(Threads());
  const ml::Dataset ds = Teacher(state.range(0));
  mk::KernelOptions k;
  mk::FalkonSummary s;
  double seconds = 0, dense_seconds = 0, rel_diff = 0, dense_residual = 0;
  for (auto _ : state) {
    ml::Stopwatch sw;
    const mk::FalkonOptions fo = FalkonOpts(ds.n());
    const ml::Vector beta = mk::FalkonSolve(k, ds.X, ds.y, fo, &s);
    seconds = sw.Seconds();
    sw.Restart();
    const ml::Matrix K = mk::Gram(k, ds.X);
    const ml::Vector dense = mk::DenseRidgeSolve(K, ds.y, fo.lambda);
    dense_seconds = sw.Seconds();
    rel_diff = (beta - dense).norm() / dense.norm();
    dense_residual = (ds.y - K * dense - fo.lambda * dense).norm() / ds.y.norm();
  }
  ReportFalkon(state, s, seconds, FalkonOpts(ds.n()).lambda);
  state.counters["dense_seconds"] = dense_seconds;
  state.counters["relative_difference_to_dense"] = rel_diff;
  state.counters["dense_residual"] = dense_residual;
}
}  // namespace

BENCHMARK(BM_Gram)->ArgsProduct({{2000, 10000}, {20, 100}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CrossGram)->ArgsProduct({{2000, 10000}, {20, 100}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GemmOnly)->ArgsProduct({{2000, 10000}, {20, 100}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Cholesky)->Arg(20000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_Dpotrf)->Arg(20000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_FalkonVsDense)->Arg(20000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_SymmetricEigen)->ArgsProduct({{0, 1, 2}, {1000, 2000, 4000}})->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_Falkon)->Arg(100000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

BENCHMARK_MAIN();
