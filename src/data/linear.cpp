// Linearly separable data with a margin (see linear.hpp).
#include "marginlab/data/linear.hpp"

#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab {

std::string LinearOptions::Validate() const {
  if (n <= 0) return "n must be positive, got " + std::to_string(n);
  if (d < 2) return "d must be at least 2, got " + std::to_string(d);
  if (!(margin >= 0 && margin < 1)) return "margin must be in [0, 1) (inputs have unit norm)";
  if (max_draws_per_example <= 0) return "max_draws_per_example must be positive";
  return "";
}

Vector LinearTeacherDirection(const LinearOptions& opts) {
  Rng rng = Rng(opts.teacher_seed).Split(Purpose::kTeacher);
  return rng.UnitSphere(opts.d);
}

Dataset GenerateLinear(const LinearOptions& opts) {
  ValidateOrThrow(opts, "linear");
  const Vector u = LinearTeacherDirection(opts);
  Rng rng = DataStream(opts.seed, opts.sample);
  Dataset ds;
  ds.X.resize(opts.n, opts.d);
  ds.y.resize(opts.n);
  long draws = 0;
  for (Index i = 0; i < opts.n;) {
    ML_REQUIRE(draws < opts.max_draws_per_example * opts.n)
        << "linear: margin=" << opts.margin << " accepted only " << i << " of " << opts.n << " examples in "
        << draws << " draws; lower margin";
    ++draws;
    const Vector x = rng.UnitSphere(opts.d);
    const double z = u.dot(x);
    if (std::abs(z) < opts.margin || z == 0.0) continue;
    ds.X.row(i) = x.transpose();
    ds.y(i) = z > 0 ? 1.0 : -1.0;
    ++i;
  }
  ds.kind = LabelKind::kBinary;
  ds.source = "linear:" + ToParamMap(opts).ToString();
  return ds;
}

}  // namespace marginlab
