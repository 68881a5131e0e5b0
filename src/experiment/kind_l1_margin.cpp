// Trial kind "l1-margin": the normalized margin of a weakly regularized two-layer net against
// the l1-SVM over ReLU features (Wei et al. Thm 4.1, Prop. B.10, eq. B.14, §F.4 / Fig. 5
// [wei2019]): as λ → 0 the normalized margin γ(Θ_λ) = min_i y_i f(x_i) / ‖Θ‖² tends to the max
// margin γ*,m = γ_ℓ1 / 2 (width m ≥ n + 1).
//
// Per trial: the network is trained by nn::Train on `data` (for F.4: `line1d`, inputs (x, 1),
// so a unit u = (w, b) is a point of the circle); the l1-SVM is solved (a) over the paper's
// dictionary of `dictionary` evenly spaced directions on the circle (d = 2 only) and (b) exactly
// by column generation with the best-neuron oracle (γ_lo ≤ γ_ℓ1 ≤ γ_hi, certified when the
// oracle is exact). Finals: margin (the net's), gamma_l1_dictionary, gamma_l1_lo,
// gamma_l1_hi, gamma_l1_certified, target (= γ_ℓ1 / 2), n, the nn-train finals, and Θ_λ at the
// trial's λ (reference.hpp: opt_*, certified with the exact oracle in d = 2). Artifact
// "functions": the normalized functions f/‖Θ‖² of the net and of the l1-SVM's width ≤ n + 1
// network on a grid of the first coordinate (d = 2 with a constant second coordinate).
#include <cmath>
#include <nlohmann/json.hpp>

#include "marginlab/core/error.hpp"
#include "experiment/kinds.hpp"
#include "marginlab/experiment/reference.hpp"
#include "marginlab/margin/l1svm.hpp"
#include "marginlab/margin/lp.hpp"
#include "marginlab/nn/mlp.hpp"

namespace marginlab::experiment {

namespace {
// Splits `dictionary` (directions of the d = 2 circle dictionary, ≥ 0) off the training params.
long TakeDictionary(ParamMap& params) {
  std::string dict_text = "1000";
  params.Take("dictionary", &dict_text);
  const long dictionary = ParseInt(dict_text, params.context() + ": parameter 'dictionary'");
  ML_REQUIRE(dictionary >= 0 && dictionary <= 100'000'000)
      << params.context() << ": parameter 'dictionary' must be from 0 to 1e8, got " << dictionary;
  return dictionary;
}
}  // namespace

void CheckL1MarginTrial(const TrialSpec& spec) {
  ParamMap params = spec.params;
  TakeDictionary(params);
  TakeReferenceOptions(params);
  CheckTrainParams(spec, params);
}

TrialResult RunL1MarginTrial(const TrialSpec& spec) {
  ParamMap params = spec.params;
  const long dictionary = TakeDictionary(params);
  ReferenceOptions ro = TakeReferenceOptions(params);
  ro.max_margin = false;  // the kind's own l1-SVM below is γ*
  Dataset train;
  nn::TrainOptions opts;
  const nn::TrainSummary s = TrainForTrial(spec, params, &train, nullptr, &opts);
  ML_REQUIRE(s.shape.depth() == 2 && s.shape.output_dim() == 1)
      << params.context() << ": l1-margin needs a two-layer net with one output";
  TrialResult r = NnTrainResult(s);
  auto lp = margin::MakeLpBackend("clp");
  if (train.d() == 2 && dictionary > 0) {
    const margin::L1SvmResult dict = margin::L1SvmDictionary(train.X, train.y, margin::CircleDictionary(dictionary), *lp);
    r.AddFinal("gamma_l1_dictionary", dict.gamma_lo);
  }
  const margin::L1SvmResult cg = margin::L1SvmColumnGeneration(train.X, train.y, *lp);
  r.AddFinal("gamma_l1_lo", cg.gamma_lo);
  r.AddFinal("gamma_l1_hi", cg.gamma_hi);
  r.AddFinal("gamma_l1_certified", cg.certified ? 1.0 : 0.0);
  r.AddFinal("target", cg.gamma_lo / 2);
  r.AddFinal("n", static_cast<double>(train.n()));
  AddReferences(ro, opts, s, train, nullptr, r);

  if (train.d() == 2) {
    // Normalized functions on a grid of x (second coordinate held at the data's constant).
    const double lo = train.X.col(0).minCoeff(), hi = train.X.col(0).maxCoeff(), pad = 0.2 * (hi - lo);
    const Index g = 201;
    Matrix grid(g, 2);
    for (Index i = 0; i < g; ++i) {
      grid(i, 0) = lo - pad + (hi - lo + 2 * pad) * static_cast<double>(i) / static_cast<double>(g - 1);
      grid(i, 1) = train.X(0, 1);
    }
    nn::MlpWorkspace<double> ws;
    ws.Resize(s.shape, g);
    nn::MlpForward(ws, s.shape, s.final, grid);
    double sq = 0;
    for (const auto& W : s.final) sq += W.squaredNorm();
    const margin::TwoLayerNet l1net = margin::ExtractNetwork(cg);
    const Vector f_l1 = l1net.Outputs(grid) / l1net.SquaredNorm();
    nlohmann::json j = {{"x", std::vector<double>(grid.col(0).data(), grid.col(0).data() + g)},
                        {"net", std::vector<double>(g)}, {"l1svm", std::vector<double>(f_l1.data(), f_l1.data() + g)},
                        {"train_x", std::vector<double>(train.X.col(0).data(), train.X.col(0).data() + train.n())},
                        {"train_y", std::vector<double>(train.y.data(), train.y.data() + train.n())}};
    for (Index i = 0; i < g; ++i) j["net"][i] = ws.F(i, 0) / sq;
    r.artifacts.emplace_back("functions", j.dump());
  }
  return r;
}

}  // namespace marginlab::experiment
