// Linearly separable data with a margin (see linear.hpp).
#include "marginlab/data/linear.hpp"

#include <cmath>
#include <cstdio>

#include "marginlab/core/error.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"
#include "sampling.hpp"

namespace marginlab {

std::string LinearOptions::Validate() const {
  if (n <= 0) return "n must be positive, got " + std::to_string(n);
  if (d < 2) return "d must be at least 2, got " + std::to_string(d);
  if (!(margin >= 0 && margin < 1)) return "margin must be in [0, 1) (inputs have unit norm)";
  if (std::string p = data_internal::DrawsProblem(max_draws_per_example); !p.empty()) return p;
  if (std::string p = data_internal::DataMemoryProblem(n, d); !p.empty()) return p;
  // The acceptance rate is known exactly: P(|u*·x| >= margin) for x uniform on
  // the sphere. Refuse when rejection sampling would need, on average, more
  // than max_draws_per_example draws per example.
  const double p = data_internal::SphereCapProbability(d, margin);
  if (p >= 0 && p * static_cast<double>(max_draws_per_example) < 1) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.3g", p);
    return "margin=" + FormatDouble(margin) + " with d=" + std::to_string(d) + " keeps a fraction " + rate +
           " of the draws (|u*.x| >= margin; |u*.x| is typically 1/sqrt(d) = " +
           FormatDouble(std::round(1000 / std::sqrt(static_cast<double>(d))) / 1000) +
           "): more than max_draws_per_example=" + std::to_string(max_draws_per_example) +
           " draws per example on average; lower margin or d";
  }
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
  data_internal::RejectionBudget budget(opts.n, opts.max_draws_per_example);
  std::uint64_t draws = 0;
  for (Index i = 0; i < opts.n;) {
    ML_REQUIRE(!budget.Stop(draws, static_cast<std::uint64_t>(i)))
        << "linear: margin=" << opts.margin << " accepted only " << i << " of " << opts.n << " examples in "
        << draws << " draws" << (budget.stopped_early() ? " (stopped early: too few to reach n)" : "")
        << " (max_draws_per_example=" << opts.max_draws_per_example << "); lower margin";
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
