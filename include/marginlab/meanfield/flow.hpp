// The perturbed Wasserstein gradient flow of Wei et al. eq. 3.2 in discrete time
// (§3 and E.3, Thm 3.3 / E.21), on weighted particles, with its diagnostics.
//
//   ρ_{t+1} = ρ_t + η(−σρ_t + σU^d − ∇·(v[ρ_t]ρ_t))
//
// One step from ρ_t (v from functional.hpp, evaluated on ρ_t):
//   1. transport   θ_j ← θ_j + η v[ρ_t](θ_j) for every particle;
//   2. decay       m_j ← e^{−ση} m_j (exact, not 1 − ση);
//   3. injection   of mass 1 − e^{−ση} from U^d (uniform on S^d ⊂ R^{d+1}), either
//        append — K = `inject` new particles of mass (1 − e^{−ση})/K each, then, past the
//                 particle `budget`, pruning with exact mass hand-over (measure.hpp:
//                 PruneToBudget): least content first among particles that are neither
//                 young (< `protect` steps) nor growing (L′[ρ](θ̄) < −σ/4: in a descent
//                 direction). Total mass stays 1: the floating-point residue of 1 − Σm
//                 (~1e-16 per step) is handed to the heaviest particle by the same exact
//                 re-parameterization and reported as mass_corrected; a particle whose
//                 mass falls below 2^-500 (σt ≳ 345) is moved back to ‖θ‖ ≈ 1 by that
//                 symmetry, with mass from the heaviest (measure.hpp: RenormalizeTinyMasses;
//                 τ = 0 only), so long runs neither underflow nor overflow;
//        redraw — at a fixed count: each particle independently, with probability
//                 1 − e^{−ση}, is re-drawn from U^d keeping its mass (steps 2–3 in
//                 expectation: E ρ_{t+1} = e^{−ση}ρ + (1 − e^{−ση})U^d). Indices are
//                 found by geometric skipping, so the cost is O(redrawn), not O(M);
//   4. Langevin    (comparison; Mei–Montanari–Nguyen 2018) with temperature τ > 0:
//                 θ_j += √(2ητ) ξ_j, ξ_j ~ N(0, I_{d+1}) — noisy particle GD, the
//                 discretization of the flow of L[ρ] + τ ∫ρ log ρ.
// σ = 0 and τ = 0 give plain mean-field particle gradient descent.
//
// Random numbers: the start from Rng(seed).Split(kInit); step t's injection from
// Rng(seed).Split(kInjection).Split(t) and its Langevin noise from
// Rng(seed).Split(kLangevin).Split(t): identical for every thread count.
//
// Diagnostics, at the logged steps (L[ρ_t] itself is computed at every step, so
// min_{s≤t} L[ρ_s] — the quantity of Thm 3.3 — and the first step reaching a
// gap ε are exact): the data term R and ∫V, total mass, particle count, the
// first variation's minimum over the sphere
//     min_{‖θ‖=1} L′[ρ](θ) = λ − M(α)/2
// (with w² + ‖u‖² = 1 the best split is |w| = ‖u‖ = 1/√2; M the best-neuron
// oracle of margin/best_neuron.hpp), which is ≥ 0 exactly at the global optimum
// (Chizat–Bach / Wei et al. E: 2-homogeneous Φ and V); and a certified lower
// bound on L* = inf_ρ L[ρ] from the Fenchel dual of the equivalent convex problem
// (margin/certify.hpp on EquivalentNetwork, λ/n, times n). The reference L* is
// the bracket of margin::GlobalOptimum (certified when the effective dimension
// allows the exact or branch-and-bound oracle).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/core/log_steps.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/margin/best_neuron.hpp"
#include "marginlab/meanfield/functional.hpp"
#include "marginlab/meanfield/measure.hpp"
#include "marginlab/meanfield/reference.hpp"

