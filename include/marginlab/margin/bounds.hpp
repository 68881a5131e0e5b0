// The margin-based generalization bound of Wei et al. Prop. D.1 (a
// consequence of Golowich et al. Thm 1), with the universal constant set to 1
// — an indication of scale, not a proven numeric bound; label it so.
//
//   L(Θ) ≲ C / (γ q^{(q−1)/2} √n) + ε(γ),
//   ε(γ) = sqrt(log log₂(4C/γ) / n) + sqrt(log(1/δ) / n),   C = max_i ‖x_i‖,
// γ the normalized margin min_i y_i f(x_i; Θ/‖Θ‖_F) of a depth-q network
// (= min_i y_i f(x_i) / ‖Θ‖^q by homogeneity). log log₂ is clamped at 0 when
// 4C/γ ≤ 2. Requires γ > 0 (separating networks only).
#pragma once

#include <string>

namespace marginlab::margin {

struct GeneralizationBound {
  double value = 0;        // the sum (constant 1)
  double main_term = 0;    // C / (γ q^{(q−1)/2} √n)
  double epsilon = 0;      // ε(γ)
  std::string note = "Wei et al. Prop. D.1 with the universal constant set to 1";
};

// Throws InputError unless γ > 0, C > 0, n ≥ 1, q ≥ 1, 0 < δ < 1.
GeneralizationBound MarginBound(double gamma, double C, long n, int q = 2, double delta = 0.05);

}  // namespace marginlab::margin
