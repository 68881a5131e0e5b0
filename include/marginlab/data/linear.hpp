// Linearly separable data with a margin: a known-separable set for the linear
// max-margin and implicit-bias experiments (Ji Thm 4.1, §4.4 [ji2020thesis]).
//
// Law (marginlab's choice, documented in docs/data.md): a unit direction u* uniform
// on S^{d−1} from Rng(teacher_seed).Split(kTeacher); inputs x uniform on S^{d−1}
// from DataStream(seed, sample); y = sign(u*·x), keeping only draws with
// |u*·x| ≥ margin (rejection sampling, at most max_draws_per_example · n draws).
// Every x has ‖x‖ = 1 and the set is separable with margin ≥ `margin` by u*; its
// exact max margin is computed by the margin module, not assumed to be u*'s.
//
// Impossible settings are refused in Validate(), without sampling: the
// acceptance rate is known exactly, p = P(|u*·x| ≥ margin) = I_{1−m²}((d−1)/2, 1/2)
// (a regularized incomplete beta; |u*·x| is typically 1/√d), and a setting
// with p · max_draws_per_example < 1 — more draws per example, on average, than
// allowed — is an InputError naming margin, d and the rate (d = 1649 with the
// default margin 0.1: p = 4.8e-5, refused at once; it used to take 31 s). The
// sampler also stops early like `teacher`'s (sampling.hpp). Validate() also
// refuses an n×d matrix beyond the memory budget and max_draws_per_example
// outside [1, 10^9].
#pragma once

#include <string>

#include "marginlab/data/dataset.hpp"

namespace marginlab {

struct LinearOptions {
  long n = 100;
  long d = 10;
  unsigned long seed = 0;
  unsigned long sample = 0;
  unsigned long teacher_seed = 0;
  double margin = 0.1;
  long max_draws_per_example = 10000;

  template <class V>
  void Fields(V& v) {
    v("n", n, "number of examples");
    v("d", d, "input dimension (at least 2)");
    v("seed", seed, "seed of the inputs");
    v("sample", sample, "index of an independent sample from the same seed (0 = train, 1 = test, ...)");
    v("teacher_seed", teacher_seed, "seed of the separating direction u*");
    v("margin", margin, "keep only |u*.x| >= margin (in [0, 1))");
    v("max_draws_per_example", max_draws_per_example, "rejection sampling budget per example");
  }
  std::string Validate() const;
};

Vector LinearTeacherDirection(const LinearOptions& opts);
Dataset GenerateLinear(const LinearOptions& opts);

}  // namespace marginlab
