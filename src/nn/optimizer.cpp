// Optimizer updates and schedules (see optimizer.hpp). The plain-GD update is
// Θ ← Θ − η (dW + c Θ), written so that the arithmetic is the same as
// PyTorch's `p -= lr * p.grad` with p.grad = dW + c·p (trajectory test).
#include "marginlab/nn/optimizer.hpp"

#include <cmath>
#include <numbers>

#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab::nn {

const char* ToString(OptimizerKind k) {
  switch (k) {
    case OptimizerKind::kGd: return "gd";
    case OptimizerKind::kNormalizedGd: return "normalized-gd";
    case OptimizerKind::kSgd: return "sgd";
    case OptimizerKind::kMomentum: return "momentum";
    case OptimizerKind::kNesterov: return "nesterov";
    case OptimizerKind::kAdam: return "adam";
  }
  return "?";
}

const std::vector<std::string>& OptimizerNames() {
  static const std::vector<std::string> kNames = {"gd", "normalized-gd", "sgd", "momentum", "nesterov", "adam"};
  return kNames;
}

const std::vector<std::string>& ScheduleNames() {
  static const std::vector<std::string> kNames = {"constant", "step", "cosine"};
  return kNames;
}

OptimizerKind ParseOptimizer(const std::string& t, const std::string& what) {
  if (t == "gd") return OptimizerKind::kGd;
  if (t == "normalized-gd" || t == "ngd") return OptimizerKind::kNormalizedGd;
  if (t == "sgd") return OptimizerKind::kSgd;
  if (t == "momentum" || t == "heavy-ball") return OptimizerKind::kMomentum;
  if (t == "nesterov") return OptimizerKind::kNesterov;
  if (t == "adam") return OptimizerKind::kAdam;
  throw InputError(what + ": expected " + JoinWords(OptimizerNames()) + ", got '" + t + "'");
}

ScheduleKind ParseSchedule(const std::string& t, const std::string& what) {
  if (t == "constant") return ScheduleKind::kConstant;
  if (t == "step") return ScheduleKind::kStep;
  if (t == "cosine") return ScheduleKind::kCosine;
  throw InputError(what + ": expected " + JoinWords(ScheduleNames()) + ", got '" + t + "'");
}

double Schedule::At(long t) const {
  switch (kind) {
    case ScheduleKind::kConstant: return lr;
    case ScheduleKind::kStep:
      return every > 0 ? lr * std::pow(factor, static_cast<double>(t / every)) : lr;
    case ScheduleKind::kCosine:
      return lr * 0.5 *
             (1 + std::cos(std::numbers::pi * static_cast<double>(t) /
                           static_cast<double>(std::max(total, 1L))));
  }
  return lr;
}

template <class T>
Optimizer<T>::Optimizer(const OptimizerConfig& cfg, const Weights<T>& W, int layers)
    : cfg_(cfg), layers_(layers) {
  const bool need_v = cfg.kind == OptimizerKind::kMomentum || cfg.kind == OptimizerKind::kNesterov ||
                      cfg.kind == OptimizerKind::kAdam;
  for (int k = 0; k < layers && need_v; ++k) {
    v_.push_back(MatrixT<T>::Zero(W[k].rows(), W[k].cols()));
    if (cfg.kind == OptimizerKind::kAdam) s_.push_back(MatrixT<T>::Zero(W[k].rows(), W[k].cols()));
  }
}

template <class T>
void Optimizer<T>::Step(Weights<T>& W, const Weights<T>& dW, double reg_coef, double lr) {
  ++t_;
  const T c = static_cast<T>(reg_coef), eta = static_cast<T>(lr);
  for (int k = 0; k < layers_; ++k) {
    auto& w = W[k];
    const auto& g = dW[k];
    switch (cfg_.kind) {
      case OptimizerKind::kGd:
      case OptimizerKind::kSgd:
      case OptimizerKind::kNormalizedGd:
        if (c == T(0)) w -= eta * g;
        else w -= eta * (g + c * w);
        break;
      case OptimizerKind::kMomentum:
      case OptimizerKind::kNesterov: {
        const T mu = static_cast<T>(cfg_.momentum);
        auto& v = v_[k];
        v = mu * v + (g + c * w);
        if (cfg_.kind == OptimizerKind::kMomentum) w -= eta * v;
        else w -= eta * ((g + c * w) + mu * v);
        break;
      }
      case OptimizerKind::kAdam: {
        const T b1 = static_cast<T>(cfg_.beta1), b2 = static_cast<T>(cfg_.beta2);
        const T bc1 = static_cast<T>(1 - std::pow(cfg_.beta1, static_cast<double>(t_)));
        const T bc2 = static_cast<T>(1 - std::pow(cfg_.beta2, static_cast<double>(t_)));
        auto& m = v_[k];
        auto& s = s_[k];
        m = b1 * m + (T(1) - b1) * (g + c * w);
        s = b2 * s + (T(1) - b2) * (g + c * w).cwiseAbs2();
        w.array() -= eta * (m.array() / bc1) / ((s.array() / bc2).sqrt() + static_cast<T>(cfg_.eps));
        break;
      }
    }
  }
}

template class Optimizer<double>;
template class Optimizer<float>;

}  // namespace marginlab::nn
