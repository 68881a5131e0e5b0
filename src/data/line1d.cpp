// One-dimensional data for Wei et al. F.4 (see line1d.hpp).
#include "marginlab/data/line1d.hpp"

#include <cmath>

#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"
#include "sampling.hpp"

namespace marginlab {

std::string Line1dOptions::Validate() const {
  if (n < 2) return "n must be at least 2, got " + std::to_string(n);
  if (!std::isfinite(low) || !std::isfinite(high) || !std::isfinite(high - low))
    return "low and high must be finite numbers whose difference is finite";
  if (!(high > low)) return "high must be greater than low";
  if (!std::isfinite(bias)) return "bias must be a finite number";
  if (pattern != "alternate" && pattern != "bump" && pattern != "random")
    return "pattern must be alternate, bump or random, got '" + pattern + "'";
  if (block <= 0) return "block must be positive";
  return data_internal::DataMemoryProblem(n, bias != 0.0 ? 2 : 1);
}

Dataset GenerateLine1d(const Line1dOptions& opts) {
  ValidateOrThrow(opts, "line1d");
  Rng rng = Rng(opts.seed).Split(Purpose::kData);
  const bool with_bias = opts.bias != 0.0;
  Dataset ds;
  ds.X.resize(opts.n, with_bias ? 2 : 1);
  ds.y.resize(opts.n);
  const double mid = 0.5 * (opts.low + opts.high), quarter = 0.25 * (opts.high - opts.low);
  for (Index i = 0; i < opts.n; ++i) {
    const double x = opts.low + (opts.high - opts.low) * static_cast<double>(i) /
                                    static_cast<double>(opts.n - 1);
    ds.X(i, 0) = x;
    if (with_bias) ds.X(i, 1) = opts.bias;
    if (opts.pattern == "alternate")
      ds.y(i) = ((i / opts.block) % 2 == 0) ? 1.0 : -1.0;
    else if (opts.pattern == "bump")
      ds.y(i) = std::abs(x - mid) < quarter ? 1.0 : -1.0;
    else
      ds.y(i) = rng.Rademacher();
  }
  ds.kind = LabelKind::kBinary;
  ds.source = "line1d:" + ToParamMap(opts).ToString();
  return ds;
}

}  // namespace marginlab
