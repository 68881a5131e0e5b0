// The registry of trial kinds (see trial_kind.hpp). One entry per kind; each
// kind's implementation lives in its own file (src/experiment/kind_*.cpp).
#include "marginlab/core/error.hpp"
#include "experiment/kinds.hpp"
#include "marginlab/experiment/trial_kind.hpp"

namespace marginlab::experiment {

const std::vector<TrialKind>& TrialKinds() {
  const auto train_params = [](const TrialSpec& s) { CheckTrainParams(s, s.params); };
  static const std::vector<TrialKind> kinds = {
      {"nn-train", "train one network (nn module) on data / test_data; all training metrics",
       RunNnTrainTrial, CheckNnTrainTrial, /*data_parallel=*/true},
      {"net-vs-kernel",
       "a regularized net against kernel predictors (interpolation, ridge path, SVM) on the same data",
       RunNetVsKernelTrial, CheckNetVsKernelTrial},
      {"margin-rate", "a linear model's normalized margin against the exact max margin (Ji Thm 4.1)",
       RunMarginRateTrial, train_params},
      {"alignment", "alignment, smoothed margin and directional change over doubling steps (Ji §4.3)",
       RunAlignmentTrial, CheckAlignmentTrial},
      {"l1-margin", "a two-layer net's normalized margin against the l1-SVM over ReLU features (Fig. 5)",
       RunL1MarginTrial, CheckL1MarginTrial},
      {"ntk-regime", "λ₀, NTK-regime loss decay, lazy distance and NTK separation margin (Ji §3)",
       RunNtkRegimeTrial, CheckNtkRegimeTrial},
      {"meanfield-flow",
       "the perturbed Wasserstein flow on particles against the certified optimum L* (Wei et al. §3)",
       RunMeanFieldFlowTrial, CheckMeanFieldFlowTrial},
  };
  return kinds;
}

const TrialKind& FindTrialKind(const std::string& name) {
  for (const auto& k : TrialKinds())
    if (k.name == name) return k;
  std::string known;
  for (const auto& k : TrialKinds()) known += (known.empty() ? "" : ", ") + k.name;
  throw InputError("unknown trial kind '" + name + "' (known: " + (known.empty() ? "none" : known) + ")");
}

}  // namespace marginlab::experiment
