// Small random problems shared by the nn tests.
#pragma once

#include "marginlab/core/rng.hpp"
#include "marginlab/data/dataset.hpp"

namespace marginlab::nn::testing {

// n Gaussian inputs in R^d with labels: binary ±1 (classes = 0), class indices
// 0..classes−1, or real targets (classes < 0).
inline Dataset RandomData(Index n, Index d, int classes, std::uint64_t seed) {
  Rng rng(seed);
  Dataset ds;
  ds.X = rng.NormalMatrix(n, d);
  ds.y.resize(n);
  for (Index i = 0; i < n; ++i) {
    if (classes == 0) ds.y[i] = rng.Rademacher();
    else if (classes > 0) ds.y[i] = static_cast<double>(i % classes);
    else ds.y[i] = rng.Normal();
  }
  ds.kind = classes == 0 ? LabelKind::kBinary : classes > 0 ? LabelKind::kClass : LabelKind::kReal;
  ds.num_classes = classes == 0 ? 2 : classes > 0 ? classes : 0;
  ds.source = "random";
  return ds;
}

}  // namespace marginlab::nn::testing
