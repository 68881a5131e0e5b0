// marginlab._core.kernel: closed-form kernels and Gram matrices (kernel/gram.hpp), the ridge
// λ-path and the NTK-regime flow from one eigendecomposition (kernel/ridge.hpp), the kernel SVM
// (kernel/kernel_svm.hpp), and empirical NTKs (kernel/nn_ntk.hpp, kernel/empirical_ntk.hpp).
//
// λ: every `lambda_` of the module is the λ of the mean-loss objective (1/n) Σ ℓ(y_i f(x_i)) +
// λ‖f‖²_H (Wei et al. eq. 4.1's form; docs/python.md's table). The library's ridge solvers take
// the absolute λ of Σ (f(x_i) − y_i)² + λ‖f‖²_H, which is n times it, and its kernel logistic
// regression the λ of (1/n)Σ ℓ + (λ/2)‖f‖²_H, twice it: the conversions are made here.
#include <cmath>
#include <memory>
#include <optional>

#include "api.hpp"
#include "convert.hpp"
#include "marginlab/core/memory.hpp"
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

const std::vector<std::string> kSvmFields{"C", "bias"};
const std::vector<std::string> kFalkonFields{"centers", "tol", "max_iterations", "seed"};
const std::vector<std::string> kLogisticFields{"tol", "max_iterations"};

const char* kLambdaDoc =
    "λ of the mean-loss objective (1/n) Σ ℓ(y_i f(x_i)) + λ‖f‖²_H (the same λ as nn.train's; the CLI's "
    "kernel --lambdas is n·λ for ridge and falkon, 2·λ for logistic)";

// A square n × n kernel matrix, symmetric to rounding (|K − Kᵀ| ≤ 1e-8 · max |K|): the math of
// every caller (eigendecomposition, Cholesky, the SVM dual) reads one triangle.
Matrix SymmetricKernel(Call& c, const std::string& name) {
  Matrix K = c.Matrix(name);
  if (K.rows() != K.cols())
    ThrowValue(name + ": expected a square kernel matrix, got " + std::to_string(K.rows()) + "x" + std::to_string(K.cols()));
  const double scale = K.cwiseAbs().maxCoeff();
  for (Index j = 0; j < K.cols(); ++j)
    for (Index i = j + 1; i < K.rows(); ++i)
      if (std::abs(K(i, j) - K(j, i)) > 1e-8 * scale)
        ThrowValue(name + ": expected a symmetric kernel matrix, but K[" + std::to_string(i) + ", " + std::to_string(j) +
                   "] = " + FormatDouble(K(i, j)) + " and K[" + std::to_string(j) + ", " + std::to_string(i) +
                   "] = " + FormatDouble(K(j, i)));
  return K;
}

// λ (mean-loss) → the library's absolute ridge λ for n examples.
double AbsoluteRidgeLambda(double lambda, Index n) { return lambda * static_cast<double>(n); }

// A RidgePath method's λ (mean-loss, ≥ 0) as the library's absolute λ.
double PathLambda(const kernel::KernelRidgePath& p, py::handle lambda_) {
  const double lam = FromPython<double>(lambda_, "lambda_");
  if (!(lam >= 0) || !std::isfinite(lam)) ThrowValue("lambda_: expected a finite value >= 0, got " + FormatDouble(lam));
  return AbsoluteRidgeLambda(lam, p.eigenvalues().size());
}

// A flow time τ ≥ 0 (inf allowed).
double FlowTime(py::handle tau) {
  const double t = FromPython<double>(tau, "tau");
  if (!(t >= 0)) ThrowValue("tau: expected a value >= 0 (or inf), got " + FormatDouble(t));
  return t;
}

std::vector<double> Lambdas(Call& c, const std::string& predictor) {
  const bool uses = predictor == "ridge" || predictor == "logistic" || predictor == "falkon";
  if (!c.Given("lambda_")) {
    (void)c.Get("lambda_");
    if (uses) ThrowType("fit() missing required argument 'lambda_' for predictor='" + predictor + "': " + kLambdaDoc);
    return {0.0};
  }
  if (!uses) ThrowValue("fit: lambda_ is not used by predictor='" + predictor + "' (interp and svm have no λ)");
  std::vector<double> out = FromPython<std::vector<double>>(c.Get("lambda_"), "lambda_");
  if (out.empty()) ThrowValue("lambda_: expected at least one value");
  for (double lam : out)
    if (!(lam >= 0) || !std::isfinite(lam) || (lam == 0 && predictor != "ridge"))
      ThrowValue("lambda_: expected finite values " + std::string(predictor == "ridge" ? ">= 0" : "> 0") + ", got " +
                 FormatDouble(lam));
  return out;
}

