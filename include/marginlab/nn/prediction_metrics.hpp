// Metrics of predictions against labels: the one implementation used for networks (the training
// log, saved and reference networks), kernel predictors (`kernel fit`) and the experiments.
//
//   0-1 error   example i is wrong when its margin z_i ≤ 0 (a tie is wrong), with z_i = y_i f_i
//               (one output, ±1 labels) or f_{y_i} − max_{j≠y_i} f_j (one output per class, class
//               labels 0…k−1; Wei et al. C.2) — nn/loss.hpp Margins
//   mse         (1/n) Σ_i (f_i − y_i)²             (one output: ±1 or real labels)
//   truncated   (1/n) Σ_i min((f_i − y_i)², 1)      (Wei et al. Thm 2.1's regression loss)
// A NaN or infinite score is no prediction: every metric is then NaN — never an example counted
// right (NaN ≤ 0 is false) or a finite loss. The 0-1 error of real labels is NaN; so are the
// squared losses of class labels.
#pragma once

#include <limits>
#include <string>

#include "marginlab/core/types.hpp"
#include "marginlab/data/dataset.hpp"

namespace marginlab::nn {

struct PredictionMetrics {
  double error = std::numeric_limits<double>::quiet_NaN();
  double mse = std::numeric_limits<double>::quiet_NaN();
  double truncated_mse = std::numeric_limits<double>::quiet_NaN();

  // Output keys (core/options.hpp), each with `prefix` ("train_", "test_"): error, squared_loss,
  // truncated_squared_loss — not a number (null / NaN) where the labels have none.
  template <class V>
  void Fields(V& v, const std::string& prefix) const {
    v((prefix + "error").c_str(), error);
    v((prefix + "squared_loss").c_str(), mse);
    v((prefix + "truncated_squared_loss").c_str(), truncated_mse);
  }
};

// F: n × l scores, y: n labels of kind `kind` (class indices when l > 1).
PredictionMetrics EvaluatePredictions(const Matrix& F, const Vector& y, LabelKind kind);

// The 0-1 error alone (as EvaluatePredictions(F, y, kind).error).
double ErrorRate(const Matrix& F, const Vector& y, LabelKind kind);

}  // namespace marginlab::nn
