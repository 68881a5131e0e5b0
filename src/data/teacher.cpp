// Random two-layer ReLU teacher and rejection sampling (see teacher.hpp).
#include "marginlab/data/teacher.hpp"

#include <cmath>
#include <sstream>

#include "marginlab/core/error.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/params.hpp"
#include "sampling.hpp"

namespace marginlab {

std::string TeacherOptions::Validate() const {
  if (n <= 0) return "n must be positive, got " + std::to_string(n);
  if (d <= 0) return "d must be positive, got " + std::to_string(d);
  if (k <= 0) return "k must be positive, got " + std::to_string(k);
  if (task != "classification" && task != "regression")
    return "task must be classification or regression, got '" + task + "'";
  if (input != "sphere" && input != "gaussian")
    return "input must be sphere or gaussian, got '" + input + "'";
  if (!(margin >= 0) || !std::isfinite(margin)) return "margin must be a finite number >= 0";
  if (task == "regression" && margin != 0)
    return "margin applies to classification only (task=regression keeps every draw)";
  if (std::string p = data_internal::DrawsProblem(max_draws_per_example); !p.empty()) return p;
  // The data (n×d and n labels) and the teacher (k×d weights, k output weights).
  if (std::string p = data_internal::DataMemoryProblem(n, d); !p.empty()) return p;
  return MemoryProblem(SaturatingMul(SaturatingAdd(ArrayBytes({k, d}, 1), static_cast<std::uint64_t>(k)), 8),
                       "k=" + std::to_string(k) + " and d=" + std::to_string(d) + " (a " + std::to_string(k) +
                           " x " + std::to_string(d) + " teacher weight matrix, as doubles)");
}

Vector Teacher::Eval(const Matrix& X) const {
  return (X * U.transpose()).cwiseMax(0.0) * a;  // (n×d)(d×k) → n×k, then · a
}

Teacher MakeTeacher(const TeacherOptions& opts) {
  Rng rng = Rng(opts.teacher_seed).Split(Purpose::kTeacher);
  Teacher t;
  t.U.resize(opts.k, opts.d);
  for (Index j = 0; j < opts.k; ++j) t.U.row(j) = rng.UnitSphere(opts.d).transpose();
  t.a.resize(opts.k);
  for (Index j = 0; j < opts.k; ++j) t.a(j) = (j % 2 == 0 ? 1.0 : -1.0) * std::abs(rng.Normal());
  return t;
}

Dataset GenerateTeacher(const TeacherOptions& opts) {
  ValidateOrThrow(opts, "teacher");
  const Teacher teacher = MakeTeacher(opts);
  Rng rng = DataStream(opts.seed, opts.sample);
  const bool classify = opts.task == "classification";
  const bool sphere = opts.input == "sphere";
  const double gauss_std = 1.0 / std::sqrt(static_cast<double>(opts.d));

  // On the sphere, |f*(x)| ≤ max(Σ_{a_j>0} a_j, Σ_{a_j<0} |a_j|) since 0 ≤ [u_j·x]₊ ≤ 1:
  // a margin above that bound is refused before any draw.
  if (classify && sphere) {
    const double bound = std::max(teacher.a.cwiseMax(0.0).sum(), (-teacher.a).cwiseMax(0.0).sum());
    if (opts.margin > bound) {
      std::ostringstream msg;
      msg << "teacher: margin=" << opts.margin << " is not reachable: on the unit sphere |f*(x)| <= "
          << bound << " for this teacher (k=" << opts.k << ", teacher_seed=" << opts.teacher_seed
          << "); the largest |f*(x)| seen was 0 (no draws made); lower margin or change teacher_seed";
      throw InputError(msg.str());
    }
  }

  Dataset ds;
  ds.X.resize(opts.n, opts.d);
  ds.y.resize(opts.n);
  data_internal::RejectionBudget budget(opts.n, opts.max_draws_per_example);
  std::uint64_t draws = 0;
  double largest = 0.0;
  Vector x(opts.d);
  for (Index i = 0; i < opts.n;) {
    if (budget.Stop(draws, static_cast<std::uint64_t>(i))) {
      std::ostringstream msg;
      msg << "teacher: margin=" << opts.margin << " is not reachable: only " << i << " of " << opts.n
          << " examples accepted in " << draws << " draws ";
      if (budget.stopped_early())
        msg << "(stopped early: at that acceptance rate the " << budget.max_draws() << " draws allowed by "
            << "max_draws_per_example=" << opts.max_draws_per_example << " cannot suffice)";
      else
        msg << "(max_draws_per_example=" << opts.max_draws_per_example << ")";
      msg << "; the largest |f*(x)| seen was " << largest << "; lower margin or change teacher_seed";
      throw InputError(msg.str());
    }
    ++draws;
    if (sphere) {
      x = rng.UnitSphere(opts.d);
    } else {
      for (Index k = 0; k < opts.d; ++k) x(k) = gauss_std * rng.Normal();
    }
    const double f = (teacher.U * x).cwiseMax(0.0).dot(teacher.a);
    largest = std::max(largest, std::abs(f));
    if (classify && !(std::abs(f) >= opts.margin && f != 0.0)) continue;
    ds.X.row(i) = x.transpose();
    ds.y(i) = classify ? (f > 0 ? 1.0 : -1.0) : f;
    ++i;
  }
  ds.kind = classify ? LabelKind::kBinary : LabelKind::kReal;
  ds.num_classes = classify ? 2 : 0;
  ds.source = "teacher:" + ToParamMap(opts).ToString();
  return ds;
}

}  // namespace marginlab
