// The discrete-time perturbed Wasserstein gradient flow (see the header).
#include "marginlab/meanfield/flow.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <atomic>
#include <deque>
#include <future>
#include <mutex>
#include <cmath>
#include <limits>
#include <memory>
#include <iterator>
#include <sstream>

#include "marginlab/core/block_pool.hpp"
#include "marginlab/core/bytes.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/core/shared_cache.hpp"
#include "marginlab/core/log_steps.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/interrupt.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/objective.hpp"

namespace marginlab::meanfield {

const std::vector<std::string>& FlowOptions::Injections() {
  static const std::vector<std::string> kNames = {"append", "redraw"};
  return kNames;
}

const std::vector<std::string>& FlowOptions::Oracles() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names = margin::OracleMethods();
    names.emplace_back("none");
    return names;
  }();
  return kNames;
}

const std::vector<std::string>& FlowOptions::References() {
  static const std::vector<std::string> kNames = {"auto", "global", "none"};
  return kNames;
}

std::string FlowOptions::Unused(const std::string& field) const {
  if ((field == "inject" || field == "budget" || field == "protect") && injection != "append")
    return "is only used by injection append (injection = " + injection + ")";
  if (field == "cone_angle" && init.law != "cone") return "is only used by init cone (init = " + init.law + ")";
  return "";
}

Injection FlowOptions::injection_kind() const {
  return injection == "append" ? Injection::kAppend : Injection::kRedraw;  // Validate() checked the list
}

ReferenceChoice FlowOptions::reference_kind() const {
  return reference == "global" ? ReferenceChoice::kGlobal
         : reference == "none" ? ReferenceChoice::kNone
                               : ReferenceChoice::kAuto;
}

std::optional<margin::OracleOptions> FlowOptions::DiagnosticOracle() const {
  if (oracle == "none") return std::nullopt;
  margin::OracleOptions o;
  o.method = oracle;
  return o;
}

margin::OracleOptions FlowOptions::ReferenceOracle() const {
  margin::OracleOptions o;
  o.method = oracle == "none" ? "auto" : oracle;
  return o;
}

std::string FlowOptions::Validate() const {
  if (!(lambda > 0) || !std::isfinite(lambda)) return "lambda must be finite and > 0";
  if (!(eta > 0) || !std::isfinite(eta)) return "eta must be > 0";
  if (!(sigma >= 0) || !std::isfinite(sigma)) return "sigma must be ≥ 0";
  if (!(temperature >= 0) || !std::isfinite(temperature)) return "temperature must be ≥ 0";
  if (steps < 0) return "steps must be ≥ 0";
  if (!IsChoice(Injections(), injection))
    return "injection must be " + JoinWords(Injections()) + " (got '" + injection + "')";
  if (inject < 1) return "inject must be ≥ 1";
  if (budget < 1) return "budget must be ≥ 1";
  if (protect < 0) return "protect must be ≥ 0";
  if (std::string t = ThreadCountProblem(threads); !t.empty()) return t;
  if (log_points < 0 || log_points > 1'000'000) return "log_points must be from 0 to 1e6";
  if (!IsChoice(LogSpacingNames(), log_spacing)) return "log_spacing must be " + JoinWords(LogSpacingNames());
  if (!IsChoice(Oracles(), oracle)) return "oracle must be " + JoinWords(Oracles()) + " (got '" + oracle + "')";
  if (!IsChoice(References(), reference))
    return "reference must be " + JoinWords(References()) + " (got '" + reference + "')";
  if (!(target_gap >= 0) || !std::isfinite(target_gap)) return "target_gap must be finite and ≥ 0";
  if (!(time_limit >= 0) || !std::isfinite(time_limit)) return "time_limit must be finite and ≥ 0 (0 = off)";
  if (target_gap > 0 && reference == "none") return "target_gap needs a reference (reference = none)";
  return init.Validate();
}

