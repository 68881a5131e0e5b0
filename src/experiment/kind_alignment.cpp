// Trial kind "alignment": directional convergence and alignment of a homogeneous network
// trained by gradient descent on an exponentially-tailed loss (Ji §4.3 [ji2020thesis]; Ji &
// Telgarsky 2020; Lyu & Li 2020).
//
// Training runs in segments ending at t = 1, 2, 4, …, T (each segment continues from the
// previous weights with the same optimizer; GD keeps no state between steps, so this is the
// same trajectory as one run). At each t it records, for Θ = the trainable parameters:
//   alignment        cos(Θ_t, −∇L(Θ_t))                          (→ 1)
//   smoothed_margin  ψ(Θ_t) = −log Σ_i e^{−z_i} / ‖Θ_t‖^h         (non-decreasing, eq. 8)
//   margin           min_i z_i / ‖Θ_t‖^h
//   direction_change ‖Θ_t/‖Θ_t‖ − Θ_{t/2}/‖Θ_{t/2}‖‖              (→ 0)
//   data_loss, norm.
// Parameters: `data`, nn::TrainOptions fields (steps = T; the optimizer must be stateless:
// gd or normalized-gd).
#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/data/source.hpp"
#include "experiment/kinds.hpp"

namespace marginlab::experiment {

namespace {
Vector Direction(const nn::Weights<double>& W, int trainable) {
  Index size = 0;
  for (int k = 0; k < trainable; ++k) size += W[k].size();
  Vector v(size);
  Index at = 0;
  for (int k = 0; k < trainable; ++k) {
    v.segment(at, W[k].size()) = Eigen::Map<const Vector>(W[k].data(), W[k].size());
    at += W[k].size();
  }
  const double norm = v.norm();
  return norm > 0 ? Vector(v / norm) : v;
}
}  // namespace

namespace {
nn::TrainOptions AlignmentOptions(const TrialSpec& spec, std::string* data) {
  std::string test_data;
  nn::TrainOptions opts = TrainOptionsForTrial(spec, spec.params, data, &test_data);
  ML_REQUIRE(test_data.empty()) << spec.params.context() << ": alignment takes no 'test_data'";
  ML_REQUIRE(opts.optimizer == "gd" || opts.optimizer == "normalized-gd")
      << spec.params.context() << ": alignment needs a stateless optimizer (gd or normalized-gd)";
  opts.log_points = 0;
  return opts;
}
}  // namespace

void CheckAlignmentTrial(const TrialSpec& spec) {
  std::string data;
  AlignmentOptions(spec, &data);
  CheckDataSpec(data, spec.params.context() + " data");
}

TrialResult RunAlignmentTrial(const TrialSpec& spec) {
  const ParamMap& params = spec.params;
  std::string data;
  nn::TrainOptions opts = AlignmentOptions(spec, &data);
  const Dataset train = LoadData(data, params.context() + " data");
  const long total = opts.steps;
  TrialResult r;
  std::vector<nn::Weights<double>> init;
  std::vector<std::pair<long, Vector>> directions;  // (t, Θ_t/‖Θ_t‖)
  long t = 0;
  for (long end = 1; t < total; end = std::min(total, end * 2)) {
    opts.steps = end - t;
    const nn::TrainSummary s = nn::Train(opts, train, nullptr, init).at(0);
    RequireNotDiverged(s, params.context());
    t = end;
    const nn::TrainRecord& rec = s.trace.back();
    const Vector dir = Direction(s.final, s.shape.TrainableLayers());
    double change = NAN;
    for (const auto& [tp, dp] : directions)
      if (2 * tp == t) change = (dir - dp).norm();
    directions.emplace_back(t, dir);
    r.trace.push_back({t, {{"alignment", rec.alignment}, {"smoothed_margin", rec.smoothed_margin},
                           {"margin", rec.margin}, {"direction_change", change},
                           {"data_loss", rec.data_loss}, {"norm", rec.norm}}});
    init = {s.final};
  }
  for (const auto& [name, value] : r.trace.back().values) r.AddFinal(name, value);
  r.AddFinal("steps_done", static_cast<double>(t));
  return r;
}

}  // namespace marginlab::experiment