namespace marginlab::meanfield {

struct FlowRecord;

// The flow's choices as its algorithm sees them (strings at the edge — Fields, flags, TOML —
// enums inside, resolved once by FlowOptions' accessors below).
enum class Injection { kAppend, kRedraw };
enum class ReferenceChoice { kAuto, kGlobal, kNone };

struct FlowOptions {
  double lambda = 1e-2;              // λ of V = λ‖θ‖² (with R the SUM of logistic losses)
  double eta = 0.01;                 // step η
  double sigma = 0;                  // σ of eq. 3.2 (0: plain particle GD)
  double temperature = 0;            // τ of the Langevin variant (0: off)
  long steps = 10000;                // step budget
  std::string injection = "append";  // append | redraw
  long inject = 1;                   // append: particles added per step
  long budget = 2000;                // append: particle budget (pruning beyond it)
  long protect = 0;                  // append: steps a new particle is safe from pruning (0: ⌈1/η⌉)
  InitOptions init;                  // the start ρ_0
  std::uint64_t seed = 0;
  int threads = 0;                   // 0: marginlab's thread count (--threads of the CLI)
  long log_points = 50;              // logged steps besides 0 and the last
  std::string log_spacing = "log";   // log | linear
  std::string oracle = "auto";       // diagnostics' best-neuron oracle: auto | exact | bnb | ascent | none
  std::string reference = "auto";    // L*: auto (when the oracle certifies) | global | none
  double target_gap = 0;             // stop when L[ρ_t] − (certified lower end of L*) ≤ this (0: off)
  double time_limit = 0;             // seconds (0: off)
  // Called with every logged record but the last (core/options.hpp Observer; FlowRecord is below);
  // false stops the flow (Termination::kStopped). Not a parameter (no Fields entry).
  Observer<FlowRecord> observer;

  template <class V>
  void Fields(V& v) {
    v("lambda", lambda, "λ of V(θ) = λ‖θ‖² (R is the sum of logistic losses, Example 3.2)");
    v("eta", eta, "step size η");
    v("sigma", sigma, "noise rate σ of eq. 3.2 (0 = plain particle gradient descent)");
    v("temperature", temperature, "Langevin temperature τ (0 = off)");
    v("steps", steps, "step budget");
    v("injection", injection, "{choices} (append: K new particles per step, pruning; redraw: a fixed count)",
      Injections());
    v("inject", inject, "append: particles injected per step (K)");
    v("budget", budget, "append: maximum particle count");
    v("protect", protect, "append: steps a new particle is safe from pruning (0 = ceil(1/eta))");
    v("init", init.law, "start (point: a Dirac mass, one neuron)", InitOptions::Laws());
    v("particles", init.particles, "initial particle count M");
    v("init_radius", init.radius, "initial ‖θ‖ of every particle");
    v("cone_angle", init.angle, "cone start: half-angle in radians");
    v("seed", seed, "random seed");
    v("threads", threads, "threads, 0 = the global setting (results do not depend on it)");
    v("log_points", log_points, "logged steps besides 0 and the last");
    v("log_spacing", log_spacing, "", LogSpacingNames());
    v("oracle", oracle, "diagnostics: {choices} (ascent: uncertified)", Oracles());
    v("reference", reference, "L*", References());
    v("target_gap", target_gap, "stop when L - L*_lower <= this (0 = off)");
    v("time_limit", time_limit, "wall-clock budget in seconds (0 = off)");
  }
  std::string Validate() const;
  // "" when `field` is used with this injection and start, else why not (core/params.hpp).
  std::string Unused(const std::string& field) const;
  Injection injection_kind() const;
  ReferenceChoice reference_kind() const;
  // The diagnostics' best-neuron oracle (none: oracle = none) and the reference's (oracle = none
  // still computes L*, with auto).
  std::optional<margin::OracleOptions> DiagnosticOracle() const;
  margin::OracleOptions ReferenceOracle() const;
  static const std::vector<std::string>& Injections();  // append, redraw
  static const std::vector<std::string>& Oracles();     // margin::OracleMethods() and none
  static const std::vector<std::string>& References();  // auto, global, none
};

struct FlowRecord {
  long step = 0;
  double time = 0;                  // t = step · η
  double seconds = 0;               // wall clock
  double objective = 0, data = 0, reg = 0;  // L[ρ_t], R, ∫V
  double best = 0;                  // min_{s ≤ t} L[ρ_s]
  double mass = 0;
  long particles = 0;
  double second_moment = 0;         // Σ m_j ‖θ_j‖²
  double train_error = 0;           // fraction with y_i a_i ≤ 0
  // Diagnostics (NaN when oracle = none):
  double min_first_variation = NAN;        // λ − M_found/2 (≥ the true minimum)
  double min_first_variation_lower = NAN;  // λ − M̄/2 (certified when `certified`)
  double dual_lower = NAN;                 // certified lower bound on L* from ρ_t's residuals
  bool certified = false;
  double gap = NAN;                 // L[ρ_t] − L*_lower (NaN without a reference)
  double pruned = 0;                // content removed by pruning so far

