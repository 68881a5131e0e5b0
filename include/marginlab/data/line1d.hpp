// One-dimensional inputs with a bias coordinate, for Wei et al. §F.4 / Fig. 5
// [wei2019] (a_j relu(w_j x + b_j) with a, w, b all regularized is the
// two-layer net on inputs (x, bias)). The paper does not list its points or
// labels; marginlab's choice, fixed and documented in docs/data.md:
//   points: n values evenly spaced on [low, high] (x_i = low + i (high−low)/(n−1));
//   labels, by pattern:
//     "alternate" (default): blocks of `block` consecutive points share a label,
//                 starting with +1: with n = 8, block = 2 → + + − − + + − −;
//     "bump":     +1 where |x| < (high − low)/4 around the midpoint, −1 elsewhere;
//     "random":   independent ±1 from Rng(seed).Split(kData);
//   features: (x_i, bias) when bias ≠ 0 (d = 2), else (x_i) alone (d = 1).
// Validate() requires finite low, high, high − low and bias, and an n×d matrix
// within the memory budget (core/memory.hpp).
#pragma once

#include <string>

#include "marginlab/data/dataset.hpp"

namespace marginlab {

struct Line1dOptions {
  long n = 8;
  double low = -1.0, high = 1.0;
  std::string pattern = "alternate";
  long block = 2;
  double bias = 1.0;
  unsigned long seed = 0;

  template <class V>
  void Fields(V& v) {
    v("n", n, "number of points (at least 2)");
    v("low", low, "left end of the interval");
    v("high", high, "right end of the interval");
    v("pattern", pattern, "labels: alternate, bump or random");
    v("block", block, "alternate: points per block of equal labels");
    v("bias", bias, "value of the appended constant coordinate (0: none)");
    v("seed", seed, "random seed (pattern=random)");
  }
  std::string Validate() const;
};

Dataset GenerateLine1d(const Line1dOptions& opts);

}  // namespace marginlab
