// Noisy 2-XOR (Ji §3.2.1 [ji2020thesis]; Wei et al. [wei2019]).
//
// x ~ unif{−1, +1}^d, y = x_1 · x_2. The d − 2 other coordinates are noise.
// normalize = true divides x by √d so that ‖x‖ = 1 (the unit-norm inputs Ji's
// NTK analysis assumes); labels are unchanged.
//
// Draw order: for each example, its d coordinates as Rademacher draws in order,
// from DataStream(seed, sample) (dataset.hpp).
// Validate() refuses an n×d matrix that does not fit the memory budget
// (core/memory.hpp; overflow-safe), naming n, d and the bytes.
#pragma once

#include <string>

#include "marginlab/data/dataset.hpp"

namespace marginlab {

struct XorOptions {
  long n = 200;
  long d = 20;  // ≥ 2
  unsigned long seed = 0;
  unsigned long sample = 0;  // independent sample index (DataStream)
  bool normalize = false;

  template <class V>
  void Fields(V& v) {
    v("n", n, "number of examples");
    v("d", d, "input dimension (at least 2)");
    v("seed", seed, "random seed");
    v("sample", sample, "index of an independent sample from the same seed (0 = train, 1 = test, ...)");
    v("normalize", normalize, "divide x by sqrt(d) so that ||x|| = 1");
  }
  std::string Validate() const;
};

Dataset GenerateXor(const XorOptions& opts);

}  // namespace marginlab