namespace {


// Outputs of ρ as a network, for the training error.
double TrainError(const Problem& p, const Evaluation& e) {
  if (!e.a.allFinite()) return std::numeric_limits<double>::quiet_NaN();  // no prediction
  Index wrong = 0;
  for (Index i = 0; i < p.n(); ++i) wrong += p.y[i] * e.a[i] <= 0;
  return static_cast<double>(wrong) / static_cast<double>(p.n());
}

// Floating-point decay, injection and pruning move the total mass off 1 by ~1e-16 per step, and
// at a steady state these roundings repeat with the same sign (the same numbers recur), so the
// drift grows linearly: 2e-12 after 1e5 steps. The residue 1 − Σ m_j (compensated sum) is
// handed to the heaviest particle with the exact 2-homogeneous re-parameterization of
// measure.hpp, so ∫Φ dρ and ∫V dρ do not change. A residue beyond 1e-9 is not rounding but a
// bug, and throws. Returns |residue|.
double ReturnRoundingResidue(ParticleMeasure& rho) {
  double sum = 0, comp = 0;  // Neumaier summation
  Index heaviest = 0;
  for (Index j = 0; j < rho.size(); ++j) {
    const double m = rho.mass[j], t = sum + m;
    comp += std::abs(sum) >= std::abs(m) ? (sum - t) + m : (m - t) + sum;
    sum = t;
    if (m > rho.mass[heaviest]) heaviest = j;
  }
  const double residue = (1 - sum) - comp;
  ML_CHECK(std::abs(residue) <= 1e-9) << "meanfield: total mass " << sum + comp << " is not 1";
  const double m = rho.mass[heaviest], scale = std::sqrt(m / (m + residue));
  rho.w[heaviest] *= scale;
  rho.U.row(heaviest) *= scale;
  rho.mass[heaviest] = m + residue;
  return std::abs(residue);
}

}  // namespace

void Diagnose(const Problem& p, const ParticleMeasure& rho, const margin::OracleOptions& oracle, FlowRecord& r) {
  margin::CertifyOptions c;
  c.loss = "logistic";
  c.lambda = margin::MeanConventionLambda(p.lambda, p.n());
  c.oracle = oracle;
  const margin::GapCertificate g = margin::CertifyNetwork(EquivalentNetwork(rho), p.X, p.y, c);
  // CertifyNetwork's oracle prices β = α/n: M(α) = n · M(β).
  const double nn = static_cast<double>(p.n());
  r.min_first_variation = p.lambda - nn * g.oracle_value / 2;
  r.min_first_variation_lower = p.lambda - nn * g.oracle_upper / 2;
  r.dual_lower = nn * g.lower_bound;
  r.certified = g.certified;
}

std::string FlowSummary::BriefReport() const {
  std::ostringstream o;
  o << ToString(termination) << " after " << steps_done << " steps";
  if (!trace.empty()) {
    const FlowRecord& r = trace.back();
    o << "; L = " << r.objective << " (best " << best << " at step " << best_step << "), mass "
      << r.mass << ", " << r.particles << " particles";
    if (reference.available)
      o << "; L* in [" << reference.lower << ", " << reference.upper << "]"
        << (reference.certified ? " (certified)" : " (uncertified)");
  }
  if (!message.empty()) o << " (" << message << ")";
  return o.str();
}

