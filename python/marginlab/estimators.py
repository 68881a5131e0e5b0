"""scikit-learn estimators over marginlab (needs scikit-learn >= 1.6):

    TwoLayerReLUClassifier   the l2-regularized two-layer ReLU net of Wei et al. (eq. 2.2),
                             trained by marginlab; binary or multiclass, predict_proba for the
                             logistic/cross-entropy losses, normalized_margin_, a duality-gap
                             certificate after fit (ConvergenceWarning when far from the optimum)
    NTKRidge                 kernel ridge regression with a closed-form kernel (the NTK by
                             default) or kernel="precomputed"; sample_weight; predict_path() for a
                             whole alpha path from one decomposition
    NTKRidgeClassifier       the same ridge on ±1 targets (one-vs-rest columns for > 2 classes),
                             as scikit-learn's RidgeClassifier
    NTKSVC                   the binary kernel SVM with such a kernel (C large: the hard-margin SVM
                             whose margin Wei et al. compare with the net's)

Each passes sklearn.utils.estimator_checks.check_estimator (the kernel="precomputed" variants too)
and works in Pipeline and GridSearchCV. Parameters are validated at fit, scikit-learn style (a
TypeError/ValueError naming the parameter, e.g. "The 'alpha' parameter of NTKRidge must be …").

Regularization conventions:
  - TwoLayerReLUClassifier's `lam` is the λ of marginlab's mean-loss objective (the TOML key
    `lambda`): L(Θ) = (1/n) Σ ℓ(y_i f(x_i)) + lam ‖Θ‖²  (`lambda_` cannot be an estimator
    parameter: scikit-learn reserves trailing underscores for fitted attributes).
  - NTKRidge's / NTKRidgeClassifier's `alpha` is scikit-learn's KernelRidge convention, the α of
    Σ_i w_i (f(x_i) − y_i)² + α ‖f‖²_H, β = (W K + α I)⁻¹ W y (W = diag(sample_weight), I without
    weights). It is n·λ of the mean-loss ridge objective (1/n) Σ (f(x_i) − y_i)² + λ ‖f‖²_H (the λ
    of marginlab's own lambda_ keywords); the estimators convert it, in one place, to the λ that
    marginlab.kernel.ridge_solve / RidgePath take.
  - NTKSVC's `C` is the box constraint of the hinge-loss SVM (scikit-learn's SVC).

Randomness: TwoLayerReLUClassifier's `random_state` is marginlab's integer `seed` (an int in
[0, 2³² − 1] is used as is, so random_state=k gives `marginlab train --seed k`'s network bit for bit);
None or a numpy RandomState draws the seed from it (None: numpy's global generator), as
scikit-learn's libsvm-based estimators do. The kernel estimators are deterministic.
"""
import numbers
import warnings

import numpy as np

try:
    from scipy.special import expit, log_expit, log_softmax, softmax
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.preprocessing import LabelBinarizer
    from sklearn.utils import check_random_state
    from sklearn.utils._param_validation import Interval, StrOptions
    from sklearn.utils.metaestimators import available_if
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data
except ImportError as e:  # the rest of marginlab works without scikit-learn
    raise ImportError("marginlab.estimators needs scikit-learn >= 1.6 (pip install scikit-learn, or "
                      "pip install marginlab[sklearn])") from e

from . import kernel as _kernel
from . import margin as _margin
from . import nn as _nn

__all__ = ["TwoLayerReLUClassifier", "NTKRidge", "NTKRidgeClassifier", "NTKSVC"]

_POSITIVE = Interval(numbers.Real, 0, None, closed="neither")     # finite, > 0
_NONNEGATIVE = Interval(numbers.Real, 0, None, closed="left")     # finite, >= 0


def _binary_targets(estimator, y):
    """classes_ and y as -1/+1; a ValueError unless there are exactly two classes."""
    check_classification_targets(y)
    classes, encoded = np.unique(y, return_inverse=True)
    if len(classes) != 2:
        raise ValueError(f"Only binary classification is supported. {type(estimator).__name__} needs exactly 2 "
                         f"classes in y, got {len(classes)} class{'' if len(classes) == 1 else 'es'}")
    return classes, np.where(encoded == 1, 1.0, -1.0)


