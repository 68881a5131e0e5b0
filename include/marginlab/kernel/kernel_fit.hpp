// Fitting kernel predictors on a training set and evaluating them: what `marginlab kernel fit`
// runs (docs/kernel.md "Kernel predictors").
//
// Targets: ±1 or real labels are fitted as they are; class labels 0…k−1 as one-hot columns
// (0/1), or ±1 one-vs-rest columns with multiclass = "ovr" and always for logistic and svm.
// Predictors, one column at a time: interp (K β = y, Cholesky; λ = 0), ridge ((K + λI) β = y for
// every λ of `lambdas` from one eigendecomposition), logistic (kernel_logistic.hpp), svm
// (hard-margin, kernel_svm.hpp; one fit, with a bias), falkon (Nyström + PCG, falkon.hpp; K is
// never formed). Per fit: train (and test) metrics (nn/prediction_metrics.hpp), the RKHS norm
// ‖f_c‖_H = √(β_cᵀ K β_c) per output and the normalized margin — min_i y_i f(x_i)/‖f‖_H (±1
// labels) or min_i [f_{y_i} − max_{j≠y_i} f_j] / √(Σ_c ‖f_c‖²_H) (classes).
#pragma once

#include <string>
#include <vector>

#include "marginlab/core/types.hpp"
#include "marginlab/data/dataset.hpp"
#include "marginlab/kernel/falkon.hpp"
#include "marginlab/kernel/kernel_logistic.hpp"
#include "marginlab/kernel/kernel_spec.hpp"
#include "marginlab/kernel/kernel_svm.hpp"
#include "marginlab/nn/prediction_metrics.hpp"

namespace marginlab::kernel {

struct KernelFitOptions {
  KernelOptions kernel;
  std::string predictor = "ridge";     // interp | ridge | logistic | svm | falkon
  std::string multiclass = "onehot";   // onehot | ovr (class labels)
  std::vector<double> lambdas{1e-3};   // ridge / logistic / falkon: one fit per λ
  KernelSvmOptions svm;
  KernelLogisticOptions logistic;      // its lambda is each of `lambdas`
  FalkonOptions falkon;                // its lambda is each of `lambdas`; centers ≤ n
  static const std::vector<std::string>& Predictors();
  static const std::vector<std::string>& MulticlassModes();
  // The choices as the algorithms see them (Validate() checked the strings).
  enum class Predictor { kInterp, kRidge, kLogistic, kSvm, kFalkon };
  Predictor predictor_kind() const;
  bool plus_minus_targets() const;  // class labels as ±1 columns (ovr, logistic, svm), else one-hot 0/1
  // The fit's own choices; the kernel, svm, logistic and falkon options have their own Fields().
  template <class V>
  void Fields(V& v) {
    v("predictor", predictor, "{choices} (falkon: ridge by Nystrom-preconditioned CG, no n x n matrix)",
      Predictors());
    v("multiclass", multiclass, "class labels with ridge/interp: {choices} (onehot: 0/1 targets; ovr: +-1)",
      MulticlassModes());
  }
  std::string Validate() const;  // the predictor and multiclass mode (not the nested options)
};

struct KernelFit {
  double lambda = 0;                   // 0 for interp and svm
  Matrix B;                            // n × k coefficients, one column per output
  Vector bias;                         // k (svm; else 0)
  std::string solver;                  // the solver's brief report
  std::vector<FalkonSummary> falkon;   // falkon: one per output
  nn::PredictionMetrics train, test;   // test: NaN without a test set
  std::vector<double> rkhs_norm;       // per output
  double rkhs_normalized_margin = std::numeric_limits<double>::quiet_NaN();  // NaN for real labels

  // Output keys (core/options.hpp): the CLI's `kernel fit --json` results and Python's fits.
  template <class V>
  void Fields(V& v) const {
    v("lambda", lambda);
    v("solver", solver);
    train.Fields(v, "train_");
    test.Fields(v, "test_");
    v("rkhs_norm", rkhs_norm);
    v("rkhs_normalized_margin", rkhs_normalized_margin);
    if (!falkon.empty()) {  // per output: the true relative residual, CG iterations, how CG ended
      std::vector<double> residual;
      std::vector<long> iterations;
      std::vector<std::string> termination;
      for (const FalkonSummary& s : falkon) {
        residual.push_back(s.true_residual);
        iterations.push_back(static_cast<long>(s.iterations));
        termination.push_back(ToString(s.termination));
      }
      v("relative_residual", residual);
      v("iterations", iterations);
      v("falkon_termination", termination);
    }
  }
};

struct KernelFitSummary {
  std::vector<KernelFit> fits;
  Index outputs = 1;                   // k
  Matrix test_scores;                  // n_test × (k · fits): fit t's outputs in columns t·k …, biases added
  double gram_seconds = 0, fit_seconds = 0, predict_seconds = 0;

  // Output keys (core/options.hpp); the arrays (coefficients, test scores) are the Python module's.
  template <class V>
  void Fields(V& v) const {
    v("outputs", static_cast<long>(outputs));
    v("gram_seconds", gram_seconds);
    v("fit_seconds", fit_seconds);
    v("predict_seconds", predict_seconds);
    v("fits", fits);
  }
};

// InputError naming the field for a predictor that cannot fit these labels, a test set of another
// dimension, or bad options. FailedRunError when a fit's scores are not finite (the solve failed).
KernelFitSummary FitKernelPredictors(const KernelFitOptions& o, const Dataset& train, const Dataset* test);

}  // namespace marginlab::kernel
