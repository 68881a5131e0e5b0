// Training metrics (see metrics.hpp for the definitions and sources).
#include "marginlab/nn/metrics.hpp"

#include <cmath>
#include <limits>

#include "marginlab/core/error.hpp"

namespace marginlab::nn {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

double RegConfig::Value(double sq) const {
  if (lambda == 0) return 0;
  return lambda * std::pow(sq, power / 2);
}

double RegConfig::Coef(double sq) const {
  if (lambda == 0 || sq == 0) return 0;
  return power == 2 ? 2 * lambda : lambda * power * std::pow(sq, power / 2 - 1);
}

template <class T>
Evaluator<T>::Evaluator(const MlpShape& shape, LossKind loss, RegConfig reg, const Dataset& train,
                        const Dataset* test, const Weights<double>& init)
    : shape_(shape), loss_(loss), reg_(reg), train_ds_(&train), test_ds_(test), init_(init) {
  X_ = train.X.cast<T>();
  y_ = LossLabels(loss, train);
  ws_.Resize(shape, train.n());
  if (test) {
    Xtest_ = test->X.cast<T>();
    ytest_ = LossLabels(loss, *test);
    ws_test_.Resize(shape, test->n());
  }
  for (const auto& w : init) dW_.push_back(MatrixT<T>::Zero(w.rows(), w.cols()));
}

template <class T>
TrainRecord Evaluator<T>::Evaluate(const Weights<T>& W, long step) {
  TrainRecord r;
  r.step = step;
  const int q = shape_.depth(), h = shape_.Homogeneity();
  MlpForward(ws_, shape_, W, X_);
  // Activation patterns 1[Z_k > 0] = 1[H_k > 0] of every hidden layer, before the backward
  // pass overwrites H.
  std::size_t changed = 0, total = 0;
  const bool record = init_patterns_.empty();
  for (int k = 1; k < q; ++k) {
    const MatrixT<T>& H = ws_.H[k];
    if (record) init_patterns_.emplace_back(static_cast<std::size_t>(H.size()));
    auto& p0 = init_patterns_[k - 1];
    for (Index i = 0; i < H.size(); ++i) {
      const std::uint8_t on = H.data()[i] > T(0);
      if (record) p0[i] = on;
      changed += on != p0[i];
    }
    total += static_cast<std::size_t>(H.size());
  }
  r.pattern_change = total ? static_cast<double>(changed) / static_cast<double>(total) : 0.0;
  const Matrix F = ws_.F.template cast<double>();
  const LossValue lv = EvalLoss(&dF_, loss_, ws_.F, y_, GradMode::kMean);
  MlpBackward(dW_, ws_, shape_, W, X_, dF_);

  double sq = 0, gsq = 0, dot = 0, dist = 0;
  for (int k = 0; k < shape_.TrainableLayers(); ++k) {
    const Matrix w = W[k].template cast<double>(), g = dW_[k].template cast<double>();
    const double lsq = w.squaredNorm();
    r.layer_norms.push_back(std::sqrt(lsq));
    sq += lsq;
    gsq += g.squaredNorm();
    dot += w.cwiseProduct(g).sum();
    dist += (w - init_[k]).squaredNorm();
  }
  r.norm = std::sqrt(sq);
  r.grad_norm = std::sqrt(gsq);
  r.dist_init = std::sqrt(dist);
  r.alignment = (r.norm > 0 && r.grad_norm > 0) ? -dot / (r.norm * r.grad_norm) : kNaN;
  r.data_loss = lv.loss;
  r.log_data_loss = lv.log_loss;
  r.objective = lv.loss + reg_.Value(sq);
  r.train_error = ZeroOneError(F, y_, loss_, train_ds_->kind);
  if (train_ds_->kind != LabelKind::kReal) {
    const Vector z = Margins(F, y_, loss_);
    const double scale = std::pow(r.norm, h);
    // Eigen's default minCoeff may skip a NaN: a NaN margin makes every margin metric NaN.
    const bool nan = z.hasNaN();
    r.raw_margin = z.minCoeff<Eigen::PropagateNaN>();
    r.margin = r.raw_margin / scale;
    r.smoothed_margin = nan ? kNaN : -LogSumExp(-z) / scale;
  } else {
    r.raw_margin = r.margin = r.smoothed_margin = kNaN;
  }
  if (test_ds_) {
    MlpForward(ws_test_, shape_, W, Xtest_);
    r.test_loss = EvalLoss<T>(nullptr, loss_, ws_test_.F, ytest_).loss;
    r.test_error =
        ZeroOneError(ws_test_.F.template cast<double>(), ytest_, loss_, test_ds_->kind);
  } else {
    r.test_loss = r.test_error = kNaN;
  }
  return r;
}

template class Evaluator<double>;
template class Evaluator<float>;

}  // namespace marginlab::nn
