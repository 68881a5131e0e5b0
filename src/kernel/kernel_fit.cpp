// Fitting and evaluating kernel predictors (see the header).
#include "marginlab/kernel/kernel_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "marginlab/core/error.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/kernel/gram.hpp"
#include "marginlab/kernel/ridge.hpp"

namespace marginlab::kernel {

namespace {

// Targets: binary/real → y; classes → one-hot (0/1) or one-vs-rest (±1).
Matrix Targets(const KernelFitOptions& o, const Dataset& train) {
  if (train.kind != LabelKind::kClass) return train.y;
  RequireMemory(SaturatingMul(3, ArrayBytes({train.n(), train.num_classes}, sizeof(double))),
                "the targets of " + std::to_string(train.num_classes) + " classes (one column each; the largest "
                "class index is " + std::to_string(train.num_classes - 1) + ")");
  const bool pm = o.plus_minus_targets();
  return pm ? OneHot(train.y, train.num_classes, 1.0, -1.0) : OneHot(train.y, train.num_classes);
}

// The coefficients of every fit (train metrics and norms are added later).
std::vector<KernelFit> Solve(const KernelFitOptions& o, const Dataset& train, const Matrix& K, const Matrix& Y) {
  const Index n = train.n(), k = Y.cols();
  auto blank = [&](double lambda) {
    KernelFit f;
    f.lambda = lambda;
    f.B.resize(n, k);
    f.bias = Vector::Zero(k);
    return f;
  };
  std::vector<KernelFit> fits;
  // Iterative predictors: one fit per λ, its k output columns solved one at a time.
  auto per_lambda_and_column = [&](auto solve_column) {
    for (double lam : o.lambdas) {
      KernelFit f = blank(lam);
      for (Index c = 0; c < k; ++c) solve_column(lam, c, f);
      fits.push_back(std::move(f));
    }
  };
  using P = KernelFitOptions::Predictor;
  const P predictor = o.predictor_kind();
  if (predictor == P::kFalkon) {
    per_lambda_and_column([&](double lam, Index c, KernelFit& f) {
      FalkonOptions fo = o.falkon;
      fo.lambda = lam;
      FalkonSummary s;
      f.B.col(c) = FalkonSolve(o.kernel, train.X, Y.col(c), fo, &s);
      f.solver = s.BriefReport();
      f.falkon.push_back(s);
    });
  } else if (predictor == P::kInterp) {
    KernelFit f = blank(0.0);
    f.B = InterpolateCholesky(K, Y);
    f.solver = "cholesky";
    fits.push_back(std::move(f));
  } else if (predictor == P::kRidge) {
    const KernelRidgePath path(K, Y);
    for (double lam : o.lambdas) {
      KernelFit f = blank(lam);
      f.B = path.Coefficients(lam);
      f.solver = "eigendecomposition path (" + path.eigen_method() + ")";
      fits.push_back(std::move(f));
    }
  } else if (predictor == P::kLogistic) {
    per_lambda_and_column([&](double lam, Index c, KernelFit& f) {
      KernelLogisticOptions lo = o.logistic;
      lo.lambda = lam;
      KernelLogisticSummary s;
      f.B.col(c) = FitKernelLogistic(K, Y.col(c), lo, &s);
      f.solver = s.BriefReport();
    });
  } else {  // svm
    KernelFit f = blank(0.0);
    for (Index c = 0; c < k; ++c) {
      KernelSvmSummary s;
      const KernelSvmModel m = FitKernelSvm(K, Y.col(c), o.svm, &s);
      f.B.col(c) = m.beta;
      f.bias[c] = m.b;
      f.solver = s.BriefReport() + ", " + std::to_string(s.support_vectors) + " support vectors";
    }
    fits.push_back(std::move(f));
  }
  return fits;
}

// Metrics of scores F on `ds`; a non-finite score is a failed fit, never an error rate.
nn::PredictionMetrics Metrics(const Dataset& ds, const Matrix& F) {
  if (!F.allFinite())
    throw FailedRunError("kernel fit: the predictor's scores on " + ds.source +
                         " are not finite (the solve failed; try a larger --lambda)");
  return nn::EvaluatePredictions(F, ds.y, ds.kind);
}

// RKHS norms per output and the normalized margin of fit f with training scores F = K B + bias.
void NormsAndMargin(const Dataset& train, const Matrix& KB, const Matrix& F, KernelFit& f) {
  const Index k = F.cols();
  double total = 0;
  for (Index c = 0; c < k; ++c) {
    const double norm = std::sqrt(std::max(f.B.col(c).dot(KB.col(c)), 0.0));  // ||f||_H² = βᵀKβ
    f.rkhs_norm.push_back(norm);
    total += norm * norm;
  }
  if (train.kind == LabelKind::kBinary) {  // min_i y_i f(x_i) / ||f||_H (kernel_svm.hpp)
    const double norm = f.rkhs_norm[0];
    f.rkhs_normalized_margin = norm == 0 ? 0.0 : train.y.cwiseProduct(F.col(0)).minCoeff<Eigen::PropagateNaN>() / norm;
  } else if (train.kind == LabelKind::kClass) {  // min_i [f_{y_i} − max_{j≠y_i} f_j] / sqrt(Σ_c ‖f_c‖²)
    double worst = std::numeric_limits<double>::infinity();
    for (Index i = 0; i < train.n(); ++i) {
      const Index yi = static_cast<Index>(train.y[i]);
      double other = -std::numeric_limits<double>::infinity();
      for (Index c = 0; c < k; ++c)
        if (c != yi) other = std::max(other, F(i, c));
      worst = std::min(worst, F(i, yi) - other);
    }
    f.rkhs_normalized_margin = total > 0 ? worst / std::sqrt(total) : 0.0;
  }
}

}  // namespace

const std::vector<std::string>& KernelFitOptions::Predictors() {
  static const std::vector<std::string> kNames = {"interp", "ridge", "logistic", "svm", "falkon"};
  return kNames;
}

KernelFitOptions::Predictor KernelFitOptions::predictor_kind() const {
  const auto& names = Predictors();  // interp, ridge, logistic, svm, falkon: the enum's order
  const auto at = std::find(names.begin(), names.end(), predictor);
  ML_REQUIRE(at != names.end()) << "predictor: expected " << JoinWords(names) << ", got '" << predictor << "'";
  return static_cast<Predictor>(at - names.begin());
}

bool KernelFitOptions::plus_minus_targets() const {
  const Predictor p = predictor_kind();
  return multiclass == "ovr" || p == Predictor::kLogistic || p == Predictor::kSvm;
}

const std::vector<std::string>& KernelFitOptions::MulticlassModes() {
  static const std::vector<std::string> kModes = {"onehot", "ovr"};
  return kModes;
}

std::string KernelFitOptions::Validate() const {
  if (!IsChoice(Predictors(), predictor))
    return "predictor: expected one of " + JoinWords(Predictors()) + ", got '" + predictor + "'";
  if (!IsChoice(MulticlassModes(), multiclass))
    return "multiclass: expected " + JoinWords(MulticlassModes()) + ", got '" + multiclass + "'";
  return "";
}

KernelFitSummary FitKernelPredictors(const KernelFitOptions& o, const Dataset& train, const Dataset* test) {
  ValidateOrThrow(o.kernel, "kernel fit");
  const std::string problem = o.Validate();
  ML_REQUIRE(problem.empty()) << problem;
  using P = KernelFitOptions::Predictor;
  ML_REQUIRE(!(train.kind == LabelKind::kReal && (o.predictor_kind() == P::kLogistic || o.predictor_kind() == P::kSvm)))
      << "predictor " << o.predictor << " needs binary or class labels; " << train.source << " has real labels";
  ML_REQUIRE(test == nullptr || test->d() == train.d())
      << "--test-data: " << test->d() << " features, but --data has " << train.d();
  const bool falkon = o.predictor_kind() == P::kFalkon;
  KernelFitSummary out;
  // Falkon never forms the n×n Gram matrix: K·B is recomputed tile by tile below.
  Stopwatch sw;
  const Matrix K = falkon ? Matrix() : Gram(o.kernel, train.X);
  out.gram_seconds = sw.Seconds();
  const Matrix Y = Targets(o, train);
  const Index k = Y.cols(), n = train.n();
  out.outputs = k;
  sw.Restart();
  out.fits = Solve(o, train, K, Y);
  out.fit_seconds = sw.Seconds();
  // Test scores for every fit at once, tile by tile.
  sw.Restart();
  if (test != nullptr) {
    Matrix all(n, k * static_cast<Index>(out.fits.size()));
    for (std::size_t t = 0; t < out.fits.size(); ++t) all.middleCols(static_cast<Index>(t) * k, k) = out.fits[t].B;
    out.test_scores = KernelTimes(o.kernel, test->X, train.X, all);
    for (std::size_t t = 0; t < out.fits.size(); ++t)
      out.test_scores.middleCols(static_cast<Index>(t) * k, k).rowwise() += out.fits[t].bias.transpose();
  }
  out.predict_seconds = sw.Seconds();
  for (std::size_t t = 0; t < out.fits.size(); ++t) {
    KernelFit& f = out.fits[t];
    // K·B: from the stored Gram matrix, or (falkon) tile by tile without storing K.
    const Matrix KB = falkon ? SymmetricKernelTimes(o.kernel, train.X, f.B) : Matrix(K * f.B);
    Matrix F = KB;
    F.rowwise() += f.bias.transpose();
    f.train = Metrics(train, F);
    NormsAndMargin(train, KB, F, f);
    if (test != nullptr) f.test = Metrics(*test, out.test_scores.middleCols(static_cast<Index>(t) * k, k));
  }
  return out;
}

}  // namespace marginlab::kernel