// A float32 Gram matrix in blocks of rows (each block computed in double, then rounded), so the
// peak is the float32 result plus one double block; a symmetric result stays exactly symmetric.
py::object GramFloat32(const KernelOptions& o, const MatrixView& a, const MatrixView* b) {
  const Index n = a.map.rows(), m = b ? b->map.rows() : n;
  const std::string problem = MemoryProblem(ArrayBytes({n, m}, sizeof(float)),
                                            "the " + std::to_string(n) + "x" + std::to_string(m) + " float32 Gram matrix");
  if (!problem.empty()) ThrowValue(problem);
  py::array_t<float, py::array::f_style> out({n, m});
  float* dst = out.mutable_data();
  const Index block = std::max<Index>(1, std::min<Index>(n, (Index{1} << 23) / std::max<Index>(m, 1)));
  {
    LongCall call;
    for (Index i0 = 0; i0 < n; i0 += block) {
      const Index r = std::min(block, n - i0);
      const Matrix K = kernel::CrossGram(o, a.map.middleRows(i0, r), b ? b->map : a.map);
      for (Index j = 0; j < m; ++j)
        for (Index i = 0; i < r; ++i) dst[j * n + i0 + i] = static_cast<float>(K(i, j));
    }
    if (!b)
      for (Index j = 0; j < n; ++j)
        for (Index i = j + 1; i < n; ++i) dst[j * n + i] = dst[i * n + j];
  }
  return out;
}

}  // namespace

