// Training metrics (see metrics.hpp for the definitions and sources).
#include "marginlab/nn/metrics.hpp"

#include <algorithm>
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

Index EvalBlockRows(const MlpShape& shape) {
  Index widest = 1;
  for (int k = 1; k < shape.depth(); ++k) widest = std::max(widest, shape.dims[k]);
  return std::max<Index>(1024, (Index{1} << 26) / widest);
}

template <class T>
Evaluator<T>::Evaluator(const MlpShape& shape, LossKind loss, RegConfig reg, const Dataset& train,
                        const Dataset* test, const Weights<double>& init, Index block_rows)
    : shape_(shape), loss_(loss), reg_(reg), train_ds_(&train), test_ds_(test), init_(init) {
  X_ = train.X.cast<T>();
  y_ = LossLabels(loss, train);
  block_ = block_rows > 0 ? block_rows : EvalBlockRows(shape);
  Index rows = std::min(block_, train.n());
  if (test) {
    Xtest_ = test->X.cast<T>();
    ytest_ = LossLabels(loss, *test);
    rows = std::max(rows, std::min(block_, test->n()));
  }
  ws_.Resize(shape, rows);
  for (const auto& w : init) dW_.push_back(MatrixT<T>::Zero(w.rows(), w.cols()));
  if (train.n() > block_) dWb_ = dW_;
}

template <class T>
void Evaluator<T>::ForwardBlock(const Weights<T>& W, const MatrixT<T>& X, Index lo, Index rows) {
  if (ws_.F.rows() != rows) ws_.Resize(shape_, rows);
  if (rows == X.rows()) {
    MlpForward(ws_, shape_, W, X);
    return;
  }
  Xb_ = X.middleRows(lo, rows);
  MlpForward(ws_, shape_, W, Xb_);
}

template <class T>
TrainRecord Evaluator<T>::Evaluate(const Weights<T>& W, long step) {
  TrainRecord r;
  r.step = step;
  const int q = shape_.depth(), h = shape_.Homogeneity();
  const Index n = X_.rows();
  F_.resize(n, shape_.output_dim());
  // Activation patterns 1[Z_k > 0] = 1[H_k > 0] of every hidden layer (bit j·n + i for example
  // i, unit j), block by block, before a backward pass overwrites H.
  std::size_t changed = 0, total = 0;
  const bool record = init_patterns_.empty();
  if (record)
    for (int k = 1; k < q; ++k)
      init_patterns_.emplace_back((static_cast<std::size_t>(n) * static_cast<std::size_t>(shape_.dims[k]) + 63) / 64, 0);
  for (Index lo = 0; lo < n; lo += block_) {
    const Index rows = std::min(block_, n - lo);
    ForwardBlock(W, X_, lo, rows);
    F_.middleRows(lo, rows) = ws_.F;
    for (int k = 1; k < q; ++k) {
      const MatrixT<T>& H = ws_.H[k];
      auto& p0 = init_patterns_[k - 1];
      for (Index j = 0; j < H.cols(); ++j)
        for (Index i = 0; i < rows; ++i) {
          const std::size_t bit = static_cast<std::size_t>(j) * static_cast<std::size_t>(n) + static_cast<std::size_t>(lo + i);
          const std::uint64_t on = H(i, j) > T(0) ? 1 : 0;
          if (record) p0[bit / 64] |= on << (bit % 64);
          changed += on != ((p0[bit / 64] >> (bit % 64)) & 1);
        }
      total += static_cast<std::size_t>(H.size());
    }
  }
  r.pattern_change = total ? static_cast<double>(changed) / static_cast<double>(total) : 0.0;
  const LossValue lv = EvalLoss(&dF_, loss_, F_, y_, GradMode::kMean);
  if (n <= block_) {
    MlpBackward(dW_, ws_, shape_, W, X_, dF_);
  } else {
    for (auto& g : dW_) g.setZero();
    for (Index lo = 0; lo < n; lo += block_) {
      const Index rows = std::min(block_, n - lo);
      ForwardBlock(W, X_, lo, rows);
      dFb_ = dF_.middleRows(lo, rows);
      MlpBackward(dWb_, ws_, shape_, W, Xb_, dFb_);
      for (int k = 0; k < shape_.TrainableLayers(); ++k) dW_[k] += dWb_[k];
    }
  }
  const Matrix F = F_.template cast<double>();

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
    Ftest_.resize(Xtest_.rows(), shape_.output_dim());
    for (Index lo = 0; lo < Xtest_.rows(); lo += block_) {
      const Index rows = std::min(block_, Xtest_.rows() - lo);
      ForwardBlock(W, Xtest_, lo, rows);
      Ftest_.middleRows(lo, rows) = ws_.F;
    }
    r.test_loss = EvalLoss<T>(nullptr, loss_, Ftest_, ytest_).loss;
    r.test_error = ZeroOneError(Ftest_.template cast<double>(), ytest_, loss_, test_ds_->kind);
  } else {
    r.test_loss = r.test_error = kNaN;
  }
  return r;
}

template class Evaluator<double>;
template class Evaluator<float>;

}  // namespace marginlab::nn
