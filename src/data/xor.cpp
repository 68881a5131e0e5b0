// Noisy 2-XOR sampler (see xor.hpp).
#include "marginlab/data/xor.hpp"

#include <cmath>

#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"
#include "sampling.hpp"

namespace marginlab {

std::string XorOptions::Validate() const {
  if (n <= 0) return "n must be positive, got " + std::to_string(n);
  if (d < 2) return "d must be at least 2, got " + std::to_string(d);
  return data_internal::DataMemoryProblem(n, d);
}

Dataset GenerateXor(const XorOptions& opts) {
  ValidateOrThrow(opts, "xor");
  Rng rng = DataStream(opts.seed, opts.sample);
  Dataset ds;
  ds.X.resize(opts.n, opts.d);
  ds.y.resize(opts.n);
  const double scale = opts.normalize ? 1.0 / std::sqrt(static_cast<double>(opts.d)) : 1.0;
  for (Index i = 0; i < opts.n; ++i) {
    for (Index k = 0; k < opts.d; ++k) ds.X(i, k) = rng.Rademacher();
    ds.y(i) = ds.X(i, 0) * ds.X(i, 1);
  }
  ds.X *= scale;
  ds.kind = LabelKind::kBinary;
  ds.source = "xor:" + ToParamMap(opts).ToString();
  return ds;
}

}  // namespace marginlab