void RegisterKernel(py::module_& m) {
  Def(m, Signature("kernel_names", "The closed-form kernels gram() computes.", "", "list[str]", "their names"),
      [](Call&) { return py::cast(kernel::KernelTypeNames()); });

  Def(m,
      Signature("gram", "The kernel matrix K[i, j] = k(X[i], Y[j]) of a closed-form kernel.",
                "Y = None: X with itself, exactly symmetric. A float64 Fortran-ordered X is read in place; any "
                "other array is copied once. The CLI's `kernel gram` numbers, bit for bit. An option the chosen "
                "kernel does not use (depth with kernel='ntk', say) is refused when given a value other than its "
                "default.",
                "NDArray[np.float64] | NDArray[np.float32]", "n x m, Fortran order (float64: handed over without a copy)")
          .Arg("X", "ArrayLike", "n x d inputs, one per row")
          .Arg("Y", "ArrayLike | None", "None", "m x d inputs (None: X)")
          .Options(KernelOptions{})
          .Kw("dtype", "Literal['float64', 'float32']", "'float64'",
              "the result's type: float32 halves its memory (computed in double, rounded once)"),
      [](Call& c) -> py::object {
        const KernelOptions o = c.Options<KernelOptions>();
        const std::string dtype = c.Str("dtype", {"float64", "float32"});
        const MatrixView a = c.View("X");
        std::optional<MatrixView> b;
        if (c.Given("Y")) b.emplace(c.View("Y", -1, a.map.cols()));
        else (void)c.Get("Y");
        if (dtype == "float32") return GramFloat32(o, a, b ? &*b : nullptr);
        Matrix K;
        {
          LongCall call;
          K = b ? kernel::CrossGram(o, a.map, b->map) : kernel::Gram(o, a.map);
        }
        return py::cast(std::move(K));
      });

  auto ridge_sig = std::make_shared<Signature>(
      Signature("RidgePath", "Kernel ridge regression for a whole path of λ, and the NTK-regime gradient flow, "
                             "from one eigendecomposition K = Q diag(λ_i) Qᵀ.",
                "LAPACK dsyevd, O(n³) once; then O(n²k) per λ or time. Ridge (mean-loss λ, as everywhere in the "
                "module): β(λ) minimizes (1/n) Σ (f(x_i) − y_i)² + λ‖f‖²_H, β = (K + nλI)⁻¹ Y (λ = 0: the "
                "minimum-norm interpolant). Flow: with Y = y − f_0, after t steps of size η on (1/2n)Σ(f − y)², "
                "τ = η t / n: f_t(x) = f_0(x) + K(x, X) β_flow(τ), in-sample f_t − f_0 = (I − e^{−τK}) Y.",
                "None", "")
          .Arg("K", "ArrayLike", "n x n symmetric kernel matrix (copied once)")
          .Arg("Y", "ArrayLike", "n or n x k targets")
          .Options(kernel::RidgePathOptions{}));
  m.attr("__signatures__").cast<py::list>().append(ridge_sig->Describe());
  py::class_<kernel::KernelRidgePath, std::shared_ptr<kernel::KernelRidgePath>>(m, "RidgePath", ridge_sig->Docstring().c_str())
      .def(py::init([ridge_sig](const py::args& args, const py::kwargs& kwargs) {
             Call c(*ridge_sig, args, kwargs);
             const auto o = c.Options<kernel::RidgePathOptions>();
             const Matrix k = SymmetricKernel(c, "K");
             const Matrix yy = c.Targets("Y", k.rows());
             c.CheckAllRead();
             LongCall call;
             return std::make_shared<kernel::KernelRidgePath>(k, yy, o);
           }))
      .def("coefficients", [](const kernel::KernelRidgePath& p, py::handle lambda_) {
             return p.Coefficients(PathLambda(p, lambda_));
           }, py::arg("lambda_"), "β(λ), n x k: predictions at new points are K(X_new, X) @ β.")
      .def("fitted", [](const kernel::KernelRidgePath& p, py::handle lambda_) {
             return p.Fitted(PathLambda(p, lambda_));
           }, py::arg("lambda_"), "In-sample K β(λ), n x k.")
      .def("rkhs_norm_squared", [](const kernel::KernelRidgePath& p, py::handle lambda_) {
             return p.RkhsNormSquared(PathLambda(p, lambda_));
           }, py::arg("lambda_"), "‖f‖²_H = βᵀKβ per output column.")
      .def("flow_coefficients", [](const kernel::KernelRidgePath& p, py::handle tau) { return p.FlowCoefficients(FlowTime(tau)); },
           py::arg("tau"), "β_flow(τ), n x k (τ = η t / n; τ = inf: the minimum-norm interpolant).")
      .def("flow_fitted", [](const kernel::KernelRidgePath& p, py::handle tau) { return p.FlowFitted(FlowTime(tau)); },
           py::arg("tau"), "In-sample f_t − f_0 = (I − e^{−τK}) Y, n x k.")
      .def_property_readonly("eigenvalues", &kernel::KernelRidgePath::eigenvalues, "K's eigenvalues, ascending.")
      .def_property_readonly("eigen_method", &kernel::KernelRidgePath::eigen_method, "How K was decomposed.");

  Def(m,
      Signature("fit", "The kernel predictors of `marginlab kernel fit`, with their train and test metrics.",
                "predictor = interp | ridge | logistic | svm | falkon, one fit per λ of lambda_ (ridge, logistic, "
                "falkon), on X, y with test metrics on X_test, y_test. The CLI's numbers, bit for bit (its "
                "--lambdas being n·λ for ridge and falkon, 2·λ for logistic). An option the predictor does not use "
                "is refused.",
                "dict[str, Any]",
                "fits (one per λ: lambda, solver, train_error, train_squared_loss, train_truncated_squared_loss, the "
                "same with test_ (NaN where the labels have none), rkhs_norm (per output), rkhs_normalized_margin, "
                "falkon's relative_residual/iterations/falkon_termination; and coefficients n x k, bias), outputs k, "
                "gram_seconds, fit_seconds, predict_seconds — the keys of `kernel fit --json` — and test_scores "
                "(n_test x k·len(fits), biases added; None without a test set)")
          .Arg("X", "ArrayLike", "n x d training inputs")
          .Arg("y", "ArrayLike", "n labels: -1/+1, class indices 0..l-1 or reals")
          .Arg("X_test", "ArrayLike | None", "None", "test inputs")
          .Arg("y_test", "ArrayLike | None", "None", "test labels")
          .Options(KernelOptions{})
          .Options(kernel::KernelFitOptions{})
          .Kw("lambda_", "float | Sequence[float] | None", "None", std::string(kLambdaDoc) + "; required by ridge, logistic and falkon")
          .Options(kernel::KernelSvmOptions{}, "", &kSvmFields)
          .Options(kernel::FalkonOptions{}, "", &kFalkonFields)
          .Options(kernel::KernelLogisticOptions{}, "logistic_", &kLogisticFields),
      [](Call& c) -> py::object {
        kernel::KernelFitOptions o = c.Options<kernel::KernelFitOptions>();
        o.kernel = c.Options<KernelOptions>();
        o.svm = c.Options<kernel::KernelSvmOptions>({}, "", &kSvmFields);
        const bool svm_given = !c.changed().empty();
        o.falkon = c.Options<kernel::FalkonOptions>({}, "", &kFalkonFields);
        const bool falkon_given = !c.changed().empty();
        o.logistic = c.Options<kernel::KernelLogisticOptions>({}, "logistic_", &kLogisticFields);
        const bool logistic_given = !c.changed().empty();
        if (svm_given && o.predictor != "svm")
          ThrowValue("fit: C and bias are only used with predictor='svm' (got '" + o.predictor + "')");
        if (falkon_given && o.predictor != "falkon")
          ThrowValue("fit: centers, tol, max_iterations and seed are only used with predictor='falkon' (got '" +
                     o.predictor + "'; the logistic Newton's are logistic_tol and logistic_max_iterations)");
        if (logistic_given && o.predictor != "logistic")
          ThrowValue("fit: logistic_tol and logistic_max_iterations are only used with predictor='logistic' (got '" +
                     o.predictor + "')");
        const std::vector<double> lambdas = Lambdas(c, o.predictor);
        const Dataset train = c.Data("X", "y");
        const std::optional<Dataset> test = c.TestData("X_test", "y_test", train);
        // The library's λ: absolute for ridge and falkon, the logistic objective's λ/2 convention.
        o.lambdas.clear();
        for (double lam : lambdas)
          o.lambdas.push_back(o.predictor == "logistic" ? 2 * lam : AbsoluteRidgeLambda(lam, train.n()));
        if (o.predictor == "interp" || o.predictor == "svm") o.lambdas = {0.0};
        kernel::KernelFitSummary s;
        {
          LongCall call;
          s = kernel::FitKernelPredictors(o, train, test ? &*test : nullptr);
        }
        py::dict d = ResultDict::Of(s);  // the keys of `kernel fit --json`
        py::list fits = d["fits"];
        for (std::size_t i = 0; i < s.fits.size(); ++i) {
          py::dict f = fits[i];
          // λ as given (the module's mean-loss λ; the library's converted one is the CLI's)
          f["lambda"] = o.predictor == "interp" || o.predictor == "svm" ? 0.0 : lambdas[i];
          f["coefficients"] = std::move(s.fits[i].B);
          f["bias"] = std::move(s.fits[i].bias);
        }
        d["test_scores"] = test ? py::cast(std::move(s.test_scores)) : py::none();
        return d;
      });

  Def(m,
      Signature("ridge_solve", "Kernel ridge coefficients for one λ by one Cholesky factorization.",
                "β minimizes (1/n) Σ (f(x_i) − y_i)² + λ‖f‖²_H: β = (K + nλI)⁻¹ Y, O(n³/3) — the fast way to one λ "
                "(RidgePath for many). marginlab.InputError when K + nλI is not numerically positive definite.",
                "NDArray[np.float64]", "n x k coefficients")
          .Arg("K", "ArrayLike", "n x n symmetric kernel matrix")
          .Arg("Y", "ArrayLike", "n or n x k targets")
          .Arg("lambda_", "float", std::string(kLambdaDoc) + "; > 0"),
      [](Call& c) -> py::object {
        const Matrix k = SymmetricKernel(c, "K");
        const double lam = c.Real("lambda_");
        if (!(lam > 0)) ThrowValue("lambda_: expected a finite value > 0 (λ = 0: RidgePath), got " + FormatDouble(lam));
        const Matrix yy = c.Targets("Y", k.rows());
        Matrix beta;
        {
          LongCall call;
          beta = kernel::DenseRidgeSolve(k, yy, AbsoluteRidgeLambda(lam, k.rows()));
        }
        return py::cast(std::move(beta));
      });

  Def(m,
      Signature("kernel_svm", "The kernel SVM on a precomputed kernel: f = Σ β_i K(x_i, ·) + b.",
                "C very large (the default 1e8) is the hard-margin SVM of the papers; bias=False (the default) has "
                "no intercept, as the papers' kernel predictors.",
                "dict[str, Any]", "beta (n), b, support_vectors, dual_objective, termination, message, seconds")
          .Arg("K", "ArrayLike", "n x n symmetric kernel matrix")
          .Arg("y", "ArrayLike", "n labels in {-1, +1}")
          .Options(kernel::KernelSvmOptions{}),
      [](Call& c) -> py::object {
        const auto o = c.Options<kernel::KernelSvmOptions>();
        const Matrix k = SymmetricKernel(c, "K");
        const Vector yy = c.Vector("y", k.rows());
        for (Index i = 0; i < yy.size(); ++i)
          if (yy[i] != 1 && yy[i] != -1)
            ThrowValue("y: entry " + std::to_string(i) + " is " + FormatDouble(yy[i]) + ", expected -1 or +1");
        kernel::KernelSvmSummary s;
        kernel::KernelSvmModel model;
        {
          LongCall call;
          model = kernel::FitKernelSvm(k, yy, o, &s);
        }
        py::dict d;
        d["beta"] = std::move(model.beta);
        d["b"] = model.b;
        d["support_vectors"] = s.support_vectors;
        d["dual_objective"] = s.dual_objective;
        AddOutcome(d, s);
        return d;
      });

  Def(m,
      Signature("empirical_ntk", "The empirical NTK Θ(x, x′) = ⟨∂f(x)/∂Θ, ∂f(x′)/∂Θ⟩ of a bias-free ReLU network.",
                "f(x) = output_scale · W_q relu(… relu(W_1 x)), weights = [W_1, …, W_q] (W_k: m_k x m_{k−1}, the "
                "layout of torch.nn.Linear.weight), at output `output`; a frozen output layer is not a parameter.",
                "NDArray[np.float64]", "n1 x n2")
          .Arg("weights", "Sequence[ArrayLike] | Mapping[str, Any]", kNetworkDoc)
          .Arg("X1", "ArrayLike", "n1 x d inputs")
          .Arg("X2", "ArrayLike | None", "None", "n2 x d inputs (None: X1)")
          .Arg("output_scale", "float | None", "None", kOutputScaleDoc)
          .Arg("frozen_output", "bool | None", "None", kFrozenDoc)
          .Arg("output", "int", "0", "which output (0 … l−1)"),
      [](Call& c) -> py::object {
        const nn::Network net = NetworkArg(c).net;
        const Matrix a = c.Matrix("X1", -1, net.input_dim());
        const long output = c.Int("output", 0, net.output_dim() - 1);
        std::optional<Matrix> b;
        if (c.Given("X2")) b = c.Matrix("X2", -1, net.input_dim());
        else (void)c.Get("X2");
        Matrix K;
        {
          LongCall call;
          K = b ? kernel::EmpiricalNtk(net, a, *b, output) : kernel::EmpiricalNtk(net, a, output);
        }
        return py::cast(std::move(K));
      });

  Def(m,
      Signature("monte_carlo_ntk", "The empirical NTK averaged over random initializations, with standard errors.",
                "The closed forms' Monte Carlo check: the mean of Θ̂ and of f(x)f(x′) over `samples` networks.",
                "dict[str, Any]", "ntk_mean, ntk_stderr, nngp_mean, nngp_stderr (n1 x n2 each)")
          .Arg("X1", "ArrayLike", "n1 x d inputs")
          .Arg("X2", "ArrayLike | None", "None", "n2 x d inputs (None: X1)")
          .Options(kernel::MonteCarloNtkOptions{}),
      [](Call& c) -> py::object {
        const auto o = c.Options<kernel::MonteCarloNtkOptions>();
        const Matrix a = c.Matrix("X1");
        const Matrix b = c.Given("X2") ? c.Matrix("X2", -1, a.cols()) : ((void)c.Get("X2"), a);
        kernel::MonteCarloNtk r;
        {
          LongCall call;
          r = kernel::MonteCarloEmpiricalNtk(o, a, b);
        }
        py::dict d;
        d["ntk_mean"] = std::move(r.ntk_mean);
        d["ntk_stderr"] = std::move(r.ntk_stderr);
        d["nngp_mean"] = std::move(r.nngp_mean);
        d["nngp_stderr"] = std::move(r.nngp_stderr);
        return d;
      });
}

}  // namespace marginlab::python
