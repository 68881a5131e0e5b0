// Training driver: full-batch or minibatch training of homogeneous ReLU
// networks on the l_r-regularized loss L(Θ) + λ‖Θ‖^r (Wei et al. eq. 2.2 / 4.1;
// Ji §2–4), for T independent trials in one call.
//
// Trial t (t = trial_offset, …, trial_offset + trials − 1) draws its
// initialization from Rng(seed).Split(t).Split(kInit) and its minibatch order
// from Rng(seed).Split(t).Split(kBatch). Trials run in parallel (NumThreads()
// workers, static assignment), each with its own buffers and the same kernels
// and call sequence as a lone run, so every trial's numbers are bitwise equal to
// training it alone (trials = 1, trial_offset = t) and do not depend on the
// thread count. All trials share the converted data matrices.
//
// Step t: Θ_{t+1} = update(Θ_t, g_t) (optimizer.hpp). Metrics (metrics.hpp) are
// recorded at the logged steps: step 0, the schedule's steps (linear or
// log-spaced, `log_points` of them), and the last step. The run stops at the
// step budget, when the (full-batch) data loss at Θ_t is ≤ target_loss, when
// time_limit seconds have passed, or when the loss becomes NaN (diverged).
#pragma once

#include <filesystem>

#include <string>
#include <vector>

#include "marginlab/core/collective.hpp"
#include "marginlab/core/log_steps.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/data/dataset.hpp"
#include "marginlab/nn/loss.hpp"
#include "marginlab/nn/metrics.hpp"
#include "marginlab/nn/mlp.hpp"
#include "marginlab/nn/optimizer.hpp"

namespace marginlab::nn {

// The element types training runs in: "double" and "float32" (also "float").
const std::vector<std::string>& DtypeNames();

struct TrainOptions {
  long depth = 2;                        // q ≥ 1 (1 = linear model)
  std::vector<double> width{100};        // hidden widths: one for all layers or q−1 values
  std::string loss = "logistic";         // logistic | exponential | cross-entropy | squared
  double lambda = 0;                     // λ of the regularizer λ‖Θ‖^r
  double reg_power = 2;                  // r
  std::string optimizer = "gd";          // gd | normalized-gd | sgd | momentum | nesterov | adam
  double lr = 0.1;                       // η
  std::string schedule = "constant";     // constant | step | cosine
  long decay_every = 0;                  // step schedule period
  double decay_factor = 0.1;             // step schedule factor
  double momentum = 0.9;                 // μ (momentum, nesterov)
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // adam
  long batch_size = 0;                   // 0: full batch (sgd needs > 0)
  long steps = 1000;                     // step budget
  double target_loss = 0;                // stop when L_data ≤ this (0: off)
  double time_limit = 0;                 // seconds per trial (0: off)
  std::vector<double> init_std{1.0};     // N(0, σ²) per layer (one value: all layers)
  std::string scaling = "standard";      // standard | ntk | mean-field
  bool freeze_output = false;            // fix W_q at ±1 (Ji eq. 4)
  unsigned long seed = 0;
  long trials = 1;
  long trial_offset = 0;                 // first trial index
  std::string dtype = "double";          // double | float32
  long log_points = 50;                  // logged steps besides 0 and the last
  std::string log_spacing = "log";       // log | linear
  // Called with (trial, record) at every logged step (core/options.hpp Observer); false stops
  // that trial (Termination::kStopped) with its trace so far. Not a parameter (no Fields entry).
  Observer<long, TrainRecord> observer;

