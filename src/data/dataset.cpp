// Dataset helpers (see dataset.hpp).
#include "marginlab/data/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab {

const char* ToString(LabelKind k) {
  switch (k) {
    case LabelKind::kBinary: return "binary";
    case LabelKind::kClass: return "class";
    case LabelKind::kReal: return "real";
  }
  return "?";
}

LabelKind ParseLabelKind(const std::string& text, const std::string& what) {
  if (text == "binary") return LabelKind::kBinary;
  if (text == "class") return LabelKind::kClass;
  if (text == "real") return LabelKind::kReal;
  throw InputError(what + ": expected binary, class or real, got '" + text + "'");
}

void Dataset::Validate() const {
  ML_REQUIRE(X.rows() == y.size()) << source << ": " << X.rows() << " examples but " << y.size()
                                   << " labels";
  ML_REQUIRE(X.rows() > 0) << source << ": the data set is empty";
  ML_REQUIRE(X.cols() > 0) << source << ": examples have no features";
  for (Index j = 0; j < X.cols(); ++j)
    for (Index i = 0; i < X.rows(); ++i)
      ML_REQUIRE(std::isfinite(X(i, j)))
          << source << ": feature " << j << " of example " << i << " is not finite";
  for (Index i = 0; i < y.size(); ++i) {
    const double v = y(i);
    ML_REQUIRE(std::isfinite(v)) << source << ": label of example " << i << " is not finite";
    if (kind == LabelKind::kBinary)
      ML_REQUIRE(v == 1.0 || v == -1.0)
          << source << ": label of example " << i << " is " << v << ", expected -1 or +1";
    if (kind == LabelKind::kClass)
      ML_REQUIRE(v >= 0 && v < num_classes && v == std::floor(v))
          << source << ": label of example " << i << " is " << v << ", expected a class index in [0, "
          << num_classes << ")";
  }
}

LabelKind InferLabelKind(const Vector& y, int* num_classes) {
  bool pm1 = y.size() > 0, nonneg_int = y.size() > 0;
  double max_label = 0;
  for (Index i = 0; i < y.size(); ++i) {
    const double v = y(i);
    pm1 = pm1 && (v == 1.0 || v == -1.0);
    nonneg_int = nonneg_int && v >= 0 && v == std::floor(v) && v < 1e9;
    if (nonneg_int) max_label = std::max(max_label, v);
  }
  if (pm1) {
    if (num_classes) *num_classes = 2;
    return LabelKind::kBinary;
  }
  if (nonneg_int) {
    if (num_classes) *num_classes = static_cast<int>(max_label) + 1;
    return LabelKind::kClass;
  }
  if (num_classes) *num_classes = 0;
  return LabelKind::kReal;
}

Dataset Subset(const Dataset& ds, const std::vector<Index>& rows) {
  Dataset out;
  out.kind = ds.kind;
  out.num_classes = ds.num_classes;
  out.source = ds.source;
  out.X.resize(static_cast<Index>(rows.size()), ds.d());
  out.y.resize(static_cast<Index>(rows.size()));
  for (std::size_t k = 0; k < rows.size(); ++k) {
    ML_CHECK(rows[k] >= 0 && rows[k] < ds.n()) << "row " << rows[k] << " out of range";
    out.X.row(static_cast<Index>(k)) = ds.X.row(rows[k]);
    out.y(static_cast<Index>(k)) = ds.y(rows[k]);
  }
  return out;
}

std::pair<Dataset, Dataset> TrainTestSplit(const Dataset& ds, Index n_test, Rng& rng) {
  ML_REQUIRE(n_test > 0 && n_test < ds.n())
      << ds.source << ": test size " << n_test << " must be in [1, " << ds.n() - 1 << "]";
  std::vector<Index> perm(static_cast<std::size_t>(ds.n()));
  std::iota(perm.begin(), perm.end(), Index{0});
  // Fisher–Yates with our own RNG (std::shuffle's algorithm is unspecified).
  for (std::size_t i = perm.size() - 1; i > 0; --i)
    std::swap(perm[i], perm[rng.UniformInt(i + 1)]);
  std::vector<Index> test(perm.begin(), perm.begin() + n_test);
  std::vector<Index> train(perm.begin() + n_test, perm.end());
  std::sort(test.begin(), test.end());
  std::sort(train.begin(), train.end());
  Dataset tr = Subset(ds, train), te = Subset(ds, test);
  tr.source = ds.source + " [train split]";
  te.source = ds.source + " [test split]";
  return {std::move(tr), std::move(te)};
}

Rng DataStream(unsigned long seed, unsigned long sample) {
  Rng rng = Rng(seed).Split(Purpose::kData);
  return sample == 0 ? rng : rng.Split(sample);
}

DatasetStats ComputeStats(const Dataset& ds) {
  DatasetStats s;
  s.n = ds.n();
  s.d = ds.d();
  if (ds.n() == 0 || ds.d() == 0) return s;
  s.min_value = ds.X.minCoeff();
  s.max_value = ds.X.maxCoeff();
  const Vector norms = ds.X.rowwise().norm();
  s.mean_norm = norms.mean();
  s.max_norm = norms.maxCoeff();
  if (ds.kind == LabelKind::kReal) {
    s.label_mean = ds.y.mean();
    s.label_std = std::sqrt((ds.y.array() - s.label_mean).square().mean());
  } else {
    std::map<double, Index> counts;
    for (Index i = 0; i < ds.y.size(); ++i) ++counts[ds.y(i)];
    s.label_counts.assign(counts.begin(), counts.end());
  }
  return s;
}

}  // namespace marginlab
