// The objects the papers' theorems are about, computed beside every trained two-layer net
// so that each claim can be judged on its own object and GD's agreement with that object is
// a measurement of its own (Wei et al. Thm 2.1 / 4.1 / 4.3, Prop. B.10 [wei2019]):
//
//   Θ_λ   the global minimizer of the trial's own objective L_λ(Θ) = (1/n) Σ ℓ(y_i f(x_i)) +
//         λ‖Θ‖² over all widths ≥ n + 1 (margin/global_optimum.hpp; certified bracket with an
//         exact or bounding oracle, otherwise a labelled estimate);
//   γ*    the max normalized margin over all widths, γ_ℓ1 / 2 (margin/l1svm.hpp).
//
// Finals a kind adds with AddReferences (absent when not applicable — see below):
//   max_input_norm      max_i ‖x_i‖ (C of Prop. D.1's margin bound)
//   always (optimality_gap = true, the default; one oracle call, cheap):
//   net_objective       L_λ of the trained net, in the margin module's terms
//   net_dual            the dual value at the net's own residuals (certify.hpp): a lower bound
//                       on min L_λ when net_gap_certified = 1, else an estimate
//   net_gap             net_objective − net_dual: the net's optimality gap to Θ_λ (certified:
//                       an upper bound on it; otherwise an estimate)
//   net_gap_certified
//   optimum = true (column generation; cached per training set, see below):
//   opt_objective       L_λ(Θ_λ): attained by the reported Θ_λ network (an upper bracket end)
//   opt_lower           lower bracket end: a bound when opt_certified = 1, else an estimate
//   opt_certified, opt_converged (column generation met its tolerance)
//   opt_gap             net_objective − max(opt_lower, net_dual) (the better lower end)
//   opt_train_error, opt_test_error, opt_test_loss, opt_margin (normalized margin of Θ_λ),
//   opt_norm_sq (‖Θ_λ‖² = 2‖a‖₁), opt_width, opt_rounds, opt_seconds (0 when cached)
//   max_margin = true (l1-SVM column generation; cached per training set):
//   mm_gamma_lo, mm_gamma_hi, mm_certified   bracket on γ_ℓ1 (γ_hi is an estimate unless
//                       certified), mm_target = γ_lo / 2 (attained by the max-margin
//                       network), mm_train_error, mm_test_error, mm_width, mm_seconds
// Θ_λ and γ* depend on the training set only (and λ, the loss, the oracle, the round budget),
// not on the net: a process computes each once and shares it between the trials on the same
// data (a width sweep), keyed by a hash of X and y — so the numbers do not depend on which
// trial or thread computed them — and the processes of a run (MPI ranks, a resume) share them
// through the results folder (core/shared_cache.hpp: DIR/.cache/theta-lambda-*, max-margin-*;
// exact bytes), so each is computed once per run. opt_seconds / mm_seconds are the time spent
// computing it in this trial (0 when it was taken from this process's memory or the folder).
// Applicability: a two-layer net with one output, the standard parameterization and a free
// output layer; the gap and Θ_λ also need λ > 0, the l2 regularizer (reg_power 2) and the
// logistic (±1 labels) or squared loss; γ* needs ±1 labels. Anything else adds nothing (the
// analyses say so).
#pragma once

#include <string>

#include "marginlab/core/params.hpp"
#include "marginlab/data/dataset.hpp"
#include "marginlab/experiment/trial_kind.hpp"
#include "marginlab/margin/best_neuron.hpp"
#include "marginlab/nn/train.hpp"

namespace marginlab::experiment {

struct ReferenceOptions {
  bool optimality_gap = true;     // the trained net's own certificate (one oracle call)
  bool optimum = false;           // Θ_λ of the trial's objective (column generation)
  bool max_margin = false;        // γ* and the max-margin net (binary labels)
  std::string oracle = "auto";    // best-neuron oracle for both
  long optimum_max_rounds = 300;  // Θ_λ column-generation rounds
  long max_margin_max_rounds = 500;
  template <class V>
  void Fields(V& v) {
    v("optimality_gap", optimality_gap, "store the trained net's optimality gap to Θ_λ (certificate or estimate)");
    v("optimum", optimum, "also compute Θ_λ, the global minimizer of the trial's objective");
    v("max_margin", max_margin, "also compute the max normalized margin γ_ℓ1/2 and its network");
    v("reference_oracle", oracle, "oracle for Θ_λ and γ*", margin::OracleMethods());
    v("optimum_max_rounds", optimum_max_rounds, "Θ_λ column-generation rounds");
    v("max_margin_max_rounds", max_margin_max_rounds, "l1-SVM column-generation rounds");
  }
  std::string Validate() const;
};

// Splits the ReferenceOptions fields off a trial's params (the rest go to TrainOptions).
ReferenceOptions TakeReferenceOptions(ParamMap& params);

// Adds the finals above for the trained net of `s` (trained with `train_opts` on `train`;
// `test` may be null or empty). Throws Error when a reference computation fails (the trial
// fails: no result without its reference).
void AddReferences(const ReferenceOptions& o, const nn::TrainOptions& train_opts, const nn::TrainSummary& s,
                   const Dataset& train, const Dataset* test, TrialResult& r);

}  // namespace marginlab::experiment
