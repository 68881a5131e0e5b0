// L* = inf_ρ L[ρ], the reference value of the perturbed Wasserstein flow (flow.hpp), and how a run
// computes it once.
//
// L* is the global minimum of the mean-field objective L[ρ] = Σ_i ℓ(y_i f_ρ(x_i)) + λ ∫‖θ‖² dρ
// (Wei et al. Example 3.2: the loss summed), which is n times the minimum of eq. (2.2)'s
// mean-loss objective with λ/n over two-layer nets of any width: margin::GlobalOptimum's bracket,
// times n (margin/objective.hpp's convention helpers).
#pragma once

#include <cmath>
#include <cstddef>
#include <string>

#include "marginlab/margin/best_neuron.hpp"
#include "marginlab/meanfield/functional.hpp"

namespace marginlab::meanfield {

struct Reference {
  bool available = false;
  double lower = NAN, upper = NAN;  // bracket on L* = inf_ρ L[ρ]
  bool certified = false;
  long rounds = 0;
  std::string oracle_mode;

  template <class V>
  void Fields(V& v) const {  // output keys (core/options.hpp)
    v("available", available);
    v("lower", lower);
    v("upper", upper);
    v("certified", certified);
    v("oracle", oracle_mode);
  }
};

// L* = inf_ρ L[ρ] by margin::GlobalOptimum (λ/n, mean loss; times n) with the best-neuron
// oracle `oracle` (FlowOptions::ReferenceOracle).
// GlobalOptimum is deterministic and can dominate a trial (teacher d = 3, n = 40: about 170 s
// against 5 s for 10^6 flow steps), while an experiment's trials share their data. So results
// are remembered per process, keyed by the exact (X, y, λ, oracle) — compared element by
// element, never by a hash alone — for the last kReferenceCacheSize problems; a second call
// returns the first call's Reference bit for bit, and concurrent callers with the same key wait
// for the one computation. A computation that throws is not remembered. Across processes —
// the ranks of an MPI run, shards, a resume — a result is shared through the run's folder
// (core/shared_cache.hpp: `.cache/meanfield-Lstar-*.value`, exact hexadecimal doubles), keyed
// by n, d, λ, the oracle and a 128-bit hash of X's and y's bytes; a process that finds it
// there, or waits for another to finish it, does not compute it.
Reference ReferenceOptimum(const Problem& p, const margin::OracleOptions& oracle);
inline constexpr std::size_t kReferenceCacheSize = 8;
// How many times ReferenceOptimum has run GlobalOptimum in this process (for tests).
long ReferenceComputations();


}  // namespace marginlab::meanfield
