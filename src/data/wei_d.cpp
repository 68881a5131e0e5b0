// Wei et al. eq. (2.1) sampler (see wei_d.hpp).
#include "marginlab/data/wei_d.hpp"

#include "marginlab/core/error.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"
#include "sampling.hpp"

namespace marginlab {

std::string WeiDOptions::Validate() const {
  if (n <= 0) return "n must be positive, got " + std::to_string(n);
  if (d < 3) return "d must be at least 3 (two signal coordinates and at least one noise bit), got " +
                    std::to_string(d);
  if (task != "classification" && task != "regression")
    return "task must be classification or regression, got '" + task + "'";
  return data_internal::DataMemoryProblem(n, d);
}

Dataset GenerateWeiD(const WeiDOptions& opts) {
  ValidateOrThrow(opts, "wei-d");
  Rng rng = DataStream(opts.seed, opts.sample);
  Dataset ds;
  ds.X = Matrix::Zero(opts.n, opts.d);
  ds.y.resize(opts.n);
  static constexpr double kCases[4][3] = {{+1, +1, 0}, {+1, -1, 0}, {-1, 0, +1}, {-1, 0, -1}};
  for (Index i = 0; i < opts.n; ++i) {
    const auto& c = kCases[rng.UniformInt(4)];
    ds.y(i) = c[0];
    ds.X(i, 0) = c[1];
    ds.X(i, 1) = c[2];
    for (Index k = 2; k < opts.d; ++k) ds.X(i, k) = rng.Rademacher();
  }
  const bool regression = opts.task == "regression";
  ds.kind = regression ? LabelKind::kReal : LabelKind::kBinary;
  ds.num_classes = regression ? 0 : 2;
  ds.source = "wei-d:" + ToParamMap(opts).ToString();
  return ds;
}

}  // namespace marginlab
