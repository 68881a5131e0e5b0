// The NTK separation margin of Ji Assumption 3.2, by Monte Carlo and mirror
// descent.
//
// Problem:  γ = max_{v̄: ‖v̄(z)‖ ≤ 1} min_i y_i ∫ ⟨v̄(z), x_i⟩ 1[z·x_i > 0] dμ_N(z)
//             = min_{q∈Δ_n} E_z ‖Σ_i q_i y_i x_i 1[z·x_i > 0]‖      (minimax),
//           estimated with M samples z_s ~ N(0, I_d):
//           γ_M = min_{q∈Δ_n} (1/M) Σ_s ‖g_s(q)‖,  g_s(q) = Σ_i q_i y_i x_i 1[z_s·x_i > 0].
// Method:   entropic mirror descent on the simplex (q ← q∘e^{−η∂φ}/Z,
//           η_t = √(2 log n)/(G√t)), keeping the best iterate; then a bracket
//           for the M-sample problem: γ_hi = φ(q_best) (primal), and
//           γ_lo = min_i y_i (1/M) Σ_s ⟨v̄_s, x_i⟩ 1[z_s·x_i > 0] with the
//           feasible v̄_s = average over steps t of ĝ_s(q_t) (the game is
//           bilinear in (q, v), so this no-regret dual closes at O(1/√T)).
//           Both bound γ_M; γ_M itself estimates γ with Monte-Carlo standard
//           error sd_s(‖g_s(q_best)‖)/√M (reported; the min over q biases γ_M
//           down by at most that order).
// Ji (Prop. 5.3 of Ji & Telgarsky 2019b) shows γ = Ω(1/d) on noisy 2-XOR.
#pragma once

#include <cstdint>
#include <string>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"

namespace marginlab::margin {

struct NtkMarginOptions {
  long samples = 2000;     // M
  long iterations = 2000;  // mirror-descent steps
  std::uint64_t seed = 0;
  template <class V>
  void Fields(V& v) {
    v("samples", samples, "Monte-Carlo samples z_s ~ N(0, I_d)");
    v("iterations", iterations, "mirror-descent steps");
    v("seed", seed, "seed of the samples");
  }
  std::string Validate() const;
};

struct NtkMarginResult : SummaryBase {
  double value = 0;           // φ(q_best), the estimate of γ
  double lower = 0, upper = 0;  // bracket on the M-sample γ_M
  double standard_error = 0;  // Monte-Carlo standard error of the estimate
  Vector q;                   // n, the best q
};

NtkMarginResult NtkMargin(const Matrix& X, const Vector& y, const NtkMarginOptions& opts = {});

}  // namespace marginlab::margin
