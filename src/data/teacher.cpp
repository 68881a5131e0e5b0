// Random two-layer ReLU teacher and rejection sampling (see teacher.hpp).
#include "marginlab/data/teacher.hpp"

#include <cmath>
#include <sstream>

#include "marginlab/core/error.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab {

std::string TeacherOptions::Validate() const {
  if (n <= 0) return "n must be positive, got " + std::to_string(n);
  if (d <= 0) return "d must be positive, got " + std::to_string(d);
  if (k <= 0) return "k must be positive, got " + std::to_string(k);
  if (task != "classification" && task != "regression")
    return "task must be classification or regression, got '" + task + "'";
  if (input != "sphere" && input != "gaussian")
    return "input must be sphere or gaussian, got '" + input + "'";
  if (!(margin >= 0)) return "margin must be >= 0";
  if (task == "regression" && margin != 0)
    return "margin applies to classification only (task=regression keeps every draw)";
  if (max_draws_per_example <= 0) return "max_draws_per_example must be positive";
  return "";
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

  Dataset ds;
  ds.X.resize(opts.n, opts.d);
  ds.y.resize(opts.n);
  const long max_draws = opts.max_draws_per_example * opts.n;
  long draws = 0;
  double largest = 0.0;
  Vector x(opts.d);
  for (Index i = 0; i < opts.n;) {
    if (draws >= max_draws) {
      std::ostringstream msg;
      msg << "teacher: margin=" << opts.margin << " is not reachable: only " << i << " of " << opts.n
          << " examples accepted in " << draws << " draws (max_draws_per_example="
          << opts.max_draws_per_example << "); the largest |f*(x)| seen was " << largest
          << "; lower margin or change teacher_seed";
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
