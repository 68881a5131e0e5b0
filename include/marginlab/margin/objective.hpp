// The convex measure problem behind the l2-regularized two-layer objective, its
// losses and their conjugates, and the two λ conventions (DESIGN §2).
//
// Wei et al. eq. (2.2) (marginlab's `train`, `certify`): the MEAN of the losses,
//     L(Θ) = (1/n) Σ_i ℓ_i(f(x_i)) + λ‖Θ‖².
// Wei et al. Example 3.2 (the mean-field module): the SUM of the losses,
//     L[ρ] = Σ_i ℓ_i(∫Φ_i dρ) + λ_sum ∫‖θ‖² dρ = n · (mean loss + (λ_sum/n)‖Θ‖²).
// So λ_mean = λ_sum / n and L_sum = n · L_mean: converted here and nowhere else.
//
// Both terms are 2-homogeneous and λ(w² + ‖u‖²) ≥ 2λ|w|‖u‖ (equality when
// balanced), so over every width ≥ n + 1 (Wei et al. §3, Prop. B.10)
//     inf_Θ L(Θ) = min over signed measures c on the sphere of
//     P(c) = R(Φc) + 2λ‖c‖_TV,   R(a) = (1/n) Σ_i ℓ_i(a_i),   (Φc)_i = ∫ relu(ū·x_i) dc(ū),
// with Fenchel dual: for every β with M(β) ≤ 2λ (best_neuron.hpp),
//     min_c P(c) ≥ D(β) = −R*(β) = −(1/n) Σ_i ℓ_i*(n β_i)
// (the sign convention of certify.hpp: β = ∇R(Φc) at the optimum).
// Losses (ℓ_i(a) of the output a, label y_i):
//     logistic  ℓ(a) = log(1 + e^{−y a}),  ℓ*(v) = t log t + (1−t) log(1−t), t = −y v ∈ [0, 1]
//     squared   ℓ(a) = (a − y)²,           ℓ*(v) = v y + v²/4.
#pragma once

#include <string>
#include <vector>

#include "marginlab/core/types.hpp"

namespace marginlab::margin {

// λ of Example 3.2 (sum of losses) → λ of eq. (2.2) (mean of losses), and back.
double MeanConventionLambda(double lambda_sum, Index n);
double SumConventionLambda(double lambda_mean, Index n);
// An objective value (or bound) of eq. (2.2) → the same point's value under Example 3.2.
double SumConventionObjective(double mean_objective, Index n);

class MarginLoss {
 public:
  // "logistic" | "squared" (Names(), the one list flags and messages use); InputError otherwise.
  explicit MarginLoss(const std::string& name);
  static const std::vector<std::string>& Names();
  bool logistic() const { return logistic_; }
  const std::string& name() const { return name_; }
  double Value(double a, double y) const;      // ℓ(a), stable for |a| up to 1e300
  double Deriv(double a, double y) const;      // ℓ'(a)
  double Curvature(double a, double y) const;  // ℓ''(a)
  double MaxCurvature() const;                 // sup_a ℓ''(a): 1/4 or 2
  double Conjugate(double v, double y) const;  // ℓ*(v) (logistic: t clamped to [0, 1])

 private:
  bool logistic_;
  std::string name_;
};

// R(f) = (1/n) Σ ℓ(f_i, y_i).
double MeanLoss(const MarginLoss& loss, const Vector& f, const Vector& y);
// β = ∇R(f) = ℓ'(f_i, y_i) / n.
Vector LossGradient(const MarginLoss& loss, const Vector& f, const Vector& y);
// D(β) = −(1/n) Σ ℓ*(n β_i, y_i): the dual value (a lower bound on min P when M(β) ≤ 2λ).
double DualValue(const MarginLoss& loss, const Vector& beta, const Vector& y);

}  // namespace marginlab::margin
