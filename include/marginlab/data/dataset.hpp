// A labelled data set: X is n×d (one example per row), y has n entries.
//
// Label kinds:
//   kBinary — y_i ∈ {−1, +1} (the papers' binary classification);
//   kClass  — y_i ∈ {0, 1, …, l−1} stored as doubles, num_classes = l;
//   kReal   — real-valued regression targets.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "marginlab/core/rng.hpp"
#include "marginlab/core/types.hpp"

namespace marginlab {

enum class LabelKind { kBinary, kClass, kReal };
const char* ToString(LabelKind k);
// Parses "binary" | "class" | "real"; throws InputError naming `what`.
LabelKind ParseLabelKind(const std::string& text, const std::string& what);

struct Dataset {
  Matrix X;  // n×d
  Vector y;  // n
  LabelKind kind = LabelKind::kBinary;
  int num_classes = 2;  // l for kClass; 2 for kBinary; 0 for kReal
  std::string source;   // where it came from: the generator spec or the file path

  Index n() const { return X.rows(); }
  Index d() const { return X.cols(); }

  // Throws InputError (naming `source`) if shapes disagree, an entry is not
  // finite, or a label does not fit `kind`.
  void Validate() const;
};

// Infers the label kind of y: {−1,+1} → binary; non-negative integers →
// class (l = max + 1); otherwise real.
LabelKind InferLabelKind(const Vector& y, int* num_classes);

// Rows `rows` of ds, in that order.
Dataset Subset(const Dataset& ds, const std::vector<Index>& rows);

// A random split: n_test examples go to the test set, the rest to training;
// the permutation is drawn from `rng`, so the same seed gives the same split.
std::pair<Dataset, Dataset> TrainTestSplit(const Dataset& ds, Index n_test, Rng& rng);

// The data stream of a generator: Rng(seed).Split(kData) for sample 0, and an
// independent stream Rng(seed).Split(kData).Split(sample) for sample k > 0, so
// that a training set (sample=0) and a test set (sample=1) can share one seed
// (and, for `teacher`, one teacher) without sharing examples.
Rng DataStream(unsigned long seed, unsigned long sample);

// Statistics used by `marginlab data info`.
struct DatasetStats {
  Index n = 0, d = 0;
  double min_value = 0, max_value = 0, mean_norm = 0, max_norm = 0;
  std::vector<std::pair<double, Index>> label_counts;  // for binary/class labels
  double label_mean = 0, label_std = 0;                // for real labels
};
DatasetStats ComputeStats(const Dataset& ds);

}  // namespace marginlab
