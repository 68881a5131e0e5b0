// Limits shared by the generators (see sampling.hpp).
#include "sampling.hpp"

#include <cmath>

#include "marginlab/core/memory.hpp"

namespace marginlab::data_internal {

std::string DataMemoryProblem(long n, long d, std::uint64_t extra_doubles) {
  const std::uint64_t bytes =
      SaturatingAdd(SaturatingAdd(ArrayBytes({n, d}, sizeof(double)), ArrayBytes({n}, sizeof(double))),
                    SaturatingMul(extra_doubles, sizeof(double)));
  return MemoryProblem(bytes, "n=" + std::to_string(n) + " and d=" + std::to_string(d) + " (the " +
                                  std::to_string(n) + " x " + std::to_string(d) +
                                  " data matrix and its labels, as doubles)");
}

std::string DrawsProblem(long max_draws_per_example) {
  if (max_draws_per_example <= 0 || max_draws_per_example > kMaxDrawsPerExample)
    return "max_draws_per_example must be in [1, " + std::to_string(kMaxDrawsPerExample) + "], got " +
           std::to_string(max_draws_per_example);
  return "";
}

RejectionBudget::RejectionBudget(long n, long max_draws_per_example)
    : n_(n > 0 ? static_cast<std::uint64_t>(n) : 0),
      max_draws_(SaturatingMul(n_, max_draws_per_example > 0 ? static_cast<std::uint64_t>(max_draws_per_example)
                                                             : 0)) {}

bool RejectionBudget::Stop(std::uint64_t draws, std::uint64_t accepted) {
  if (draws >= max_draws_) return true;
  if (draws == 0 || draws % 1024 != 0 || accepted >= n_) return false;
  constexpr double z = 6.0, z2 = z * z;
  const double D = static_cast<double>(draws), A = static_cast<double>(accepted);
  // Wilson's upper bound on the acceptance rate after A of D draws.
  const double p_hi = (A + z2 / 2 + z * std::sqrt(A * (1 - A / D) + z2 / 4)) / (D + z2);
  const double expected = p_hi * static_cast<double>(max_draws_ - draws);
  if (expected + z * std::sqrt(expected) < static_cast<double>(n_ - accepted)) {
    early_ = true;
    return true;
  }
  return false;
}

namespace {

// Continued fraction for the incomplete beta (Lentz's method; Numerical
// Recipes §6.4, betacf). Negative when it does not converge.
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEps = 1e-13;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 1000000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1) < kEps) return h;
  }
  return -1;
}

}  // namespace

double SphereCapProbability(long d, double m) {
  if (!(m > 0)) return 1.0;
  if (m >= 1) return 0.0;
  // I_x(a, b) with x = 1 − m², a = (d − 1)/2, b = 1/2.
  const double a = 0.5 * static_cast<double>(d - 1), b = 0.5, x = 1 - m * m;
  const double log_bt = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log1p(-m * m) +
                        b * std::log(m * m);
  const double bt = std::exp(log_bt);
  if (x < (a + 1) / (a + b + 2)) {
    const double cf = BetaContinuedFraction(a, b, x);
    return cf < 0 ? -1.0 : bt * cf / a;
  }
  const double cf = BetaContinuedFraction(b, a, m * m);
  return cf < 0 ? -1.0 : 1 - bt * cf / b;
}

}  // namespace marginlab::data_internal
