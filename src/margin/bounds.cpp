// Wei et al. Prop. D.1 (see the header).
#include "marginlab/margin/bounds.hpp"

#include <algorithm>
#include <cmath>

#include "marginlab/core/error.hpp"

namespace marginlab::margin {

GeneralizationBound MarginBound(double gamma, double C, long n, int q, double delta) {
  ML_REQUIRE(gamma > 0) << "generalization bound: the normalized margin is " << gamma
                        << "; Prop. D.1 needs a network that separates the data (γ > 0)";
  ML_REQUIRE(C > 0 && n >= 1 && q >= 1) << "generalization bound: need C > 0, n ≥ 1, q ≥ 1";
  ML_REQUIRE(delta > 0 && delta < 1) << "generalization bound: δ must be in (0, 1), got " << delta;
  const double nn = static_cast<double>(n);
  GeneralizationBound b;
  b.main_term = C / (gamma * std::pow(static_cast<double>(q), (q - 1) / 2.0) * std::sqrt(nn));
  const double loglog = std::max(0.0, std::log(std::max(1.0, std::log2(4 * C / gamma))));
  b.epsilon = std::sqrt(loglog / nn) + std::sqrt(std::log(1 / delta) / nn);
  b.value = b.main_term + b.epsilon;
  return b;
}

}  // namespace marginlab::margin
