// Trial kind "meanfield-flow": the perturbed Wasserstein gradient flow (Wei et al. eq. 3.2,
// §3, Thm 3.3 / E.21; meanfield/flow.hpp) against the certified global optimum
// L* = inf_ρ L[ρ] (margin::GlobalOptimum, rescaled to Example 3.2's sum-of-losses objective).
//
// Parameters: `data` (±1 labels) and every meanfield::FlowOptions field (lambda, eta, sigma,
// temperature, steps, injection, inject, budget, protect, init, particles, init_radius,
// cone_angle, log_points, log_spacing, oracle, reference, target_gap, time_limit); the seed is
// the trial's. Trace (logged steps): time, objective, best (= min_{s≤t} L[ρ_s]), gap
// (L − L*_lower), min_first_variation (λ − M(α)/2: ≥ 0 iff optimal), dual_lower, mass,
// particles, train_error. Finals: L0, best, best_gap (min_t L − L*_lower), final_gap,
// reference_lower/upper/certified, steps_to_1e-k and time_to_1e-k for k = 1…6 (first step /
// time t = step·η with gap ≤ 10^-k; NaN if never), min_first_variation (last logged step),
// mass_error (max |mass − 1| over the logged steps), particles, renormalized (particles moved
// back into double's range, meanfield/measure.hpp), steps_per_second. A diverged flow fails
// the trial.
#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/data/source.hpp"
#include "experiment/kinds.hpp"
#include "marginlab/meanfield/flow.hpp"

namespace marginlab::experiment {

namespace {
meanfield::FlowOptions FlowOptionsForTrial(const TrialSpec& spec, std::string* data) {
  ParamMap params = spec.params;
  ML_REQUIRE(params.Take("data", data)) << params.context() << ": meanfield-flow needs a 'data' parameter";
  meanfield::FlowOptions o;
  ApplyParams(params, o);
  o.seed = spec.seed;
  o.threads = 1;  // trials run in parallel
  return o;
}
}  // namespace

void CheckMeanFieldFlowTrial(const TrialSpec& spec) {
  std::string data;
  FlowOptionsForTrial(spec, &data);
  CheckDataSpec(data, spec.params.context() + " data");
}

TrialResult RunMeanFieldFlowTrial(const TrialSpec& spec) {
  const ParamMap& params = spec.params;
  std::string data;
  const meanfield::FlowOptions o = FlowOptionsForTrial(spec, &data);
  const Dataset ds = LoadData(data, params.context() + " data");
  ML_REQUIRE(ds.kind == LabelKind::kBinary)
      << params.context() << ": meanfield-flow needs ±1 labels (" << ds.source << ")";
  const meanfield::FlowSummary s = meanfield::RunFlow(ds.X, ds.y, o);
  // A diverged flow has no L[ρ_t] past the divergence: its finals would read as a finished run
  // of fewer steps. The trial fails, with the flow's message, and the run reports it.
  if (s.termination == Termination::kDiverged)
    throw Error(params.context() + ": the flow diverged after " + std::to_string(s.steps_done) +
                " of " + std::to_string(o.steps) + " steps: " + s.message);
  TrialResult r;
  double mass_error = 0;
  struct Collect {  // the stored fields of a record (FlowRecord::Fields)
    std::vector<std::pair<std::string, double>> v;
    void Metric(const char* name, double x) { v.emplace_back(name, x); }
    void Count(const char* name, long x) { v.emplace_back(name, static_cast<double>(x)); }
    void Step(const char*, double) {}
    void Detail(const char*, double) {}
    void Flag(const char*, bool) {}
  };
  for (const auto& x : s.trace) {
    Collect c;
    x.Fields(c);
    r.trace.push_back({x.step, std::move(c.v)});
    mass_error = std::max(mass_error, std::abs(x.mass - 1));
  }
  ML_CHECK(!s.trace.empty()) << "meanfield-flow: empty trace";
  r.AddFinal("L0", s.trace.front().objective);
  r.AddFinal("best", s.best);
  r.AddFinal("final_objective", s.trace.back().objective);
  r.AddFinal("reference_lower", s.reference.lower);
  r.AddFinal("reference_upper", s.reference.upper);
  r.AddFinal("reference_certified", s.reference.certified ? 1.0 : 0.0);
  r.AddFinal("best_gap", s.best - s.reference.lower);
  r.AddFinal("final_gap", s.trace.back().gap);
  for (std::size_t k = 0; k < std::size(meanfield::FlowSummary::kGapLevels); ++k) {
    const long step = k < s.first_below.size() ? s.first_below[k] : -1;
    const std::string tag = "1e-" + std::to_string(k + 1);
    r.AddFinal("steps_to_" + tag, step >= 0 ? static_cast<double>(step) : NAN);
    r.AddFinal("time_to_" + tag, step >= 0 ? static_cast<double>(step) * o.eta : NAN);
  }
  r.AddFinal("min_first_variation", s.trace.back().min_first_variation);
  r.AddFinal("mass_error", mass_error);
  r.AddFinal("particles", static_cast<double>(s.final.size()));
  r.AddFinal("steps_done", static_cast<double>(s.steps_done));
  r.AddFinal("renormalized", static_cast<double>(s.renormalized));
  r.AddFinal("steps_per_second", s.steps_per_second);
  return r;
}

}  // namespace marginlab::experiment
