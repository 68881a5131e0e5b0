// Trial kind "ntk-regime": the NTK analysis of Ji §3 [ji2020thesis] (Du et al. 2018; Ji &
// Telgarsky 2019b) on one data set and one width m:
//   lambda0          λ₀ = λ_min(H∞), H∞(i,j) = ⟨x_i,x_j⟩ E_w[1(w·x_i>0, w·x_j>0)] (kernel 'hinf');
//   data_loss trace  of a two-layer net with the NTK scaling 1/√m and a frozen output layer
//                    a_s ∈ {±1} (Ji eq. 4) trained by GD on the squared loss, to compare
//                    with the linear rate (1 − ηλ₀/(2n))^t;
//   lazy_distance    max_s ‖w_{s,T} − w_{s,0}‖ over the hidden units (→ 0 like 1/√m);
//   ntk_margin       the NTK separation margin of Assumption 3.2 of `margin_data` (e.g. noisy
//                    2-XOR) estimated with `ntk_samples` Monte-Carlo directions (margin module),
//                    with its standard error.
// Parameters: `data` (training set of the net; its points should be distinct and not parallel,
// so that λ₀ > 0), `margin_data`, ntk_samples, ntk_iterations, and nn::TrainOptions fields (set
// scaling = ntk, freeze_output = true, loss = squared in the config).
#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/data/source.hpp"
#include "experiment/kinds.hpp"
#include "marginlab/kernel/gram.hpp"
#include "marginlab/margin/ntk_margin.hpp"

namespace marginlab::experiment {
using namespace marginlab::kernel;

namespace {
struct NtkExtras {
  std::string margin_data;
  long samples = 1000, iterations = 1000;
};
// Splits margin_data, ntk_samples and ntk_iterations off the training params.
NtkExtras TakeNtkExtras(ParamMap& params) {
  NtkExtras x;
  std::string samples = "1000", iterations = "1000";
  ML_REQUIRE(params.Take("margin_data", &x.margin_data)) << params.context() << ": ntk-regime needs 'margin_data'";
  params.Take("ntk_samples", &samples);
  params.Take("ntk_iterations", &iterations);
  x.samples = ParseInt(samples, params.context() + ": ntk_samples");
  x.iterations = ParseInt(iterations, params.context() + ": ntk_iterations");
  margin::NtkMarginOptions mo;  // its Validate() is the one statement of the limits
  mo.samples = x.samples;
  mo.iterations = x.iterations;
  ValidateOrThrow(mo, params.context() + ": ntk_samples/ntk_iterations");
  return x;
}
}  // namespace

void CheckNtkRegimeTrial(const TrialSpec& spec) {
  ParamMap params = spec.params;
  const NtkExtras extras = TakeNtkExtras(params);
  CheckDataSpec(extras.margin_data, params.context() + " margin_data");
  CheckTrainParams(spec, params);
}

TrialResult RunNtkRegimeTrial(const TrialSpec& spec) {
  ParamMap params = spec.params;
  const NtkExtras extras = TakeNtkExtras(params);
  const std::string& margin_data = extras.margin_data;
  Dataset train;
  const nn::TrainSummary s = TrainForTrial(spec, params, &train, nullptr);
  ML_REQUIRE(s.shape.depth() == 2) << params.context() << ": ntk-regime needs a two-layer net";
  TrialResult r = NnTrainResult(s);
  KernelOptions k;
  k.kernel = "hinf";
  const Matrix H = Gram(k, train.X);
  r.AddFinal("lambda0", Eigen::SelfAdjointEigenSolver<Matrix>(H, Eigen::EigenvaluesOnly).eigenvalues().minCoeff());
  r.AddFinal("n", static_cast<double>(train.n()));
  r.AddFinal("lazy_distance", (s.final[0] - s.init[0]).rowwise().norm().maxCoeff());
  r.AddFinal("init_row_norm", s.init[0].rowwise().norm().mean());
  margin::NtkMarginOptions mo;
  mo.samples = extras.samples;
  mo.iterations = extras.iterations;
  mo.seed = spec.seed;
  const Dataset mdata = LoadData(margin_data, params.context() + " margin_data");
  const margin::NtkMarginResult m = margin::NtkMargin(mdata.X, mdata.y, mo);
  r.AddFinal("ntk_margin", m.value);
  r.AddFinal("ntk_margin_se", m.standard_error);
  return r;
}

}  // namespace marginlab::experiment
