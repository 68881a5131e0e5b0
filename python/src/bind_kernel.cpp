// marginlab._core.kernel: closed-form kernels and Gram matrices (kernel/gram.hpp), the ridge
// λ-path and the NTK-regime flow from one eigendecomposition (kernel/ridge.hpp), the kernel SVM
// (kernel/kernel_svm.hpp), and empirical NTKs (kernel/nn_ntk.hpp, kernel/empirical_ntk.hpp).
#include <cmath>
#include <memory>
#include <optional>

#include "convert.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/kernel/dense_cholesky.hpp"
#include "marginlab/kernel/empirical_ntk.hpp"
#include "marginlab/kernel/gram.hpp"
#include "marginlab/kernel/kernel_fit.hpp"
#include "marginlab/kernel/kernel_svm.hpp"
#include "marginlab/kernel/nn_ntk.hpp"
#include "marginlab/kernel/ridge.hpp"
#include "marginlab/nn/network.hpp"

namespace marginlab::python {
namespace {

using kernel::KernelOptions;

// kernel.fit's keywords, as `marginlab kernel fit`'s flags: the kernel's, predictor and
// multiclass, lambdas (or lambda_), the SVM's C and bias, Falkon's centers, tol, max_iterations
// and seed, and the logistic Newton's tol and max_iterations as logistic_tol, logistic_max_iterations.
const std::vector<std::string> kSvmFields{"C", "bias"};
const std::vector<std::string> kFalkonFields{"centers", "tol", "max_iterations", "seed"};
const std::vector<std::string> kLogisticFields{"tol", "max_iterations"};

kernel::KernelFitOptions FitOptionsFrom(const py::dict& given) {
  const std::string ctx = "fit";
  const py::dict kw = KeywordNames(given, ctx);
  kernel::KernelFitOptions o;
  std::vector<std::string> known{"lambdas", "lambda"};
  SetFields(kw, ctx, o.kernel, known);
  SetFields(kw, ctx, o, known);
  SetFields(kw, ctx, o.svm, known, "", &kSvmFields);
  SetFields(kw, ctx, o.falkon, known, "", &kFalkonFields);
  SetFields(kw, ctx, o.logistic, known, "logistic_", &kLogisticFields);
  RefuseUnknown(kw, known, ctx);
  if (kw.contains("lambdas") && kw.contains("lambda")) ThrowType("fit(): give lambdas or lambda_, not both");
  if (kw.contains("lambdas")) o.lambdas = detail::FromPython<std::vector<double>>(kw["lambdas"], "fit: lambdas");
  if (kw.contains("lambda")) o.lambdas = {detail::FromPython<double>(kw["lambda"], "fit: lambda")};
  if (o.lambdas.empty()) ThrowValue("fit: lambdas: expected at least one value");
  for (double lam : o.lambdas)
    if (!(lam >= 0) || !std::isfinite(lam)) ThrowValue("fit: lambdas: expected finite values >= 0, got " + std::to_string(lam));
  for (const auto& name : kFalkonFields)  // as the CLI: a flag the chosen predictor does not use is an error
    if (o.predictor != "falkon" && kw.contains(name))
      ThrowValue("fit: " + name + " is only used with predictor='falkon' (got '" + o.predictor +
                 "'; the logistic Newton's are logistic_tol and logistic_max_iterations)");
  for (const auto& name : kLogisticFields)
    if (o.predictor != "logistic" && kw.contains("logistic_" + name))
      ThrowValue("fit: logistic_" + name + " is only used with predictor='logistic' (got '" + o.predictor + "')");
  ValidateFor(o.kernel, ctx);
  ValidateFor(o, ctx);
  ValidateFor(o.svm, ctx);
  ValidateFor(o.logistic, ctx);
  return o;
}

py::dict MetricsDict(const nn::PredictionMetrics& m) {
  py::dict d;
  d["error"] = m.error;
  d["mse"] = m.mse;
  d["truncated_mse"] = m.truncated_mse;
  return d;
}

}  // namespace

void RegisterKernel(py::module_& m) {
  m.def("kernel_names", &kernel::KernelTypeNames, "The closed-form kernels gram() computes.");
  m.attr("KERNEL_FIELDS") = FieldsDoc<KernelOptions>();

  m.def("gram", [](py::handle X, py::handle Y, py::kwargs kw) {
    const KernelOptions o = OptionsFrom<KernelOptions>(kw, "gram");
    const MatrixView a = ViewMatrix(X, "X");
    if (Y.is_none()) {
      py::gil_scoped_release release;
      return kernel::Gram(o, a.map);
    }
    const MatrixView b = ViewMatrix(Y, "Y", -1, a.map.cols());
    py::gil_scoped_release release;
    return kernel::CrossGram(o, a.map, b.map);
  }, py::arg("X"), py::arg("Y") = py::none(),
     ("The kernel matrix K[i, j] = k(X[i], Y[j]) (Y = None: X with itself, exactly symmetric).\n"
      "X: n x d, Y: m x d (float64 in Fortran order is read in place; any other array is copied\n"
      "once). Returns an n x m float64 array (Fortran order, not copied). Keyword options, the\n"
      "CLI's gram flags and the TOML keys:\n" + FieldsDoc<KernelOptions>()).c_str());

  py::class_<kernel::KernelRidgePath, std::shared_ptr<kernel::KernelRidgePath>>(m, "RidgePath",
      "Kernel ridge regression for a whole path of λ, and the NTK-regime gradient flow, from one\n"
      "eigendecomposition K = Q diag(λ_i) Qᵀ (LAPACK dsyevd, O(n³) once; O(n²k) per λ or time).\n"
      "Ridge: β(λ) = (K + λI)⁻¹ Y (λ absolute, no factor n; λ = 0: the minimum-norm interpolant).\n"
      "Flow: with Y = y − f_0, after t steps of size η on (1/2n)Σ(f − y)², τ = η t / n:\n"
      "f_t(x) = f_0(x) + K(x, X) β_flow(τ), in-sample f_t − f_0 = (I − e^{−τK}) Y.")
      .def(py::init([](py::handle K, py::handle Y, py::kwargs kw) {
             const auto o = OptionsFrom<kernel::RidgePathOptions>(kw, "RidgePath");
             Matrix k = CopyMatrix(K, "K");
             if (k.rows() != k.cols()) ThrowValue("K: expected a square matrix, got " + std::to_string(k.rows()) + "x" + std::to_string(k.cols()));
             py::array y = py::reinterpret_borrow<py::array>(py::module_::import("numpy").attr("asarray")(Y));
             const bool vec = y.ndim() == 1;
             Matrix yy = vec ? Matrix(CopyVector(Y, "Y", k.rows())) : CopyMatrix(Y, "Y", k.rows());
             py::gil_scoped_release release;
             return std::make_shared<kernel::KernelRidgePath>(k, yy, o);
           }), py::arg("K"), py::arg("Y"),
           "K: n x n symmetric kernel matrix; Y: n or n x k targets (copied once). Keyword: rcond.")
      .def("coefficients", &kernel::KernelRidgePath::Coefficients, py::arg("lam"),
           "β(λ), n x k: predictions at new points are K(X_new, X) @ β.")
      .def("fitted", &kernel::KernelRidgePath::Fitted, py::arg("lam"), "In-sample K β(λ), n x k.")
      .def("rkhs_norm_squared", &kernel::KernelRidgePath::RkhsNormSquared, py::arg("lam"),
           "‖f‖²_H = βᵀKβ per output column.")
      .def("flow_coefficients", &kernel::KernelRidgePath::FlowCoefficients, py::arg("tau"),
           "β_flow(τ), n x k (τ = η t / n; τ = inf: the minimum-norm interpolant).")
      .def("flow_fitted", &kernel::KernelRidgePath::FlowFitted, py::arg("tau"),
           "In-sample f_t − f_0 = (I − e^{−τK}) Y, n x k.")
      .def_property_readonly("eigenvalues", &kernel::KernelRidgePath::eigenvalues, "K's eigenvalues, ascending.")
      .def_property_readonly("eigen_method", &kernel::KernelRidgePath::eigen_method);

  m.def("fit", [](py::handle X, py::handle y, py::handle X_test, py::handle y_test, py::kwargs kw) {
    const kernel::KernelFitOptions o = FitOptionsFrom(kw);
    const Dataset train = MakeDataset(X, y);
    std::optional<Dataset> test;
    if (X_test.is_none() != y_test.is_none()) ThrowValue("X_test and y_test: give both or neither");
    if (!X_test.is_none()) {
      test = MakeDataset(X_test, y_test, "", "X_test", "y_test");
      if (test->d() != train.d())
        ThrowValue("X_test: expected " + std::to_string(train.d()) + " columns (as X), got " + std::to_string(test->d()));
    }
    kernel::KernelFitSummary s;
    {
      py::gil_scoped_release release;
      s = kernel::FitKernelPredictors(o, train, test ? &*test : nullptr);
    }
    py::list fits;
    for (auto& f : s.fits) {
      py::dict d;
      d["lambda"] = f.lambda;
      d["coefficients"] = std::move(f.B);
      d["bias"] = std::move(f.bias);
      d["solver"] = f.solver;
      d["train"] = MetricsDict(f.train);
      d["test"] = MetricsDict(f.test);
      d["rkhs_norm"] = f.rkhs_norm;
      d["rkhs_normalized_margin"] = f.rkhs_normalized_margin;
      fits.append(d);
    }
    py::dict d;
    d["fits"] = fits;
    d["outputs"] = s.outputs;
    d["test_scores"] = test ? py::cast(std::move(s.test_scores)) : py::none();
    d["gram_seconds"] = s.gram_seconds;
    d["fit_seconds"] = s.fit_seconds;
    d["predict_seconds"] = s.predict_seconds;
    return d;
  }, py::arg("X"), py::arg("y"), py::arg("X_test") = py::none(), py::arg("y_test") = py::none(),
     ("The kernel predictors of `marginlab kernel fit`, the same numbers: predictor = interp | ridge |\n"
      "logistic | svm | falkon for each λ of `lambdas` (or lambda_), on X (n x d), y (n: -1/+1,\n"
      "class indices or reals), with test metrics on X_test, y_test. Returns a dict: fits (one per λ:\n"
      "lambda, coefficients n x k, bias, solver, train/test metrics (error, mse, truncated_mse),\n"
      "rkhs_norm, rkhs_normalized_margin), outputs k, test_scores (n_test x k·len(fits), biases\n"
      "added), seconds. Keywords: the kernel's (KERNEL_FIELDS), predictor, multiclass, lambdas, C and\n"
      "bias (svm), centers, tol, max_iterations, seed (falkon), logistic_tol,\n"
      "logistic_max_iterations (logistic).\n" + FieldsDoc<kernel::KernelFitOptions>()).c_str());

  m.def("ridge_solve", [](py::handle K, py::handle Y, double lam) {
    Matrix k = CopyMatrix(K, "K");
    if (k.rows() != k.cols()) ThrowValue("K: expected a square matrix, got " + std::to_string(k.rows()) + "x" + std::to_string(k.cols()));
    if (!(lam > 0) || !std::isfinite(lam)) ThrowValue("lam: expected a finite value > 0 (lam = 0: RidgePath), got " + std::to_string(lam));
    py::array y = py::reinterpret_borrow<py::array>(py::module_::import("numpy").attr("asarray")(Y));
    const Matrix yy = y.ndim() == 1 ? Matrix(CopyVector(Y, "Y", k.rows())) : CopyMatrix(Y, "Y", k.rows());
    py::gil_scoped_release release;
    return kernel::DenseRidgeSolve(k, yy, lam);
  }, py::arg("K"), py::arg("Y"), py::arg("lam"),
     "β = (K + lam I)⁻¹ Y by one Cholesky factorization (O(n³/3): the fast way to one λ; RidgePath\n"
     "for many). K: n x n, Y: n or n x k. Returns n x k. marginlab.InputError when K + lam I is not\n"
     "numerically positive definite.");

  m.def("kernel_svm", [](py::handle K, py::handle y, py::kwargs kw) {
    const auto o = OptionsFrom<kernel::KernelSvmOptions>(kw, "kernel_svm");
    Matrix k = CopyMatrix(K, "K");
    if (k.rows() != k.cols()) ThrowValue("K: expected a square matrix");
    Vector yy = CopyVector(y, "y", k.rows());
    for (Index i = 0; i < yy.size(); ++i)
      if (yy[i] != 1 && yy[i] != -1) ThrowValue("y: entry " + std::to_string(i) + " is " + std::to_string(yy[i]) + ", expected -1 or +1");
    kernel::KernelSvmSummary s;
    kernel::KernelSvmModel model;
    {
      py::gil_scoped_release release;
      model = kernel::FitKernelSvm(k, yy, o, &s);
    }
    py::dict d;
    d["beta"] = std::move(model.beta);
    d["b"] = model.b;
    d["support_vectors"] = s.support_vectors;
    d["dual_objective"] = s.dual_objective;
    AddOutcome(d, s);
    return d;
  }, py::arg("K"), py::arg("y"),
     ("The kernel SVM on a precomputed kernel: f = Σ β_i K(x_i, ·) + b (C very large: the\n"
      "hard-margin SVM). y in {-1, +1}. Returns a dict beta, b, support_vectors, dual_objective,\n"
      "termination. Keyword options:\n" + FieldsDoc<kernel::KernelSvmOptions>()).c_str());

  m.def("empirical_ntk", [](const py::sequence& weights, py::handle X1, py::handle X2, double output_scale,
                            bool frozen_output, Index output) {
    const nn::Network net = NetworkFrom(weights, output_scale, frozen_output);
    const Matrix a = CopyMatrix(X1, "X1", -1, net.input_dim());
    if (output < 0 || output >= net.output_dim())
      ThrowValue("output: expected an output index in [0, " + std::to_string(net.output_dim()) + ")");
    if (X2.is_none()) {
      py::gil_scoped_release release;
      return kernel::EmpiricalNtk(net, a, output);
    }
    const Matrix b = CopyMatrix(X2, "X2", -1, net.input_dim());
    py::gil_scoped_release release;
    return kernel::EmpiricalNtk(net, a, b, output);
  }, py::arg("weights"), py::arg("X1"), py::arg("X2") = py::none(), py::arg("output_scale") = 1.0,
     py::arg("frozen_output") = false, py::arg("output") = 0,
     "The empirical NTK Θ(x, x′) = ⟨∂f(x)/∂Θ, ∂f(x′)/∂Θ⟩ of the bias-free ReLU network\n"
     "f(x) = output_scale · W_q relu(… relu(W_1 x)), weights = [W_1, …, W_q] (W_k: m_k x m_{k−1}, the\n"
     "layout of torch.nn.Linear.weight), at output `output`; a frozen output layer is not a\n"
     "parameter. X1: n1 x d, X2: n2 x d (None: X1). Returns n1 x n2.");

  m.def("monte_carlo_ntk", [](py::handle X1, py::handle X2, py::kwargs kw) {
    const auto o = OptionsFrom<kernel::MonteCarloNtkOptions>(kw, "monte_carlo_ntk");
    const Matrix a = CopyMatrix(X1, "X1");
    const Matrix b = X2.is_none() ? a : CopyMatrix(X2, "X2", -1, a.cols());
    kernel::MonteCarloNtk r;
    {
      py::gil_scoped_release release;
      r = kernel::MonteCarloEmpiricalNtk(o, a, b);
    }
    py::dict d;
    d["ntk_mean"] = std::move(r.ntk_mean);
    d["ntk_stderr"] = std::move(r.ntk_stderr);
    d["nngp_mean"] = std::move(r.nngp_mean);
    d["nngp_stderr"] = std::move(r.nngp_stderr);
    return d;
  }, py::arg("X1"), py::arg("X2") = py::none(),
     ("The empirical NTK averaged over random initializations, with standard errors (the closed\n"
      "forms' Monte Carlo check). Keyword options:\n" + FieldsDoc<kernel::MonteCarloNtkOptions>()).c_str());
}

}  // namespace marginlab::python
