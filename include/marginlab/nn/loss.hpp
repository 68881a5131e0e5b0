// Training losses of the networks, their gradients with respect to the
// outputs, margins, and the l_r regularizer (DESIGN §2).
//
// Data loss L(F) = (1/n) Σ_i ℓ_i with, for the margin z_i:
//   logistic     ℓ = log(1 + e^{−z}),  z = y f          (Wei et al. eq. 2.2)
//   exponential  ℓ = e^{−z},           z = y f          (Ji §4)
//   cross-entropy ℓ = −log softmax(f)_y = log(1 + Σ_{j≠y} e^{f_j − f_y})  (Wei et al. C.1)
//   squared      ℓ = Σ_j (f_j − t_j)², t = y (l = 1) or one-hot(y) (l classes)
// Output dimensions: logistic/exponential l = 1 with labels ±1; cross-entropy
// l = number of classes (binary ±1 labels become classes 0 (−1) and 1 (+1));
// squared l = 1 (binary or real targets) or l classes (one-hot).
//
// Stability: every ℓ, ∂ℓ/∂f and log ℓ is computed in softplus / log-sum-exp
// form, so margins |z| up to 1e6 (and beyond) neither overflow nor produce NaN;
// the only non-finite value is the exponential loss itself when e^{−z} exceeds
// the double range (z < −709), whose log is still exact. The normalized-gradient
// mode returns ∇L / L = Σ_i ∂ℓ_i / Σ_k ℓ_k with the weights formed as
// exp(log|∂ℓ_i| − LSE_k log ℓ_k), so the normalized GD step of Ji Thm 4.1
// (η/L(Θ)) is finite even when L underflows to 0.
#pragma once

#include <string>
#include <vector>

#include "marginlab/core/types.hpp"
#include "marginlab/data/dataset.hpp"

namespace marginlab::nn {

enum class LossKind { kLogistic, kExponential, kCrossEntropy, kSquared };
const char* ToString(LossKind k);
// "logistic" | "exponential" | "cross-entropy" (or "ce") | "squared" (or "mse").
// LossNames(): the canonical names, the one list options' docs and messages use.
const std::vector<std::string>& LossNames();
LossKind ParseLoss(const std::string& text, const std::string& what);

// Output dimension l for this loss and data; InputError if the labels do not fit.
Index OutputDim(LossKind loss, const Dataset& ds);

// Labels in the loss's form: ±1 for logistic/exponential, class index
// 0…l−1 for cross-entropy and multi-output squared, targets for squared l = 1.
Vector LossLabels(LossKind loss, const Dataset& ds);

enum class GradMode {
  kMean,        // dF = ∂L/∂F = (1/n) ∂ℓ_i/∂F_i
  kNormalized,  // dF = (∂L/∂F) / L, formed in log space (normalized GD)
};

struct LossValue {
  double loss = 0;      // L = (1/n) Σ ℓ_i (may be +inf for the exponential loss)
  double log_loss = 0;  // log L (finite whenever some ℓ_i > 0)
};

// L(F) and, when dF != nullptr, its gradient (dF resized to F's shape).
// F is n×l; y from LossLabels.
template <class T>
LossValue EvalLoss(MatrixT<T>* dF, LossKind loss, const MatrixT<T>& F, const Vector& y,
                   GradMode mode = GradMode::kMean);

// Margins z_i (n): y_i f_i (l = 1) or f_{y_i} − max_{j≠y_i} f_j (Wei et al. C.2); NaN for a
// row with a NaN or infinite output. Only for classification labels (not real targets).
Vector Margins(const Matrix& F, const Vector& y);
Vector Margins(const Matrix& F, const Vector& y, LossKind loss);  // the same (loss unused)

// 0-1 error (z_i ≤ 0 is wrong); NaN for real targets and for non-finite outputs. The one
// implementation is nn/prediction_metrics.hpp ErrorRate; this is it under the training's name.
double ZeroOneError(const Matrix& F, const Vector& y, LossKind loss, LabelKind kind);

// log Σ_i e^{a_i}, stable; −inf for an empty or all −inf input.
double LogSumExp(const Vector& a);

// Stable scalar pieces (exposed for tests): softplus(x) = log(1 + e^x),
// log_logistic(z) = log(log(1 + e^{−z})).
double Softplus(double x);
double LogLogisticLoss(double z);

}  // namespace marginlab::nn