  // The one list of a record's fields (as nn::TrainRecord::Fields): v.Metric — stored by the
  // experiments and printed by meanfield --json; v.Count — an integer, both; v.Detail — printed
  // only (the store keeps the trace lean); v.Step — the step and the wall clock, printed only
  // (the store has its own columns); v.Flag — a yes/no, printed only.
  template <class V>
  void Fields(V& v) const {
    v.Metric("time", time);
    v.Metric("objective", objective);
    v.Metric("best", best);
    v.Metric("gap", gap);
    v.Metric("min_first_variation", min_first_variation);
    v.Metric("dual_lower", dual_lower);
    v.Metric("mass", mass);
    v.Count("particles", particles);
    v.Metric("train_error", train_error);
    v.Step("step", step);
    v.Step("seconds", seconds);
    v.Detail("data", data);
    v.Detail("reg", reg);
    v.Detail("second_moment", second_moment);
    v.Detail("min_first_variation_lower", min_first_variation_lower);
    v.Detail("pruned", pruned);
    v.Flag("certified", certified);
  }
};

struct FlowSummary : SummaryBase {
  std::vector<FlowRecord> trace;
  Reference reference;
  long steps_done = 0;
  double best = 0;                  // min over all steps of L[ρ_t]
  long best_step = 0;
  long first_within_target = -1;    // first step with L − L*_lower ≤ target_gap (−1: never/off)
  // With a reference: first step with L[ρ_t] − L*_lower ≤ kGapLevels[k] (−1: never).
  static constexpr double kGapLevels[] = {1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6};
  std::vector<long> first_below;
  double steps_per_second = 0;
  double mass_corrected = 0;        // Σ over steps of the rounding residue returned (see flow.cpp)
  long renormalized = 0;            // particles moved back into double's range (RenormalizeTinyMasses)
  ParticleMeasure final;
  std::string BriefReport() const;

  // Output keys (core/options.hpp): `meanfield --json`'s summary line and Python's flow dict (the
  // trace records are FlowRecord::Fields).
  template <class V>
  void Fields(V& v) const {
    OutcomeFields(*this, v);
    v("steps", steps_done);
    v("best", best);
    v("best_step", best_step);
    v("first_within_target", first_within_target);
    v("first_below", first_below);
    v("gap_levels", std::vector<double>(std::begin(kGapLevels), std::end(kGapLevels)));
    v("steps_per_second", steps_per_second);
    v("mass_corrected", mass_corrected);
    v("renormalized", renormalized);
    v("particles", static_cast<long>(final.size()));
    v("reference", reference);
  }
};

// Diagnostics of ρ (fills the NaN fields of a record) with the best-neuron oracle `oracle`.
void Diagnose(const Problem& p, const ParticleMeasure& rho, const margin::OracleOptions& oracle, FlowRecord& r);

// Runs the flow from opts.init on (X, y). `start` (optional) replaces the initial measure.
FlowSummary RunFlow(const Matrix& X, const Vector& y, const FlowOptions& opts,
                    const ParticleMeasure* start = nullptr);

}  // namespace marginlab::meanfield
