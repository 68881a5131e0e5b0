// Limits shared by the generators (internal to the data module): the memory a
// generated data set needs, and the budget of rejection sampling.
#pragma once

#include <cstdint>
#include <string>

namespace marginlab::data_internal {

// "" when an n×d data matrix, its n labels and `extra_doubles` more values fit
// the memory budget (core/memory.hpp); else a one-line problem naming n and d
// and the bytes, for an Options::Validate(). Overflow-safe for any n, d.
std::string DataMemoryProblem(long n, long d, std::uint64_t extra_doubles = 0);

// The largest accepted max_draws_per_example (10^9): n · limit stays far
// from overflow, and a limit beyond it only postpones the answer.
inline constexpr long kMaxDrawsPerExample = 1000000000;
// "" or the problem with max_draws_per_example (positive, at most the limit).
std::string DrawsProblem(long max_draws_per_example);

// Rejection sampling for n examples with at most max_draws_per_example · n
// draws (saturating arithmetic). Call Stop(draws, accepted) before each draw:
// it returns true when the draws are spent, or — checked every 1024 draws —
// when the acceptance seen so far makes success implausible: even at an
// optimistic rate p⁺ (Wilson's upper confidence bound on the acceptance
// rate with z = 6, one-sided 10⁻⁹ per look), the remaining draws would give
// fewer than the examples still needed, by six standard deviations. With no
// acceptance at all, it stops after about 36/(36 + e) of the n ·
// max_draws_per_example draws, where e + 6√e = n (n = 200: e = 131, about a
// quarter); an early stop of a setting that would have succeeded needs a
// 6-sigma fluctuation.
class RejectionBudget {
 public:
  RejectionBudget(long n, long max_draws_per_example);
  bool Stop(std::uint64_t draws, std::uint64_t accepted);
  bool stopped_early() const { return early_; }
  std::uint64_t max_draws() const { return max_draws_; }

 private:
  std::uint64_t n_, max_draws_;
  bool early_ = false;
};

// P(|u·x| ≥ m) for x uniform on the sphere S^{d−1} and a unit vector u: the
// regularized incomplete beta I_{1−m²}((d−1)/2, 1/2). Exact to ~1e-10; d ≥ 2,
// 0 ≤ m ≤ 1. Returns a negative number if the series does not converge.
double SphereCapProbability(long d, double m);

}  // namespace marginlab::data_internal
