// The distribution D of Wei, Lee, Liu & Ma, eq. (2.1) [wei2019].
//
// For k ≥ 3, x_k ~ unif{−1, +1} (noise bits); (y, x_1, x_2) is one of
//     (+1, +1, 0), (+1, −1, 0), (−1, 0, +1), (−1, 0, −1),
// each with probability 1/4. All the signal is in the first two coordinates.
// task = "regression" gives the same (x, y) with y stored as a real target, the
// regression setting of Wei et al. §B.3 (tested with the truncated squared loss).
//
// Draw order (part of the reproducibility contract): for each example i in
// order, the case c = UniformInt(4) (0..3 in the order listed above), then the
// d − 2 noise bits x_3 … x_d as Rademacher draws, all from DataStream(seed, sample)
// (dataset.hpp; sample 0 is Rng(seed).Split(kData)).
// Validate() refuses an n×d matrix that does not fit the memory budget
// (core/memory.hpp; overflow-safe), naming n, d and the bytes.
#pragma once

#include <string>

#include "marginlab/core/types.hpp"
#include "marginlab/data/dataset.hpp"

namespace marginlab {

struct WeiDOptions {
  long n = 200;            // number of examples
  long d = 20;             // input dimension, ≥ 3
  unsigned long seed = 0;  // sample seed
  unsigned long sample = 0;  // independent sample index (DataStream)
  std::string task = "classification";  // classification | regression

  template <class V>
  void Fields(V& v) {
    v("n", n, "number of examples");
    v("d", d, "input dimension (at least 3)");
    v("seed", seed, "random seed");
    v("sample", sample, "index of an independent sample from the same seed (0 = train, 1 = test, ...)");
    v("task", task, "classification (labels ±1) or regression (real targets, Wei et al. B.3)");
  }
  std::string Validate() const;
};

Dataset GenerateWeiD(const WeiDOptions& opts);

}  // namespace marginlab