def _validate(estimator, X, y="no_validation", **kwargs):
    """scikit-learn's validate_data, after the module's own size check: an array whose float64 copy
    would not fit the memory budget is refused naming it before anything is copied. y as
    validate_data's ("no_validation": no targets; None given to fit: scikit-learn's own error)."""
    from . import _core

    _core._check_size(X, "X")
    if isinstance(y, str) and y == "no_validation":
        return validate_data(estimator, X, **kwargs)
    if y is None:
        return validate_data(estimator, X, y, **kwargs)
    _core._check_size(y, "y")
    if kwargs.get("y_numeric") and np.asarray(y).dtype.kind in "USOV":
        try:
            np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"y: expected numeric targets for {type(estimator).__name__}, got "
                             f"{np.asarray(y).dtype} values") from None
    return validate_data(estimator, X, y, **kwargs)


def _certificate_ends(r):
    """(lower end of min L, gap L(Θ) − lower end, certified) of a marginlab.margin.certify result:
    `lower` and `gap` are proven bounds when `certified`, else estimates."""
    return float(r["lower"]), float(r["gap"]), bool(r["certified"])


def _library_lambda(alpha, n):
    """scikit-learn's alpha (β = (K + alpha I)⁻¹ y) as the module's mean-loss λ for n training
    points (β = (K + nλI)⁻¹ y in marginlab.kernel.ridge_solve / RidgePath): λ = alpha / n."""
    return float(alpha) / n


