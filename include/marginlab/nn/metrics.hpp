// The quantities the papers plot for a network during training, evaluated at
// the logged steps on the full training set (and the test set):
//   data loss L, its log, the regularized objective L + λ‖Θ‖^r,
//   train / test 0-1 error, test loss,
//   normalized margin γ = min_i z_i / ‖Θ‖^h and unnormalized margin min_i z_i
//     (z_i = y_i f_i, or f_{y_i} − max_{j≠y_i} f_j for classes; Wei et al. C.2),
//   smoothed margin ψ = −log Σ_i e^{−z_i} / ‖Θ‖^h   (Lyu–Li; Ji eq. 8),
//   ‖Θ‖, ‖Θ − Θ₀‖, ‖W_k‖_F per layer, ‖∇L_data‖,
//   the fraction of activation patterns changed since Θ₀ over every (hidden
//     unit, training example) pair (Wei et al. F.1; for depth ≥ 3 pooled over
//     all hidden layers), and
//   the alignment cos(Θ, −∇L_data) (Ji §4.3).
// h = MlpShape::Homogeneity(); the norms are over the trainable layers.
// Margins are NaN for real-valued targets.
#pragma once

#include <cstdint>
#include <vector>

#include "marginlab/data/dataset.hpp"
#include "marginlab/nn/loss.hpp"
#include "marginlab/nn/mlp.hpp"

namespace marginlab::nn {

struct TrainRecord {
  long step = 0;
  double seconds = 0, lr = 0;
  double data_loss = 0, log_data_loss = 0, objective = 0;
  double train_error = 0, test_loss = 0, test_error = 0;  // test: NaN without test data
  double margin = 0, raw_margin = 0, smoothed_margin = 0;
  double norm = 0, dist_init = 0, grad_norm = 0;
  std::vector<double> layer_norms;
  double pattern_change = 0, alignment = 0;

  // The one list of a record's fields, for every output made from it (train --json, the
  // experiments' store and CSV). v.Metric(name, value): a metric of the network at this step,
  // stored everywhere; v.Layers(name, values): one value per layer (the store's columns are
  // name_1 … name_q, "layer_norm_1" for "layer_norms"); v.Step(name, value): bookkeeping the
  // store keeps in its own columns (the step, the wall clock) or does not keep (log_data_loss,
  // which only matters once data_loss underflows: train --json prints it).
  template <class V>
  void Fields(V& v) const {
    v.Metric("data_loss", data_loss);
    v.Metric("objective", objective);
    v.Metric("train_error", train_error);
    v.Metric("test_error", test_error);
    v.Metric("test_loss", test_loss);
    v.Metric("margin", margin);
    v.Metric("raw_margin", raw_margin);
    v.Metric("smoothed_margin", smoothed_margin);
    v.Metric("norm", norm);
    v.Metric("dist_init", dist_init);
    v.Metric("grad_norm", grad_norm);
    v.Metric("pattern_change", pattern_change);
    v.Metric("alignment", alignment);
    v.Metric("lr", lr);
    v.Layers("layer_norms", "layer_norm_", layer_norms);
    v.Step("step", static_cast<double>(step));
    v.Step("seconds", seconds);
    v.Step("log_data_loss", log_data_loss);
  }
};

struct RegConfig {
  double lambda = 0, power = 2;
  // λ‖Θ‖^r and the gradient coefficient λ r ‖Θ‖^{r−2} (0 at Θ = 0).
  double Value(double sq_norm) const;
  double Coef(double sq_norm) const;
};

// Examples per evaluation block for this shape: a block's activations take at most 2^26
// entries per hidden layer (512 MiB in double), at least 1024 rows. A data set of at most this
// many rows is evaluated in one block; a larger one (fig3-mnist's 60,000 images at width 2^15)
// block by block, in row order, so the memory does not grow with n × width. The blocks are a
// function of the shape only: the numbers do not depend on the thread or rank count.
Index EvalBlockRows(const MlpShape& shape);

// Holds the labels, the workspaces of one evaluation block and the initial activation
// patterns (one bit per hidden unit and example); Evaluate(W) at step 0 records Θ₀'s patterns.
// With several blocks the outputs are assembled block by block, the loss is taken on all of
// them at once (as with one block), and ∇L_data is the sum of the blocks' gradients in block
// order (a second forward pass per block: its activations are not kept).
template <class T>
class Evaluator {
 public:
  // block_rows: examples per evaluation block (0: EvalBlockRows(shape); tests set it small).
  Evaluator(const MlpShape& shape, LossKind loss, RegConfig reg, const Dataset& train,
            const Dataset* test, const Weights<double>& init, Index block_rows = 0);
  TrainRecord Evaluate(const Weights<T>& W, long step);

 private:
  MlpShape shape_;
  LossKind loss_;
  RegConfig reg_;
  const Dataset* train_ds_;
  const Dataset* test_ds_;
  MatrixT<T> X_, Xtest_;
  Vector y_, ytest_;
  Weights<double> init_;
  Index block_ = 0;  // EvalBlockRows
  MlpWorkspace<T> ws_;
  MatrixT<T> Xb_, F_, Ftest_;
  Weights<T> dW_, dWb_;
  MatrixT<T> dF_, dFb_;
  std::vector<std::vector<std::uint64_t>> init_patterns_;  // per hidden layer, n·m_k bits
  // Forward pass of rows [lo, lo + rows) of X into ws_ (X itself when it is one block).
  void ForwardBlock(const Weights<T>& W, const MatrixT<T>& X, Index lo, Index rows);
};

}  // namespace marginlab::nn