FlowSummary RunFlow(const Matrix& X, const Vector& y, const FlowOptions& opts,
                    const ParticleMeasure* start) {
  ValidateOrThrow(opts, "meanfield");
  const Problem p = Problem::Make(X, y, opts.lambda);
  const Rng root(opts.seed);
  {
    // The most particles the flow can hold: the start, then (append) up to `budget` kept plus
    // the `inject` of one step, but never more than the start plus every injection; a particle
    // is its direction, mass and a few per-particle work vectors.
    const std::uint64_t start_m = start ? static_cast<std::uint64_t>(start->size())
                                        : static_cast<std::uint64_t>(opts.init.particles);
    std::uint64_t most = start_m;
    if (opts.injection_kind() == Injection::kAppend && opts.sigma > 0) {
      const std::uint64_t grown = SaturatingAdd(start_m, SaturatingMul(static_cast<std::uint64_t>(opts.steps),
                                                                        static_cast<std::uint64_t>(opts.inject)));
      most = std::max(start_m, std::min(grown, SaturatingAdd(static_cast<std::uint64_t>(opts.budget),
                                                              static_cast<std::uint64_t>(opts.inject))));
    }
    RequireMemory(SaturatingMul(most, SaturatingMul(static_cast<std::uint64_t>(p.d()) + 8, 3 * sizeof(double))),
                  "meanfield: up to " + std::to_string(most) + " particles in d = " + std::to_string(p.d()) +
                      " (particles, inject, budget)");
  }
  ParticleMeasure rho = start ? *start : InitialMeasure(p.d(), opts.init, root.Split(Purpose::kInit));
  rho.Check();
  ML_REQUIRE(rho.dim() == p.d()) << "meanfield: the start has dimension " << rho.dim()
                                 << " but the data have d = " << p.d();
  std::unique_ptr<BlockPool> pool;
  const int threads = opts.threads > 0 ? opts.threads : NumThreads();
  if (threads > 1) pool = std::make_unique<BlockPool>(threads);

  FlowSummary s;
  Stopwatch total;
  // The reference L*.
  const Index rank = margin::RowSpaceBasis(p.X).cols();
  const ReferenceChoice reference = opts.reference_kind();
  const bool want_ref = reference == ReferenceChoice::kGlobal ||
                        (reference == ReferenceChoice::kAuto && rank <= margin::OracleOptions{}.bnb_max_dim);
  if (want_ref) {
    Stopwatch sw;
    s.reference = ReferenceOptimum(p, opts.ReferenceOracle());
    s.AddTiming("reference", sw.Seconds());
  }
  const std::optional<margin::OracleOptions> diagnostics = opts.DiagnosticOracle();
  const bool append = opts.injection_kind() == Injection::kAppend;

  const double decay = std::exp(-opts.sigma * opts.eta);
  // Injected mass 1 − e^{−ση}, computed as 1 − decay: exact in floating point (Sterbenz), so
  // decay + injected = 1 exactly and the total mass has the fixed point 1. (−expm1(−ση) is
  // closer to the real 1 − e^{−ση} but its rounding does not cancel decay's, and the mass then
  // drifts toward 1 + O(2⁻⁵³/(ση)) — 1e-10 at ση = 5e-7.)
  const double injected = 1 - decay;
  const long protect = opts.protect > 0 ? opts.protect : static_cast<long>(std::ceil(1 / opts.eta));
  const double noise = std::sqrt(2 * opts.eta * opts.temperature);
  const std::vector<long> logs = LogSteps(opts.steps, opts.log_points, ParseLogSpacing(opts.log_spacing, "log_spacing"));
  std::size_t next_log = 0;
  double pruned = 0, diag_seconds = 0;
  const bool prune = opts.sigma > 0 && append;
  Vector direction_variation;
  Workspace ws;  // the activation pattern from Evaluate to Transport
  s.best = INFINITY;
  if (s.reference.available) s.first_below.assign(std::size(FlowSummary::kGapLevels), -1);
  Stopwatch loop;
  long t = 0;
  for (;; ++t) {
    CheckInterrupt();
    const Evaluation e = Evaluate(p, rho, pool.get(), &ws);
    if (!std::isfinite(e.objective)) {
      s.termination = Termination::kDiverged;
      s.message = "L[ρ] is not finite at step " + std::to_string(t) +
                  (opts.temperature > 0 && opts.sigma > 0 && append
                       ? " (step size too large, or masses out of double's range: with τ > 0 tiny "
                         "masses are not renormalized)"
                       : " (step size too large?)");
      break;
    }
    if (e.objective < s.best) {
      s.best = e.objective;
      s.best_step = t;
    }
    const double gap = s.reference.available ? e.objective - s.reference.lower : NAN;
    const bool reached = opts.target_gap > 0 && gap <= opts.target_gap;
    if (reached && s.first_within_target < 0) s.first_within_target = t;
    for (std::size_t k = 0; k < s.first_below.size(); ++k)
      if (s.first_below[k] < 0 && gap <= FlowSummary::kGapLevels[k]) s.first_below[k] = t;
    const bool stop_time = opts.time_limit > 0 && total.Seconds() >= opts.time_limit;
    const bool last = t >= opts.steps || reached || stop_time;
    if ((next_log < logs.size() && logs[next_log] == t) || last) {
      while (next_log < logs.size() && logs[next_log] <= t) ++next_log;
      FlowRecord r;
      r.step = t;
      r.time = static_cast<double>(t) * opts.eta;
      r.seconds = total.Seconds();
      r.objective = e.objective;
      r.data = e.data;
      r.reg = e.reg;
      r.best = s.best;
      r.mass = rho.TotalMass();
      r.particles = rho.size();
      r.second_moment = rho.SecondMoment();
      r.train_error = TrainError(p, e);
      r.gap = gap;
      r.pruned = pruned;
      Stopwatch sw;
      if (diagnostics) Diagnose(p, rho, *diagnostics, r);
      diag_seconds += sw.Seconds();
      s.trace.push_back(r);
      if (!last && opts.observer && !opts.observer(s.trace.back())) {
        s.termination = Termination::kStopped;
        s.message = "stopped by the observer at step " + std::to_string(t);
        break;
      }
    }
    if (last) {
      s.termination = reached ? Termination::kTargetReached
                      : stop_time ? Termination::kTimeLimit : Termination::kMaxIterations;
      break;
    }
    // 1. transport (velocity of ρ_t).
    Transport(p, rho, e.alpha, opts.eta, pool.get(), prune ? &direction_variation : nullptr, &ws);
    // 4. Langevin noise (sequential, one stream per step).
    if (noise > 0) {
      Rng r = root.Split(Purpose::kLangevin).Split(static_cast<std::uint64_t>(t));
      for (Index j = 0; j < rho.size(); ++j) {
        rho.w[j] += noise * r.Normal();
        for (Index c = 0; c < rho.U.cols(); ++c) rho.U(j, c) += noise * r.Normal();
      }
    }
    // 2–3. decay and injection.
    if (opts.sigma > 0) {
      Rng r = root.Split(Purpose::kInjection).Split(static_cast<std::uint64_t>(t));
      Vector u(p.d());
      double w = 0;
      if (append) {
        rho.mass *= decay;
        const double each = injected / static_cast<double>(opts.inject);
        for (long k = 0; k < opts.inject; ++k) {
          SampleSphere(r, &w, u);
          rho.Append(w, u, each, t + 1);
        }
        pruned += PruneToBudget(rho, opts.budget, t + 1, protect, &direction_variation, opts.sigma);
        // Exact only for the deterministic transport: Langevin noise is not 1-homogeneous.
        if (opts.temperature == 0) s.renormalized += RenormalizeTinyMasses(rho);
        s.mass_corrected += ReturnRoundingResidue(rho);
      } else {  // redraw: geometric gaps between re-drawn indices
        const double log_keep = -opts.sigma * opts.eta;  // log(1 − p) < 0
        const double M = static_cast<double>(rho.size());
        // The number of kept particles before the next re-drawn one is Geometric(p).
        auto skip = [&] { return std::floor(std::log(r.UniformOpen()) / log_keep); };
        for (double j = skip(); j < M; j += 1 + skip()) {
          const Index k = static_cast<Index>(j);
          SampleSphere(r, &w, u);
          rho.w[k] = w;
          rho.U.row(k) = u.transpose();
          rho.born[k] = t + 1;
        }
      }
    }
  }
  s.steps_done = t;
  const double loop_seconds = loop.Seconds() - diag_seconds;
  s.AddTiming("steps", loop_seconds);
  s.AddTiming("diagnostics", diag_seconds);
  s.steps_per_second = t > 0 && loop_seconds > 0 ? static_cast<double>(t) / loop_seconds : 0;
  if (s.reference.available && opts.target_gap > 0 && s.first_within_target < 0)
    s.message = "never within target_gap " + std::to_string(opts.target_gap) + " of L*";
  s.final = std::move(rho);
  return s;
}

}  // namespace marginlab::meanfield