  template <class V>
  void Fields(V& v) {
    v("depth", depth, "network depth q (1 = linear, 2 = two-layer)");
    v("width", width, "hidden width(s): one value for every hidden layer or q-1 values (a;b)");
    v("loss", loss, "", LossNames());
    v("lambda", lambda, "regularization strength λ of λ‖Θ‖^r");
    v("reg_power", reg_power, "exponent r of the regularizer (default 2)");
    v("optimizer", optimizer, "", OptimizerNames());
    v("lr", lr, "step size η (normalized-gd: the step is η/L)");
    v("schedule", schedule, "", ScheduleNames());
    v("decay_every", decay_every, "step schedule: multiply η by decay_factor every this many steps");
    v("decay_factor", decay_factor, "step schedule: decay factor");
    v("momentum", momentum, "momentum μ (momentum, nesterov)");
    v("beta1", beta1, "adam β₁");
    v("beta2", beta2, "adam β₂");
    v("eps", eps, "adam ε");
    v("batch_size", batch_size, "minibatch size (0 = full batch; sgd needs > 0)");
    v("steps", steps, "step budget");
    v("target_loss", target_loss, "stop when the data loss is at most this (0 = off)");
    v("time_limit", time_limit, "wall-clock budget per trial in seconds (0 = off)");
    v("init_std", init_std, "initialization standard deviation, one or one per layer (a;b)");
    v("scaling", scaling, "output scaling: {choices} (ntk: 1/sqrt m, mean-field: 1/m)", ScalingNames());
    v("freeze_output", freeze_output, "fix the output layer at ±1 (Ji eq. 4)");
    v("seed", seed, "random seed (trial t uses Rng(seed).Split(t))");
    v("trials", trials, "number of independent trials");
    v("trial_offset", trial_offset, "index of the first trial");
    v("dtype", dtype, "", DtypeNames());
    v("log_points", log_points, "number of logged steps (besides step 0 and the last)");
    v("log_spacing", log_spacing, "", LogSpacingNames());
  }
  std::string Validate() const;
  // "" when `field` is used with this optimizer and schedule, else why not (core/params.hpp).
  std::string Unused(const std::string& field) const;
};

// TrainOptions as the trainer works from them: every choice parsed once (strings at the edge,
// enums inside).
struct TrainPlan {
  LossKind loss = LossKind::kLogistic;
  OptimizerKind optimizer = OptimizerKind::kGd;
  ScheduleKind schedule = ScheduleKind::kConstant;
  Scaling scaling = Scaling::kStandard;
  LogSpacing log_spacing = LogSpacing::kLog;
  bool single = false;  // dtype float32
  static TrainPlan Of(const TrainOptions& o);  // InputError naming a field that is not a choice
};

struct TrainSummary : SummaryBase {
  long trial = 0;
  long steps_done = 0;
  MlpShape shape;
  std::vector<TrainRecord> trace;
  Weights<double> init, final;  // Θ₀ and Θ at the end (double even for float32 runs)
  std::string BriefReport() const;

  // Output keys (core/options.hpp): `train --json`'s summary line and Python's trial dict (the
  // trace records are TrainRecord::Fields; the layers are the Python module's).
  template <class V>
  void Fields(V& v) const {
    v("trial", trial);
    OutcomeFields(*this, v);
    v("steps", steps_done);
    v("network", shape.Describe());
    std::vector<long> d(shape.dims.begin(), shape.dims.end());
    v("dims", d);
    v("output_scale", shape.OutputScale());
    v("frozen_output", shape.freeze_output);
  }
};

// The network shape implied by the options and the training data.
MlpShape ShapeFor(const TrainOptions& opts, const Dataset& train);


// Trains opts.trials trials. `train` / `test` hold one data set shared by all
// trials or one per trial (test may be empty, or hold nullptr entries). `init`
// is empty (random initialization), one set of weights for every trial, or one
// per trial; shapes must match ShapeFor. Throws InputError on bad options or data.
//
// Data-parallel (`group` with P > 1 members, core/collective.hpp; every member calls Train with
// the same arguments and its own handle): trials run one after another, each on the whole
// group. Member r computes the gradient on rows [r·b/P, (r+1)·b/P) of each step's b examples
// (full batch: its slice of the training set; minibatch: its part of the batch every member
// draws alike), the members' gradients and losses are summed in rank order, and every member
// applies the same update, so all hold the same Θ_t. Divergence, the loss target and rank 0's
// time limit are decided on the summed values, by every member alike. Metrics are computed on
// the whole data by every member (the same numbers). For a given P a run repeats bit for bit;
// against one process (or another P) the sum's order differs and results agree to rounding
// (nn/train_test.cpp). normalized-gd is refused; each step needs b ≥ P examples.
std::vector<TrainSummary> Train(const TrainOptions& opts, const std::vector<const Dataset*>& train,
                                const std::vector<const Dataset*>& test = {},
                                const std::vector<Weights<double>>& init = {},
                                Collective* group = nullptr);

// The objective L_data(Θ) + λ‖Θ‖^r at W on ds, and its gradient, computed in
// double with the trainer's kernels (for gradient checks and `marginlab nn grad`).
struct ObjectiveEval {
  double data_loss = 0, objective = 0;
  Matrix F;                   // outputs (n×l)
  Weights<double> grad;       // ∂(objective)/∂W_k (zero for a frozen output layer)
};
ObjectiveEval EvalObjective(const TrainOptions& opts, const MlpShape& shape,
                            const Weights<double>& W, const Dataset& ds);

// One shared data set.
std::vector<TrainSummary> Train(const TrainOptions& opts, const Dataset& train,
                                const Dataset* test = nullptr,
                                const std::vector<Weights<double>>& init = {},
                                Collective* group = nullptr);

// The outcome of Train, shared by the CLI and the Python module (nn/train_outcome.cpp).
// Throws FailedRunError when any trial diverged: "train: k of T trial(s) diverged (trial t: why);
// a diverged run is a failure, not a result (nothing was saved)".
void RequireNoDivergence(const std::vector<TrainSummary>& res);
// Writes init/ and final/ of every trial with the objective they belong to (network_file.hpp):
// the file `marginlab train --save` writes. `data` is the training data's spec ("" if unknown).
void SaveTrainedNetworks(const std::filesystem::path& path, const std::vector<TrainSummary>& res,
                         const TrainOptions& opts, const std::string& data);

}  // namespace marginlab::nn