class _KernelParams:
    """The closed-form kernel's options, shared by the kernel estimators (kernel.gram's keywords),
    and kernel="precomputed": X is then the Gram matrix (n x n at fit, n_test x n after)."""
    _kernel_names = ("kernel", "rw", "ru", "depth", "w_std", "b_std", "parameterization", "width")
    _kernel_constraints = {
        "kernel": [StrOptions(set(_kernel.kernel_names()) | {"precomputed"})],
        "rw": [_POSITIVE], "ru": [_POSITIVE], "depth": [Interval(numbers.Integral, 1, None, closed="left")],
        "w_std": [_POSITIVE], "b_std": [_NONNEGATIVE], "parameterization": [StrOptions({"ntk", "standard"})],
        "width": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def _kernel_options(self):
        return {k: getattr(self, k) for k in self._kernel_names}

    def _precomputed(self):
        return self.kernel == "precomputed"

    def _check_gram(self, X):
        """With a precomputed kernel, the training X must be square (n x n)."""
        if self._precomputed() and X.shape[0] != X.shape[1]:
            raise ValueError(f"X: with kernel='precomputed', X must be the square n x n Gram matrix of the "
                             f"training data, got shape {X.shape}")

    def _gram(self, A, B=None):
        """K(A, B) (B None: K(A, A)); precomputed: A is that Gram already."""
        if self._precomputed():
            return A
        A = np.asfortranarray(A, dtype=np.float64)
        B = None if B is None else np.asfortranarray(B, dtype=np.float64)
        return _kernel.gram(A, B, **self._kernel_options())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self._precomputed()
        return tags


class TwoLayerReLUClassifier(ClassifierMixin, BaseEstimator):
    """A two-layer bias-free ReLU network f(x) = s · W2 relu(W1 x) trained by marginlab's trainer on
    the l2-regularized mean loss L(Θ) = (1/n) Σ ℓ(y_i f(x_i)) + lam ‖Θ‖² (Wei et al. eq. 2.2): for
    two classes the numbers of `marginlab train` with the same options (one output, y = ±1 in the
    order of classes_); for l > 2 classes (or loss "cross-entropy") an l-output net on the class
    indices 0 … l−1, trained on the softmax cross-entropy (loss "logistic" or "cross-entropy") or
    the squared loss (loss "squared"; "exponential" is binary only); predict is the argmax.

    Parameters (marginlab's train options of the same names):
      width (m, default 100), lam (λ, default 1e-3), loss ("logistic" | "cross-entropy" |
      "squared" | "exponential"), optimizer ("adam" | "gd" | "normalized-gd" | "momentum" |
      "nesterov"), lr, steps, init_std (the initial weights' standard deviation),
      scaling ("standard": s = 1, "ntk": 1/√m, "mean-field": 1/m), random_state (marginlab's seed;
      see the module docstring), tol: the relative optimality gap (L(Θ) − lower)/L(Θ) above which
      fit emits a ConvergenceWarning (None: no certificate is computed, no warning).
      The defaults (adam, lr 0.01, 2000 steps, init_std 0.1) reach a relative gap below 1% on
      marginlab's wei-d examples (d = 20, n = 100 and d = 8, n = 200) in about 0.1 s; plain
      gradient descent from init_std 1 (the CLI's defaults) stops far from the optimum there.
      Adam is also the least sensitive to the inputs' scale; standardize them all the same.

    After fit, for two classes and loss "logistic" or "squared" (the objectives
    marginlab.margin.certify handles) the net's duality-gap certificate on its training data is
    computed: with the exact oracle (a proven bound) when the inputs span at most 3 dimensions,
    otherwise with the ascent heuristic (an estimate, not a bound; about 10 ms at n = 300):
    optimum_lower_ (the lower end of min L), gap_certified_ (whether it is a
    proven bound), optimality_gap_ (objective_ − optimum_lower_) and relative_gap_
    (optimality_gap_ / objective_). For loss "logistic" fit warns (ConvergenceWarning, saying
    which kind of lower end it is) when relative_gap_ > tol. Not for "squared": there the lower end
    the net's residuals give is loose near interpolation (measured on wei-d: nets within 0.3% of
    min L by marginlab.margin.global_optimum show relative_gap_ 0.26–0.84), so a warning would
    not mean that training stopped early. certify(oracle="bnb") proves a bound at any dimension,
    in seconds. Elsewhere (> 2 classes, loss "cross-entropy" or "exponential", tol=None) these are
    NaN / False and nothing is checked.

    predict_proba / predict_log_proba exist only for loss "logistic" (P(classes_[1] | x) = σ(f(x)))
    and "cross-entropy" (softmax of the outputs): the other losses have no probability model.
    No sample_weight: the trainer's loss is a plain mean.

    Fitted attributes: classes_, weights_ ([W1 (m x d), W2 (l x m)], l = 1 for two classes with a
    margin loss), output_scale_, n_features_in_, trace_ (the training records), termination_, n_iter_,
    objective_ (final L(Θ)), normalized_margin_ (binary: γ(Θ) = min_i y_i f(x_i)/‖Θ‖² on the
    training data; NaN for an l-output net), the certificate's attributes above. A diverged run
    raises marginlab.FailedRunError (never a fitted model). to_torch(): the net as a torch module."""

    _parameter_constraints = {
        "width": [Interval(numbers.Integral, 1, None, closed="left")],
        "lam": [_NONNEGATIVE],
        "loss": [StrOptions({"logistic", "cross-entropy", "squared", "exponential"})],
        "optimizer": [StrOptions({"gd", "normalized-gd", "momentum", "nesterov", "adam"})],
        "lr": [_POSITIVE],
        "steps": [Interval(numbers.Integral, 1, None, closed="left")],
        "init_std": [_POSITIVE],
        "scaling": [StrOptions({"standard", "ntk", "mean-field"})],
        "random_state": ["random_state"],
        "tol": [_NONNEGATIVE, None],
    }
    _probabilistic_losses = ("logistic", "cross-entropy")
    _certified_losses = ("logistic", "squared")

    def __init__(self, width=100, lam=1e-3, loss="logistic", optimizer="adam", lr=0.01, steps=2000,
                 init_std=0.1, scaling="standard", random_state=0, tol=0.1):
        self.width = width
        self.lam = lam
        self.loss = loss
        self.optimizer = optimizer
        self.lr = lr
        self.steps = steps
        self.init_std = init_std
        self.scaling = scaling
        self.random_state = random_state
        self.tol = tol

    def _seed(self):
        """marginlab's integer seed: random_state itself when an int; else drawn from it."""
        if isinstance(self.random_state, numbers.Integral):
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _train_options(self, loss):
        return {"depth": 2, "width": float(self.width), "lambda_": float(self.lam), "loss": loss,
                "optimizer": self.optimizer, "lr": float(self.lr), "steps": int(self.steps),
                "init_std": float(self.init_std), "scaling": self.scaling, "seed": self._seed(),
                "log_points": 10}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        X, y = _validate(self, X, y, dtype=np.float64, order="F", y_numeric=False)
        check_classification_targets(y)
        self.classes_, idx = np.unique(y, return_inverse=True)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes in y, got 1 class")
        if self.loss == "cross-entropy" or n_classes > 2:
            if self.loss == "exponential":
                raise ValueError(f"loss='exponential' is a binary margin loss; {n_classes} classes need "
                                 f"loss='logistic' or 'cross-entropy' (softmax cross-entropy) or 'squared'")
            # an l-output net on the class indices; for > 2 classes "logistic" is its softmax form
            loss, target = ("squared" if self.loss == "squared" else "cross-entropy"), idx.astype(np.float64)
        else:
            loss, target = self.loss, np.where(idx == 1, 1.0, -1.0)    # one output, y = ±1
        trial = _nn.train(X, target, **self._train_options(loss))[0]
        self.weights_ = trial["final"]
        self.output_scale_ = trial["output_scale"]
        self.trace_ = trial["trace"]
        self.termination_ = trial["termination"]
        self.n_iter_ = trial["steps"]
        self.objective_ = trial["trace"][-1]["objective"]
        self._X, self._y = X, target
        binary = self.weights_[-1].shape[0] == 1
        self.normalized_margin_ = (_margin.normalized_margin(self.weights_, X, target, self.output_scale_)
                                   if binary else float("nan"))
        self.optimum_lower_ = self.optimality_gap_ = self.relative_gap_ = float("nan")
        self.gap_certified_ = False
        if binary and self.loss in self._certified_losses and self.tol is not None:
            self._check_optimality()
        return self

    def _check_optimality(self):
        # exact (proven, and instant) when the inputs span <= 3 dimensions; else the ascent estimate
        # (about 10 ms at n = 300): "auto" may choose branch and bound, seconds from d = 4 on
        low_rank = np.linalg.matrix_rank(self._X) <= 3
        r = self.certify(oracle="auto" if low_rank else "ascent")
        self.optimum_lower_, self.optimality_gap_, self.gap_certified_ = _certificate_ends(r)
        self.relative_gap_ = self.optimality_gap_ / self.objective_ if self.objective_ > 0 else 0.0
        if self.relative_gap_ > self.tol and self.loss == "logistic":
            kind = ("a certified lower bound" if self.gap_certified_ else
                    "an estimated lower end (ascent oracle: not a proven bound)")
            warnings.warn(
                f"{type(self).__name__} stopped far from the optimum of its objective: L(Θ) = "
                f"{self.objective_:.4g}, {kind} on min L = {self.optimum_lower_:.4g}, relative gap "
                f"{self.relative_gap_:.3g} > tol = {self.tol:g} after {self.n_iter_} steps (termination: "
                f"{self.termination_}). More steps, another lr, init_std or optimizer, or standardized "
                f"inputs may help.", ConvergenceWarning, stacklevel=4)

    def _outputs(self, X):
        check_is_fitted(self)
        X = _validate(self, X, dtype=np.float64, reset=False)
        return _nn.outputs(self.weights_, X, self.output_scale_)

    def decision_function(self, X):
        """Two classes: f(x) for each row of X (positive: classes_[1]; with loss "cross-entropy",
        f_1(x) − f_0(x)); more: the n x l outputs."""
        f = self._outputs(X)
        if f.shape[1] == 1:
            return f[:, 0]
        return f[:, 1] - f[:, 0] if f.shape[1] == 2 else np.asarray(f)

    def predict(self, X):
        f = self._outputs(X)
        if f.shape[1] == 1:
            return self.classes_[(f[:, 0] > 0).astype(int)]
        return self.classes_[np.argmax(f, axis=1)]

    def _has_probability_model(self):
        return self.loss in self._probabilistic_losses

    @available_if(_has_probability_model)
    def predict_log_proba(self, X):
        """log P(class | x), n x n_classes: the logistic model log σ(±f(x)) (two classes) or the
        log-softmax of the outputs."""
        f = self._outputs(X)
        if f.shape[1] == 1:
            return np.column_stack([log_expit(-f[:, 0]), log_expit(f[:, 0])])
        return log_softmax(f, axis=1)

    @available_if(_has_probability_model)
    def predict_proba(self, X):
        """P(class | x), n x n_classes: [1 − σ(f(x)), σ(f(x))] for two classes (loss "logistic"),
        the softmax of the outputs for loss "cross-entropy" or > 2 classes."""
        f = self._outputs(X)
        if f.shape[1] == 1:
            p = expit(f[:, 0])
            return np.column_stack([1.0 - p, p])
        return softmax(f, axis=1)

    def certify(self, **options):
        """The duality-gap certificate of the fitted binary net on its training data for its own
        objective (loss "logistic" or "squared", lam): a lower end of the global minimum of L and
        the gap L(Θ) − that end, `certified` when it is a proven bound (else an estimate).
        options: marginlab.margin.certify's (oracle, max_rounds, …)."""
        check_is_fitted(self)
        if self.weights_[-1].shape[0] != 1 or self.loss not in self._certified_losses:
            raise ValueError(f"certify: the certificate is for binary nets with loss 'logistic' or 'squared', "
                             f"this one has {len(self.classes_)} classes and loss={self.loss!r}")
        return _margin.certify(self.weights_, self._X, self._y, self.output_scale_,
                               **{"loss": self.loss, "lambda_": float(self.lam), **options})

    def to_torch(self, dtype=None):
        """The fitted net as a torch.nn.Module (marginlab.torch_bridge.to_torch) computing the raw
        outputs f(x), n x l (l = 1 for a one-output binary net), in float64 unless dtype."""
        check_is_fitted(self)
        from .torch_bridge import to_torch

        return to_torch(self.weights_, self.output_scale_, False, dtype=dtype)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags


class _KernelRidgeBase(_KernelParams, BaseEstimator):
    """The weighted kernel ridge solve shared by NTKRidge and NTKRidgeClassifier: with
    s = √sample_weight, β = S (S K S + alpha I)⁻¹ S Y = (W K + alpha I)⁻¹ W Y, by one Cholesky
    factorization (alpha = 0, or a matrix that is not numerically positive definite: the
    eigendecomposition's minimum-norm solution); the path from one eigendecomposition."""

    _parameter_constraints = {"alpha": [_NONNEGATIVE], **_KernelParams._kernel_constraints}

    def __init__(self, alpha=1e-3, kernel="ntk", rw=1.0, ru=1.0, depth=2, w_std=1.0, b_std=0.0,
                 parameterization="ntk", width=1024):
        self.alpha = alpha
        self.kernel = kernel
        self.rw = rw
        self.ru = ru
        self.depth = depth
        self.w_std = w_std
        self.b_std = b_std
        self.parameterization = parameterization
        self.width = width

    def _fit_dual(self, X, Y, sample_weight):
        """Fits β for the targets Y (n or n x k); sets X_fit_ and dual_coef_."""
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
        self.X_fit_ = X
        self._y_fit, self._sw, self._path = Y, None, None
        K = self._gram(X)
        if sample_weight is not None:
            self._sw = np.sqrt(sample_weight)
            K = self._sw[:, None] * K * self._sw[None, :]
            Y = Y * (self._sw if Y.ndim == 1 else self._sw[:, None])
        try:
            coef = _kernel.ridge_solve(K, Y, _library_lambda(self.alpha, len(K))) if self.alpha > 0 else None
        except ValueError:  # not numerically positive definite
            coef = None
        if coef is None:
            self._path = _kernel.RidgePath(K, Y)
            coef = self._path.coefficients(_library_lambda(self.alpha, len(K)))
        self.dual_coef_ = self._unweight(coef, Y.ndim)
        return self

    def _unweight(self, coef, ndim):
        coef = coef if self._sw is None else coef * self._sw[:, None]
        return coef[:, 0] if ndim == 1 else coef

    def _kernel_outputs(self, X):
        check_is_fitted(self)
        X = _validate(self, X, dtype=np.float64, reset=False)
        return self._gram(X, self.X_fit_) @ self.dual_coef_

    def _path_outputs(self, X, alphas):
        check_is_fitted(self)
        try:
            alphas = np.atleast_1d(np.asarray(alphas, dtype=np.float64))
        except (TypeError, ValueError) as e:
            raise TypeError(f"alphas: expected a sequence of numbers ({e})") from None
        if alphas.ndim != 1 or alphas.size == 0:
            raise ValueError(f"alphas: expected a 1-D sequence of at least one value, got shape {alphas.shape}")
        if not np.all(np.isfinite(alphas) & (alphas >= 0)):
            raise ValueError(f"alphas: expected finite values >= 0, got {alphas.tolist()}")
        X = _validate(self, X, dtype=np.float64, reset=False)
        Kt = self._gram(X, self.X_fit_)
        path = self._decomposition()
        ndim = np.ndim(self._y_fit)
        n = len(self.dual_coef_)
        return np.stack([Kt @ self._unweight(path.coefficients(_library_lambda(a, n)), ndim) for a in alphas])

    def _decomposition(self):
        """The RidgePath of the fit (kept out of pickles: rebuilt from X_fit_, the targets and weights)."""
        if getattr(self, "_path", None) is None:
            K, Y = self._gram(self.X_fit_), self._y_fit
            if self._sw is not None:
                K = self._sw[:, None] * K * self._sw[None, :]
                Y = Y * (self._sw if Y.ndim == 1 else self._sw[:, None])
            self._path = _kernel.RidgePath(K, Y)
        return self._path

    def __getstate__(self):
        state = super().__getstate__()
        state["_path"] = None
        return state


class NTKRidge(RegressorMixin, _KernelRidgeBase):
    """Kernel ridge regression with a marginlab closed-form kernel (default: the two-layer NTK) or
    kernel="precomputed": f = K(·, X) β with β = (W K + alpha I)⁻¹ W y — scikit-learn's
    KernelRidge(kernel="precomputed") on marginlab's Gram, sample_weight included (W = diag(w);
    without weights W = I, β = (K + alpha I)⁻¹ y). alpha = n·λ of the mean-loss objective
    (1/n) Σ (f(x_i) − y_i)² + λ‖f‖²_H (see the module docstring). y: n or n x k. score(): R².

    fit() solves by one Cholesky factorization (alpha = 0, or a matrix that is not numerically
    positive definite: the eigendecomposition's minimum-norm solution); predict_path()
    eigendecomposes once, on first use, and then costs O(n²) per alpha.

    Parameters: alpha (>= 0; scikit-learn's convention, = n·λ), and the kernel's (kernel.gram's
    keywords): kernel (a closed-form kernel's name, or "precomputed": X is then the n x n Gram at
    fit and the n_test x n cross-Gram at predict), rw, ru, depth, w_std, b_std, parameterization,
    width.
    Fitted: X_fit_ (the training inputs, or the training Gram when precomputed), dual_coef_."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        X, y = _validate(self, X, y, dtype=np.float64, order="F", y_numeric=True, multi_output=True)
        self._check_gram(X)
        return self._fit_dual(X, y, sample_weight)

    def predict(self, X):
        return self._kernel_outputs(X)

    def predict_path(self, X, alphas):
        """Predictions at X for every alpha in `alphas` (finite, >= 0) from the fitted
        decomposition: an array len(alphas) x n_samples (x k)."""
        return self._path_outputs(X, alphas)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class NTKRidgeClassifier(ClassifierMixin, _KernelRidgeBase):
    """Kernel ridge on ±1 targets, as scikit-learn's RidgeClassifier: two classes (any labels, in
    the order of classes_) regress y = ±1 and predict the sign of f; l > 2 classes regress l
    one-vs-rest ±1 columns and predict the argmax. The same solve as NTKRidge (parameters,
    sample_weight, kernel="precomputed"); score() is the accuracy.

    Fitted: classes_, X_fit_, dual_coef_ (n, or n x l); decision_function: n (two classes), n x l."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        X, y = _validate(self, X, y, dtype=np.float64, order="F")
        check_classification_targets(y)
        binarizer = LabelBinarizer(neg_label=-1, pos_label=1).fit(y)
        self.classes_ = binarizer.classes_
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes in y, got 1 class")
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
            if len(np.unique(y[sample_weight > 0])) < 2:
                raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes with a non-zero "
                                 f"sample_weight, got 1 class")
        self._check_gram(X)
        Y = binarizer.transform(y).astype(np.float64)
        return self._fit_dual(X, Y[:, 0] if Y.shape[1] == 1 else Y, sample_weight)

    def decision_function(self, X):
        """f(x): n (two classes; positive: classes_[1]) or n x l (one column per class)."""
        return self._kernel_outputs(X)

    def predict(self, X):
        f = self.decision_function(X)
        return self.classes_[(f > 0).astype(int) if f.ndim == 1 else np.argmax(f, axis=1)]


