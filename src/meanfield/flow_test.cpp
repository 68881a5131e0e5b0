#include "marginlab/meanfield/flow.hpp"

#include <unistd.h>

#include <filesystem>

#include "marginlab/core/shared_cache.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

#include "marginlab/core/error.hpp"
#include "marginlab/data/source.hpp"

namespace marginlab::meanfield {
namespace {

margin::OracleOptions Oracle(const char* method) {
  margin::OracleOptions o;
  o.method = method;
  return o;
}


// 2-XOR on {±1}² (no bias): L* is certified by the exact oracle, and a single neuron
// cannot do better than the zero function (L = 4 log 2).
Dataset Xor() { return LoadData("xor:d=2,n=4", "test"); }

FlowOptions XorOptions() {
  FlowOptions o;
  o.lambda = 0.01;
  o.eta = 0.05;
  o.steps = 8000;
  o.init.law = "point";
  o.init.particles = 10;
  o.budget = 200;
  o.log_points = 20;
  return o;
}

TEST(MeanFieldFlow, MassStaysOneUnderDecayInjectionAndPruning) {
  const Dataset ds = Xor();
  FlowOptions o = XorOptions();
  o.sigma = 0.5;  // heavy injection: pruning at every step once the budget of 50 is reached
  o.budget = 50;
  o.inject = 3;
  o.steps = 5000;
  o.oracle = "none";
  const FlowSummary s = RunFlow(ds.X, ds.y, o);
  ASSERT_EQ(s.termination, Termination::kMaxIterations);
  EXPECT_EQ(s.final.size(), 50);
  for (const auto& r : s.trace) EXPECT_NEAR(r.mass, 1.0, 1e-12) << "step " << r.step;
  EXPECT_GT(s.trace.back().pruned, 0);
  EXPECT_LT(s.mass_corrected, 1e-11);  // only floating-point residue was handed back
  o.injection = "redraw";
  o.init.particles = 100;
  const FlowSummary t = RunFlow(ds.X, ds.y, o);
  for (const auto& r : t.trace) EXPECT_NEAR(r.mass, 1.0, 1e-12);
  long redrawn = 0;
  for (long b : t.final.born) redrawn += b > 0;
  EXPECT_GT(redrawn, 80);  // 1 − e^{−σηt} ≈ 1 of them
}

TEST(MeanFieldFlow, LongPerturbedRunsStayInsideDoublesRange) {
  // At the perturbed flow's steady state a supported particle keeps its content m‖θ‖²: m decays
  // like e^{−σt} and ‖θ‖² grows like e^{σt}. Without renormalization this teacher run's L[ρ]
  // turned NaN at step 70,719 (σt ≈ 707; the paper-scale thm33 runs at σ = 0.01 at step
  // ≈ 353,000).
  const Dataset ds = LoadData("teacher:d=3,n=20,k=4", "test");
  FlowOptions o;
  o.lambda = 0.01;
  o.eta = 0.2;
  o.sigma = 0.05;
  o.steps = 80000;
  o.budget = 100;
  o.init.law = "point";
  o.init.particles = 20;
  o.log_points = 10;
  o.oracle = "none";
  o.reference = "none";
  o.seed = 16933776299151155455ULL;
  const FlowSummary s = RunFlow(ds.X, ds.y, o);
  ASSERT_EQ(s.termination, Termination::kMaxIterations) << s.message;
  EXPECT_EQ(s.steps_done, 80000);
  EXPECT_GT(s.renormalized, 0);
  for (const auto& r : s.trace) {
    EXPECT_TRUE(std::isfinite(r.objective)) << "step " << r.step;
    EXPECT_NEAR(r.mass, 1.0, 1e-12) << "step " << r.step;
  }
  EXPECT_LT(s.mass_corrected, 1e-10);
  EXPECT_GE(s.final.mass.minCoeff(), 0x1p-501);
}

TEST(MeanFieldFlow, PlainFlowWithSmallStepsNeverIncreasesTheObjective) {
  // σ = 0, η = 1e-3. ReLU makes Φ non-differentiable on {u·x_i = 0} (Wei et al. footnote 3):
  // the descent lemma holds on steps where no particle changes an activation sign, and a
  // particle that reaches a kink can chatter across it. So: every step that increases L must
  // be one where some sign changed; such increases are rare and tiny; L falls overall.
  const Dataset ds = LoadData("teacher:d=3,n=12,k=3", "test");
  const Problem p = Problem::Make(ds.X, ds.y, 0.02);
  InitOptions io;
  io.particles = 200;
  ParticleMeasure rho = InitialMeasure(3, io, Rng(1));
  auto pattern = [&] { return ((rho.U * p.Xt).array() > 0).eval(); };
  Evaluation e = Evaluate(p, rho);
  const double L0 = e.objective;
  long increases = 0;
  const long steps = 20000;
  for (long t = 0; t < steps; ++t) {
    const auto before = pattern();
    Transport(p, rho, e.alpha, 1e-3);
    const Evaluation next = Evaluate(p, rho);
    if (next.objective > e.objective * (1 + 1e-15)) {
      ++increases;
      EXPECT_FALSE((pattern() == before).all()) << "L increased on a smooth step " << t;
      EXPECT_LT(next.objective - e.objective, 1e-6 * e.objective) << "step " << t;
    }
    e = next;
  }
  EXPECT_LT(increases, steps / 100);
  EXPECT_LT(e.objective, 0.5 * L0);
}

TEST(MeanFieldFlow, PerturbedFlowReachesTheCertifiedOptimumWherePlainFlowStalls) {
  const Dataset ds = Xor();
  FlowOptions o = XorOptions();
  o.target_gap = 1e-3;
  const FlowSummary plain = RunFlow(ds.X, ds.y, o);
  ASSERT_TRUE(plain.reference.available && plain.reference.certified);
  EXPECT_LT(plain.reference.upper - plain.reference.lower, 1e-8);
  // σ = 0 from a Dirac start: ρ stays one neuron, which can only reach 4 log 2.
  EXPECT_EQ(plain.first_within_target, -1);
  EXPECT_GT(plain.best - plain.reference.upper, 1.0);
  EXPECT_LT(plain.trace.back().min_first_variation, -0.5);  // the optimality test fails
  o.sigma = 1e-4;
  const FlowSummary pert = RunFlow(ds.X, ds.y, o);
  EXPECT_EQ(pert.termination, Termination::kTargetReached);
  EXPECT_GE(pert.first_within_target, 0);
  EXPECT_LE(pert.best - pert.reference.lower, 1e-3);
  // The dual bound from ρ_t's residuals is a valid lower bound on L*.
  for (const auto& r : pert.trace) EXPECT_LE(r.dual_lower, pert.reference.upper + 1e-9);
}

void ExpectSameReference(const Reference& a, const Reference& b) {
  EXPECT_EQ(a.available, b.available);
  EXPECT_EQ(a.lower, b.lower);  // bit for bit
  EXPECT_EQ(a.upper, b.upper);
  EXPECT_EQ(a.certified, b.certified);
  EXPECT_EQ(a.rounds, b.rounds);
  EXPECT_EQ(a.oracle_mode, b.oracle_mode);
}

TEST(MeanFieldFlow, ReferenceIsComputedOncePerProblemAndEqualsARecomputation) {
  const Dataset ds = Xor();
  const Problem p = Problem::Make(ds.X, ds.y, 0.0125);
  const long before = ReferenceComputations();
  const Reference first = ReferenceOptimum(p, Oracle("auto"));
  EXPECT_EQ(ReferenceComputations(), before + 1);
  ASSERT_TRUE(first.available && first.certified);
  ExpectSameReference(ReferenceOptimum(p, Oracle("auto")), first);
  EXPECT_EQ(ReferenceComputations(), before + 1);  // remembered
  // The key is exact: one ulp in one input, another λ or another oracle is another problem.
  Matrix X = ds.X;
  X(2, 1) = std::nextafter(X(2, 1), 2.0);
  ReferenceOptimum(Problem::Make(X, ds.y, 0.0125), Oracle("auto"));
  EXPECT_EQ(ReferenceComputations(), before + 2);
  ReferenceOptimum(Problem::Make(ds.X, ds.y, 0.025), Oracle("auto"));
  ReferenceOptimum(p, Oracle("exact"));
  EXPECT_EQ(ReferenceComputations(), before + 4);
  // Concurrent callers of a new problem share one computation.
  const Problem q = Problem::Make(ds.X, ds.y, 0.03);
  std::vector<Reference> got(4);
  std::vector<std::thread> threads;
  for (auto& g : got) threads.emplace_back([&g, &q] { g = ReferenceOptimum(q, Oracle("auto")); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ReferenceComputations(), before + 5);
  for (const auto& g : got) ExpectSameReference(g, got[0]);
  // Push `p` out of the cache: computing it again gives the remembered value bit for bit.
  for (std::size_t k = 0; k < kReferenceCacheSize; ++k)
    ReferenceOptimum(Problem::Make(ds.X, ds.y, 0.05 + 0.01 * static_cast<double>(k)), Oracle("auto"));
  const long filled = ReferenceComputations();
  ExpectSameReference(ReferenceOptimum(p, Oracle("auto")), first);
  EXPECT_EQ(ReferenceComputations(), filled + 1);
}

// Another process (simulated: this process's memory cleared by pushing the problem out) finds a
// reference in the run's shared folder and does not compute it; the value is the same bits.
TEST(MeanFieldFlow, ReferenceIsSharedThroughTheRunsFolder) {
  const Dataset ds = Xor();
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("marginlab-lstar-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const SharedCacheScope scope(dir);
  const Problem p = Problem::Make(ds.X, ds.y, 0.0171);
  const long before = ReferenceComputations();
  const Reference first = ReferenceOptimum(p, Oracle("auto"));
  EXPECT_EQ(ReferenceComputations(), before + 1);
  long files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    files += e.path().extension() == ".value" && e.path().filename().string().rfind("meanfield-Lstar-", 0) == 0;
  EXPECT_EQ(files, 1);
  for (std::size_t k = 0; k < kReferenceCacheSize; ++k)  // out of this process's memory
    ReferenceOptimum(Problem::Make(ds.X, ds.y, 0.061 + 0.01 * static_cast<double>(k)), Oracle("auto"));
  const long filled = ReferenceComputations();
  ExpectSameReference(ReferenceOptimum(p, Oracle("auto")), first);
  EXPECT_EQ(ReferenceComputations(), filled);  // read from the folder, not computed
  std::filesystem::remove_all(dir);
}

TEST(MeanFieldFlow, RedrawVariantReachesTheOptimumOnALine) {
  // 1-D inputs with a bias (Wei et al. F.4's setting), sphere start, redraw injection.
  const Dataset ds = LoadData("line1d:n=8", "test");
  FlowOptions o;
  o.lambda = 0.01;
  o.eta = 0.05;
  o.sigma = 1e-3;
  o.injection = "redraw";
  o.init.particles = 400;
  o.steps = 30000;
  o.target_gap = 1e-3;
  const FlowSummary s = RunFlow(ds.X, ds.y, o);
  ASSERT_TRUE(s.reference.certified);
  EXPECT_EQ(s.termination, Termination::kTargetReached) << s.BriefReport();
}

TEST(MeanFieldFlow, SameSeedSameNumbersForAnyThreadCount) {
  const Dataset ds = LoadData("xor:d=5,n=30,seed=3", "test");
  FlowOptions o;
  o.lambda = 0.01;
  o.eta = 0.02;
  o.sigma = 0.05;
  o.temperature = 1e-4;
  o.steps = 300;
  o.init.particles = 600;
  o.budget = 700;
  o.inject = 2;
  o.oracle = "none";
  o.reference = "none";
  const FlowSummary a = RunFlow(ds.X, ds.y, o);
  o.threads = 2;
  const FlowSummary b = RunFlow(ds.X, ds.y, o);
  ASSERT_EQ(a.trace.size(), b.trace.size());
  for (std::size_t k = 0; k < a.trace.size(); ++k) EXPECT_EQ(a.trace[k].objective, b.trace[k].objective);
  EXPECT_TRUE(a.final.U == b.final.U && a.final.w == b.final.w && a.final.mass == b.final.mass);
  o.injection = "redraw";
  const FlowSummary c = RunFlow(ds.X, ds.y, o);
  o.threads = 1;
  const FlowSummary d = RunFlow(ds.X, ds.y, o);
  EXPECT_TRUE(c.final.U == d.final.U && c.final.w == d.final.w);
}

TEST(MeanFieldFlow, BadOptionsNameTheField) {
  const Dataset ds = Xor();
  FlowOptions o;
  o.eta = 0;
  try {
    RunFlow(ds.X, ds.y, o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("eta"), std::string::npos);
  }
  o = {};
  o.injection = "sprinkle";
  EXPECT_THROW(RunFlow(ds.X, ds.y, o), InputError);
  o = {};
  o.target_gap = 1e-3;
  o.reference = "none";
  EXPECT_THROW(RunFlow(ds.X, ds.y, o), InputError);
  // A start of the wrong dimension.
  ParticleMeasure wrong = InitialMeasure(5, {}, Rng(0));
  EXPECT_THROW(RunFlow(ds.X, ds.y, FlowOptions{}, &wrong), InputError);
}

}  // namespace
}  // namespace marginlab::meanfield

namespace marginlab::meanfield {
namespace {

TEST(MeanFieldFlow, LangevinNoiseHasVariance2EtaTau) {
  // One step with temperature τ: θ_1 − (θ_0 + η v(θ_0)) ~ N(0, 2ητ I); checked on 20000
  // particles × 4 coordinates (the sample variance within 5 standard errors).
  const Dataset ds = LoadData("xor:d=3,n=8", "test");
  FlowOptions o;
  o.lambda = 0.05;
  o.eta = 0.01;
  o.temperature = 0.3;
  o.steps = 1;
  o.init.particles = 20000;
  o.oracle = "none";
  o.reference = "none";
  const FlowSummary s = RunFlow(ds.X, ds.y, o);
  ParticleMeasure rho = InitialMeasure(3, o.init, Rng(o.seed).Split(Purpose::kInit));
  const Problem p = Problem::Make(ds.X, ds.y, o.lambda);
  Transport(p, rho, Evaluate(p, rho).alpha, o.eta);
  const Matrix noise = (Matrix(rho.size(), 4) << s.final.w - rho.w, s.final.U - rho.U).finished();
  const double var = noise.squaredNorm() / static_cast<double>(noise.size());
  const double expected = 2 * o.eta * o.temperature;
  EXPECT_NEAR(var, expected, 5 * expected * std::sqrt(2.0 / static_cast<double>(noise.size())));
  EXPECT_NEAR(noise.mean(), 0.0, 5 * std::sqrt(expected / static_cast<double>(noise.size())));
}

}  // namespace
}  // namespace marginlab::meanfield
