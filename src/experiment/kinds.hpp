// The trial kinds marginlab ships (registered in TrialKinds(), trial_kind.cpp).
// Each is documented at the top of its file src/experiment/kind_<name>.cpp.
#pragma once

#include "marginlab/data/dataset.hpp"
#include "marginlab/experiment/trial_kind.hpp"
#include "marginlab/nn/train.hpp"

namespace marginlab::experiment {

// "nn-train": one network trained by nn::Train on `data` (and `test_data`).
TrialResult RunNnTrainTrial(const TrialSpec& spec);

// "net-vs-kernel": a regularized network against kernel predictors on the same data
// (Wei et al. Thm 2.1 on wei-d; Fig. 4 on teacher data).
TrialResult RunNetVsKernelTrial(const TrialSpec& spec);

// "margin-rate": a linear model's margin against the exact max margin (Ji Thm 4.1, §4.4).
TrialResult RunMarginRateTrial(const TrialSpec& spec);

// "alignment": alignment, smoothed margin and directional change of a homogeneous net
// over doubling steps (Ji §4.3).
TrialResult RunAlignmentTrial(const TrialSpec& spec);

// "l1-margin": a two-layer net's normalized margin against the l1-SVM over ReLU features
// (Wei et al. Thm 4.1, Prop. B.10, Fig. 5).
TrialResult RunL1MarginTrial(const TrialSpec& spec);

// "ntk-regime": λ₀, the NTK-regime loss decay, the lazy distance and the NTK separation margin
// (Ji §3).
TrialResult RunNtkRegimeTrial(const TrialSpec& spec);

// "meanfield-flow": the perturbed Wasserstein gradient flow against the certified L*
// (Wei et al. §3, Thm 3.3).
TrialResult RunMeanFieldFlowTrial(const TrialSpec& spec);

// The TrainOptions of a trial (data and test_data split off into *data, *test_data):
// every parameter parsed and validated, nothing loaded or run. InputError when bad.
nn::TrainOptions TrainOptionsForTrial(const TrialSpec& spec, ParamMap params, std::string* data,
                                      std::string* test_data);
void CheckTrainParams(const TrialSpec& spec, const ParamMap& params);

// Pre-flight checks (TrialKind::check) of the kinds that take more than TrainOptions.
void CheckNnTrainTrial(const TrialSpec& spec);
void CheckNetVsKernelTrial(const TrialSpec& spec);
void CheckAlignmentTrial(const TrialSpec& spec);
void CheckL1MarginTrial(const TrialSpec& spec);
void CheckNtkRegimeTrial(const TrialSpec& spec);
void CheckMeanFieldFlowTrial(const TrialSpec& spec);

// Throws Error ("<context>: the network diverged: <reason> at step t …") when the run
// diverged, so that the runner stores the trial as failed, never as a result.
void RequireNotDiverged(const nn::TrainSummary& s, const std::string& context);

// The nn-train trace and finals of a training summary.
TrialResult NnTrainResult(const nn::TrainSummary& s);

// Shared by kinds that train a network as one of their steps: splits `data` /
// `test_data` off `params`, applies the rest to nn::TrainOptions with the
// trial's seed, loads the data, trains, and hands back the data sets. A diverged run
// throws (RequireNotDiverged).
nn::TrainSummary TrainForTrial(const TrialSpec& spec, ParamMap params, Dataset* train_out,
                               Dataset* test_out, nn::TrainOptions* opts_out = nullptr);

}  // namespace marginlab::experiment