class NTKSVC(_KernelParams, ClassifierMixin, BaseEstimator):
    """The binary kernel SVM with a marginlab closed-form kernel (default: the two-layer NTK) or
    kernel="precomputed" (X: the n x n Gram at fit, n_test x n after): f = Σ β_i K(x_i, ·) + b, by
    LIBSVM (fit_intercept) or coordinate ascent (no intercept) on the Gram. C: the box constraint
    (scikit-learn's default 1.0; a very large C is the hard-margin SVM of the papers);
    fit_intercept: whether b is fitted (the papers' kernel predictors have none).

    Not provided: sample_weight (a per-sample C, which marginlab.kernel.kernel_svm's single box
    constraint cannot express exactly), predict_proba (no Platt scaling), more than two classes.

    Fitted: classes_, dual_coef_ (β, length n: y_i α_i, zero off the support), intercept_ (b),
    support_ (indices with β_i ≠ 0, those of classes_[0] first, as SVC), n_support_ (their number
    per class), support_vectors_ (X[support_]; not with a precomputed kernel), X_fit_ (the
    training inputs or Gram), rkhs_normalized_margin_ (min_i y_i f(x_i) / ‖f‖_H on the training
    data). decision_function: n values (positive: classes_[1])."""

    _parameter_constraints = {"C": [_POSITIVE], "fit_intercept": ["boolean"], **_KernelParams._kernel_constraints}

    def __init__(self, C=1.0, fit_intercept=True, kernel="ntk", rw=1.0, ru=1.0, depth=2, w_std=1.0,
                 b_std=0.0, parameterization="ntk", width=1024):
        self.C = C
        self.fit_intercept = fit_intercept
        self.kernel = kernel
        self.rw = rw
        self.ru = ru
        self.depth = depth
        self.w_std = w_std
        self.b_std = b_std
        self.parameterization = parameterization
        self.width = width

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        X, y = _validate(self, X, y, dtype=np.float64, order="F")
        self.classes_, yy = _binary_targets(self, y)
        self._check_gram(X)
        K = self._gram(X)
        r = _kernel.kernel_svm(K, yy, C=float(self.C), bias=bool(self.fit_intercept))
        self.X_fit_ = X
        self.dual_coef_ = r["beta"]
        self.intercept_ = r["b"]
        support = np.flatnonzero(self.dual_coef_)
        by_class = [support[yy[support] < 0], support[yy[support] > 0]]
        self.support_ = np.concatenate(by_class)
        self.n_support_ = np.array([len(s) for s in by_class], dtype=np.int32)
        if not self._precomputed():
            self.support_vectors_ = X[self.support_]
        f = K @ self.dual_coef_ + self.intercept_
        norm = float(np.sqrt(max(self.dual_coef_ @ K @ self.dual_coef_, 0.0)))
        self.rkhs_normalized_margin_ = float(np.min(yy * f) / norm) if norm > 0 else float("nan")
        return self

    def decision_function(self, X):
        check_is_fitted(self)
        X = _validate(self, X, dtype=np.float64, reset=False)
        return self._gram(X, self.X_fit_) @ self.dual_coef_ + self.intercept_

    def predict(self, X):
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags
