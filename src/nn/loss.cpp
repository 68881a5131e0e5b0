// Losses, margins and 0-1 error (see loss.hpp for the math and sources).
//
// Per example i the loss supplies ℓ_i, log ℓ_i and, for each output j, the
// sign and log-magnitude of g_ij = ∂ℓ_i/∂f_ij:
//   logistic     ℓ = softplus(−z), log|g| = −softplus(z), sign −y
//   exponential  ℓ = e^{−z},       log|g| = −z,           sign −y
//   cross-ent.   s = LSE_{j≠c}(f_j − f_c), ℓ = softplus(s),
//                log g_j = f_j − f_c − softplus(s) (j ≠ c), log|g_c| = s − softplus(s), sign −
//   squared      r = f − t, ℓ = Σ r², g = 2r
// kMean: dF = g / n.  kNormalized: dF = sign · exp(log|g| − LSE_k log ℓ_k).
#include "marginlab/nn/loss.hpp"
#include "marginlab/nn/prediction_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab::nn {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

const char* ToString(LossKind k) {
  switch (k) {
    case LossKind::kLogistic: return "logistic";
    case LossKind::kExponential: return "exponential";
    case LossKind::kCrossEntropy: return "cross-entropy";
    case LossKind::kSquared: return "squared";
  }
  return "?";
}

const std::vector<std::string>& LossNames() {
  static const std::vector<std::string> kNames = {"logistic", "exponential", "cross-entropy", "squared"};
  return kNames;
}

LossKind ParseLoss(const std::string& t, const std::string& what) {
  if (t == "logistic") return LossKind::kLogistic;
  if (t == "exponential" || t == "exp") return LossKind::kExponential;
  if (t == "cross-entropy" || t == "ce" || t == "crossentropy") return LossKind::kCrossEntropy;
  if (t == "squared" || t == "mse") return LossKind::kSquared;
  throw InputError(what + ": expected " + JoinWords(LossNames()) + ", got '" + t + "'");
}

Index OutputDim(LossKind loss, const Dataset& ds) {
  switch (loss) {
    case LossKind::kLogistic:
    case LossKind::kExponential:
      ML_REQUIRE(ds.kind == LabelKind::kBinary)
          << "loss " << ToString(loss) << " needs binary (±1) labels, but " << ds.source
          << " has " << ToString(ds.kind) << " labels (use cross-entropy or squared)";
      return 1;
    case LossKind::kCrossEntropy:
      ML_REQUIRE(ds.kind != LabelKind::kReal)
          << "loss cross-entropy needs class labels, but " << ds.source << " has real targets";
      return ds.kind == LabelKind::kBinary ? 2 : ds.num_classes;
    case LossKind::kSquared: return ds.kind == LabelKind::kClass ? ds.num_classes : 1;
  }
  return 1;
}

Vector LossLabels(LossKind loss, const Dataset& ds) {
  if (loss == LossKind::kCrossEntropy && ds.kind == LabelKind::kBinary)
    return ds.y.unaryExpr([](double v) { return v > 0 ? 1.0 : 0.0; });
  return ds.y;
}

double Softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

double LogLogisticLoss(double z) {
  if (z > 35) return -z + std::log1p(-0.5 * std::exp(-z));  // log(e^{−z}(1 − e^{−z}/2 + …))
  return std::log(Softplus(-z));
}

double LogSumExp(const Vector& a) {
  if (a.size() == 0) return -kInf;
  const double mx = a.maxCoeff();
  if (!std::isfinite(mx)) return mx;
  double s = 0;
  for (Index i = 0; i < a.size(); ++i) s += std::exp(a[i] - mx);
  return mx + std::log(s);
}

template <class T>
LossValue EvalLoss(MatrixT<T>* dF, LossKind loss, const MatrixT<T>& F, const Vector& y,
                   GradMode mode) {
  const Index n = F.rows(), l = F.cols();
  ML_CHECK(y.size() == n) << "labels " << y.size() << " vs outputs " << n;
  const double inv_n = 1.0 / static_cast<double>(n);
  if (dF) dF->resize(n, l);
  // initial-exec: see LocalPacked in two_layer_kernel.cpp.
  thread_local Vector logl __attribute__((tls_model("initial-exec"))), logg __attribute__((tls_model("initial-exec"))),
      sgn __attribute__((tls_model("initial-exec")));
  logl.resize(n);
  const bool norm = mode == GradMode::kNormalized && dF;
  if (norm) logg.resize(n * l), sgn.resize(n * l);
  double sum = 0;
  for (Index i = 0; i < n; ++i) {
    if (loss == LossKind::kLogistic || loss == LossKind::kExponential) {
      const double z = y[i] * static_cast<double>(F(i, 0));
      double li, lg;
      if (loss == LossKind::kLogistic) {
        const double e = std::exp(-std::abs(z));  // ℓ = max(−z,0) + log1p(e); σ(−z) from e
        li = std::max(-z, 0.0) + std::log1p(e);
        logl[i] = z > 35 ? -z + std::log1p(-0.5 * e) : std::log(li);
        const double sig = z >= 0 ? e / (1 + e) : 1 / (1 + e);  // σ(−z) = |∂ℓ/∂z|
        if (dF && !norm) (*dF)(i, 0) = static_cast<T>(-y[i] * sig * inv_n);
        lg = norm ? -Softplus(z) : 0;
      } else {
        li = std::exp(-z);
        logl[i] = -z;
        lg = -z;
        if (dF && !norm) (*dF)(i, 0) = static_cast<T>(-y[i] * li * inv_n);
      }
      sum += li;
      if (norm) logg[i] = lg, sgn[i] = -y[i];
    } else if (loss == LossKind::kCrossEntropy) {
      const Index c = static_cast<Index>(y[i]);
      ML_CHECK(c >= 0 && c < l) << "class " << c << " with " << l << " outputs";
      const double fc = static_cast<double>(F(i, c));
      double mx = -kInf;
      for (Index j = 0; j < l; ++j)
        if (j != c) mx = std::max(mx, static_cast<double>(F(i, j)) - fc);
      double acc = 0;
      for (Index j = 0; j < l; ++j)
        if (j != c) acc += std::exp(static_cast<double>(F(i, j)) - fc - mx);
      const double s = mx + std::log(acc);  // LSE_{j≠c}(f_j − f_c)
      const double sp = Softplus(s);
      sum += sp;
      logl[i] = LogLogisticLoss(-s);
      for (Index j = 0; j < l; ++j) {
        const double lgj = j == c ? s - sp : static_cast<double>(F(i, j)) - fc - sp;
        const double sg = j == c ? -1.0 : 1.0;
        if (norm) logg[i * l + j] = lgj, sgn[i * l + j] = sg;
        else if (dF) (*dF)(i, j) = static_cast<T>(sg * std::exp(lgj) * inv_n);
      }
    } else {  // squared
      double li = 0;
      for (Index j = 0; j < l; ++j) {
        const double t = l == 1 ? y[i] : (static_cast<Index>(y[i]) == j ? 1.0 : 0.0);
        const double r = static_cast<double>(F(i, j)) - t;
        li += r * r;
        if (norm) logg[i * l + j] = std::log(2 * std::abs(r)), sgn[i * l + j] = r >= 0 ? 1 : -1;
        else if (dF) (*dF)(i, j) = static_cast<T>(2 * r * inv_n);
      }
      sum += li;
      logl[i] = std::log(li);
    }
  }
  LossValue v;
  v.loss = sum * inv_n;
  const bool plain = v.loss > 1e-300 && v.loss < 1e300;
  const double lse = (norm || !plain) ? LogSumExp(logl) : 0;
  v.log_loss = plain ? std::log(v.loss) : lse - std::log(static_cast<double>(n));
  if (norm) {
    // exp(log|g| − mx) / Σ_k exp(log ℓ_k − mx), mx = max_k log ℓ_k: differences of nearby
    // logs are exact, so the weights keep full relative precision even at |z| ~ 1e6.
    const double mx = logl.maxCoeff();
    double S = 0;
    for (Index i = 0; i < n; ++i) S += std::exp(logl[i] - mx);
    for (Index i = 0; i < n; ++i)
      for (Index j = 0; j < l; ++j)
        (*dF)(i, j) = static_cast<T>(sgn[i * l + j] * (std::exp(logg[i * l + j] - mx) / S));
  }
  return v;
}

Vector Margins(const Matrix& F, const Vector& y) {
  const Index n = F.rows(), l = F.cols();
  Vector z(n);
  for (Index i = 0; i < n; ++i) {
    if (!F.row(i).allFinite()) {  // no margin from a NaN/Inf output (max/min would drop NaN)
      z[i] = kNaN;
      continue;
    }
    if (l == 1) {
      z[i] = y[i] * F(i, 0);
      continue;
    }
    const Index c = static_cast<Index>(y[i]);
    double mx = -kInf;
    for (Index j = 0; j < l; ++j)
      if (j != c) mx = std::max(mx, F(i, j));
    z[i] = F(i, c) - mx;
  }
  return z;
}

Vector Margins(const Matrix& F, const Vector& y, LossKind /*loss*/) { return Margins(F, y); }

double ZeroOneError(const Matrix& F, const Vector& y, LossKind /*loss*/, LabelKind kind) {
  return ErrorRate(F, y, kind);  // nn/prediction_metrics.hpp: a NaN or infinite output gives NaN
}

template LossValue EvalLoss<double>(MatrixT<double>*, LossKind, const MatrixT<double>&,
                                    const Vector&, GradMode);
template LossValue EvalLoss<float>(MatrixT<float>*, LossKind, const MatrixT<float>&, const Vector&,
                                   GradMode);

}  // namespace marginlab::nn
