// Parameter updates for the network trainer, and learning-rate schedules.
//
// Given the gradient g_t of the objective at Θ_t (data term plus the
// regularizer's λ r ‖Θ‖^{r−2} Θ) and the step size η_t:
//   gd / sgd       Θ ← Θ − η g                     (sgd: on minibatches)
//   normalized-gd  Θ ← Θ − η g / L_data(Θ)         (Ji Thm 4.1; g/L formed in log space by
//                                                   EvalLoss(kNormalized), see loss.hpp)
//   momentum       v ← μ v + g;  Θ ← Θ − η v        (heavy ball, PyTorch's convention)
//   nesterov       v ← μ v + g;  Θ ← Θ − η (g + μ v)
//   adam           m ← β₁m + (1−β₁)g; s ← β₂s + (1−β₂)g²;
//                  Θ ← Θ − η (m/(1−β₁ᵗ)) / (√(s/(1−β₂ᵗ)) + ε)   (Kingma & Ba 2015, t from 1)
// Schedules η_t: constant η; step η·factor^⌊t/every⌋; cosine η·(1 + cos(π t/T))/2.
#pragma once

#include <string>
#include <vector>

#include "marginlab/core/types.hpp"
#include "marginlab/nn/mlp.hpp"

namespace marginlab::nn {

enum class OptimizerKind { kGd, kNormalizedGd, kSgd, kMomentum, kNesterov, kAdam };
const char* ToString(OptimizerKind k);
const std::vector<std::string>& OptimizerNames();  // the canonical names (options' docs, messages)
OptimizerKind ParseOptimizer(const std::string& text, const std::string& what);

enum class ScheduleKind { kConstant, kStep, kCosine };
const std::vector<std::string>& ScheduleNames();
ScheduleKind ParseSchedule(const std::string& text, const std::string& what);

struct Schedule {
  ScheduleKind kind = ScheduleKind::kConstant;
  double lr = 0.1;
  long every = 0;       // step schedule: decay period
  double factor = 0.1;  // step schedule: decay factor
  long total = 1;       // cosine: the step budget T
  double At(long t) const;
};

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::kGd;
  double momentum = 0.9, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
};

// Per-layer state; only the trainable layers (the first `layers`) are updated.
template <class T>
class Optimizer {
 public:
  Optimizer(const OptimizerConfig& cfg, const Weights<T>& W, int layers);
  // Θ ← update(Θ, g) where g_k = dW_k + reg_coef · W_k, computed in one pass per
  // layer (reg_coef = λ r ‖Θ‖^{r−2}, times 1/L for normalized GD).
  void Step(Weights<T>& W, const Weights<T>& dW, double reg_coef, double lr);

 private:
  OptimizerConfig cfg_;
  int layers_;
  long t_ = 0;
  Weights<T> v_, s_;
};

}  // namespace marginlab::nn
