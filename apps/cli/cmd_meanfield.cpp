// `marginlab meanfield`: the perturbed Wasserstein gradient flow of Wei et al. eq. 3.2 on
// weighted particles (meanfield/flow.hpp), with L[ρ_t], its minimum over time, the
// first-variation optimality test and the gap to the certified L*. Every FlowOptions field
// is a flag and a key of --config; flags override the file.
//
// --save PATH.npz writes the final measure: w (M,), U (M, d), mass (M,), and the network
// with the same outputs and norm as net/W1 (M, d) and net/W2 (1, M) (√m_j-scaled, output
// scale 1) with its objective (λ/n, mean loss: nn/network_file.hpp), readable by
// `marginlab certify --params PATH --key net`, which takes λ and the loss from the file.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/meanfield/flow.hpp"
#include "marginlab/nn/network_file.hpp"

namespace marginlab::cli {
namespace {

using namespace marginlab::meanfield;

struct MeanFieldArgs {
  FieldFlags flags;
  bool json = false;
};

std::vector<FieldInfo> MeanFieldFields() {
  std::vector<FieldInfo> f = DescribeFields(FlowOptions{});
  f.push_back({"data", "string", "", "training data with ±1 labels (see marginlab data list)", {}});
  f.push_back({"save", "string", "", "write the final particles to this .npz", {}});
  return f;
}

nlohmann::json Num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

// One trace line of meanfield --json: every field of the record (FlowRecord::Fields).
nlohmann::json RecordJson(const FlowRecord& r) {
  struct Collect {
    nlohmann::json j;
    void Metric(const char* name, double x) { j[name] = Num(x); }
    void Count(const char* name, long x) { j[name] = x; }
    void Step(const char* name, double x) { j[name] = x; }
    void Detail(const char* name, double x) { j[name] = Num(x); }
    void Flag(const char* name, bool x) { j[name] = x; }
  } c{{{"type", "trace"}}};
  r.Fields(c);
  c.j["step"] = r.step;
  return c.j;
}

// The particles (w, U, mass) and their equivalent two-layer network under net/ with its objective
// in the mean-loss convention: L[ρ]/n = (1/n)Σ ℓ + (λ/n)‖Θ‖², so λ_mean = λ/n (certify reads it).
void Save(const std::string& path, const ParticleMeasure& rho, const FlowOptions& o, const Dataset& ds,
          const std::string& data) {
  const margin::TwoLayerNet net = EquivalentNetwork(rho);
  nn::NetworkFileWriter w({net.U.cols(), net.width(), 1}, 1.0, false);
  w.AddLayers("net", {{net.U, Matrix(net.w.transpose())}});
  w.SetObjective({"logistic", o.lambda / static_cast<double>(ds.n()), 2, "standard", data, "meanfield"});
  w.Extra().Add("w", rho.w);
  w.Extra().Add("U", rho.U);
  w.Extra().Add("mass", rho.mass);
  w.Write(path);
}

void RunMeanField(const MeanFieldArgs& a) {
  ParamMap p = CollectFieldParams(a.flags, "meanfield");
  std::string data, save;
  p.Take("data", &data);
  p.Take("save", &save);
  ML_REQUIRE(!data.empty()) << "meanfield: --data is required (or 'data' in --config)";
  FlowOptions o;
  ApplyParams(p, o);
  ValidateOrThrow(o, "meanfield");
  const Dataset ds = LoadData(data, "--data");
  ML_REQUIRE(ds.kind == LabelKind::kBinary)
      << "meanfield: --data " << ds.source << " must have ±1 labels (the logistic loss of Example 3.2)";
  const FlowSummary s = RunFlow(ds.X, ds.y, o);
  // A diverged flow prints its trace (it shows where) but fails: exit 1, nothing saved.
  const bool diverged = s.termination == Termination::kDiverged;
  auto fail_if_diverged = [&] {
    if (diverged)
      throw FailedRunError("meanfield: the flow diverged after " + std::to_string(s.steps_done) +
                           " steps (" + s.message + "); a diverged run is a failure, not a result" +
                           (save.empty() ? "" : " (nothing was saved)"));
  };
  if (!save.empty() && !diverged) Save(save, s.final, o, ds, data);
  if (a.json) {
    for (const auto& r : s.trace) PrintJson(RecordJson(r));
    nlohmann::json summary = {{"type", "summary"}, {"data", ds.source}};
    AddFieldsJson(s, summary);  // FlowSummary::Fields: the Python dict's keys
    PrintJson(summary);
    fail_if_diverged();
    return;
  }
  std::cout << "perturbed Wasserstein flow: σ = " << o.sigma << ", η = " << o.eta << ", λ = " << o.lambda
            << ", τ = " << o.temperature << ", injection " << o.injection << ", start " << o.init.law
            << " (" << o.init.particles << " particles), data " << ds.source << " (n = " << ds.n()
            << ", d = " << ds.d() << ")\n";
  if (s.reference.available)
    std::cout << "L* = inf L[ρ] ∈ [" << s.reference.lower << ", " << s.reference.upper << "] ("
              << (s.reference.certified ? "certified" : "uncertified: heuristic oracle") << ")\n";
  // Each cell is one space and a right-aligned field wide enough for any double at the precision
  // shown (e.g. -1.234568e+273), so columns never run together; header widths count code points.
  constexpr int kW[] = {9, 10, 14, 14, 10, 11, 15, 7, 6};
  const char* head[] = {"step", "time", "L[ρ]", "min_t L", "L − L*", "min L′", "mass", "M", "err"};
  for (int c = 0; c < 9; ++c) {
    std::string h = head[c];
    int glyphs = 0;
    for (unsigned char ch : h) glyphs += (ch & 0xC0) != 0x80;
    std::cout << ' ' << std::string(static_cast<std::size_t>(std::max(0, kW[c] - glyphs)), ' ') << h;
  }
  std::cout << "\n";
  for (const auto& r : s.trace)
    std::cout << ' ' << std::setw(kW[0]) << r.step << ' ' << std::setw(kW[1]) << std::setprecision(4)
              << r.time << ' ' << std::setw(kW[2]) << std::setprecision(7) << r.objective << ' '
              << std::setw(kW[3]) << r.best << ' ' << std::setw(kW[4]) << std::setprecision(3) << r.gap
              << ' ' << std::setw(kW[5]) << std::setprecision(4) << r.min_first_variation << ' '
              << std::setw(kW[6]) << std::setprecision(12) << r.mass << ' ' << std::setw(kW[7])
              << r.particles << ' ' << std::setw(kW[8]) << std::setprecision(3) << r.train_error << "\n";
  std::cout << s.BriefReport() << "\n";
  if (!s.trace.empty() && !std::isnan(s.trace.back().min_first_variation))
    std::cout << "optimality test: min over the sphere of L′[ρ] ≈ " << s.trace.back().min_first_variation
              << (s.trace.back().min_first_variation >= -1e-6 ? " (≥ 0: optimal)" : " (< 0: not optimal)")
              << (s.trace.back().certified ? "" : " [heuristic oracle]") << "\n";
  if (!save.empty() && !diverged) std::cout << "saved particles to " << save << "\n";
  fail_if_diverged();
}

}  // namespace

void RegisterMeanField(CLI::App& app) {
  auto a = std::make_shared<MeanFieldArgs>();
  auto* c = app.add_subcommand(
      "meanfield", "Perturbed Wasserstein gradient flow on weighted particles (Wei et al. §3)");
  AddFieldFlags(*c, a->flags, MeanFieldFields());
  c->add_flag("--json", a->json, "print the trace and the summary as JSON lines");
  c->callback([a] { RunMeanField(*a); });
}

}  // namespace marginlab::cli
