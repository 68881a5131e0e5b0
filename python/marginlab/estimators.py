"""scikit-learn estimators over marginlab (needs scikit-learn):

    TwoLayerReLUClassifier   the l2-regularized two-layer ReLU net of Wei et al. (eq. 2.2),
                             trained by marginlab; normalized_margin_ and certify()
    NTKRidge                 kernel ridge regression with a closed-form kernel (the NTK by
                             default); predict_path() for a whole λ-path from one decomposition
    NTKSVC                   the kernel SVM with such a kernel (C large: the hard-margin SVM
                             whose margin Wei et al. compare with the net's)

Each passes sklearn.utils.estimator_checks.check_estimator and works in Pipeline and
GridSearchCV. Regularization: `lam` is the λ of marginlab's objectives (the TOML key `lambda`):
the net's L(Θ) = (1/n) Σ ℓ(y_i f(x_i)) + lam ‖Θ‖²; NTKRidge's `alpha` is the λ of
‖y − Kβ‖² + alpha βᵀKβ, scikit-learn's KernelRidge convention (β = (K + alpha I)⁻¹ y).
The classifiers are binary: two classes, any labels (mapped to -1/+1 in the order of classes_).
"""
import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, validate_data
except ImportError as e:  # the rest of marginlab works without scikit-learn
    raise ImportError("marginlab.estimators needs scikit-learn >= 1.6 (pip install scikit-learn, or "
                      "pip install marginlab[sklearn])") from e

from . import kernel as _kernel
from . import margin as _margin
from . import nn as _nn

__all__ = ["TwoLayerReLUClassifier", "NTKRidge", "NTKSVC"]


def _binary_targets(estimator, y):
    """classes_ and y as -1/+1; a ValueError unless there are exactly two classes."""
    check_classification_targets(y)
    classes, encoded = np.unique(y, return_inverse=True)
    if len(classes) != 2:
        raise ValueError(f"Only binary classification is supported. {type(estimator).__name__} needs exactly 2 "
                         f"classes in y, got {len(classes)} class{'' if len(classes) == 1 else 'es'}")
    return classes, np.where(encoded == 1, 1.0, -1.0)


class _KernelParams:
    """The closed-form kernel's options, shared by NTKRidge and NTKSVC (kernel.gram's keywords)."""
    _kernel_names = ("kernel", "rw", "ru", "depth", "w_std", "b_std", "parameterization", "width")

    def _kernel_options(self):
        return {k: getattr(self, k) for k in self._kernel_names}

    def _gram(self, A, B=None):
        A = np.asfortranarray(A, dtype=np.float64)
        B = None if B is None else np.asfortranarray(B, dtype=np.float64)
        return _kernel.gram(A, B, **self._kernel_options())


class TwoLayerReLUClassifier(ClassifierMixin, BaseEstimator):
    """A two-layer bias-free ReLU network f(x) = s · w·relu(U x) trained by gradient descent on
    the l2-regularized loss L(Θ) = (1/n) Σ ℓ(y_i f(x_i)) + lam ‖Θ‖² (Wei et al. eq. 2.2), by
    marginlab's trainer (the numbers of `marginlab train` with the same options).

    Parameters (marginlab's train options of the same names): width (m), lam (λ), loss
    ("logistic" | "squared" | …), optimizer, lr, steps, init_std, scaling ("standard": s = 1,
    "ntk": 1/√m, "mean-field": 1/m), seed.

    Fitted attributes: classes_, weights_ ([W1 (m x d), W2 (1 x m)]), output_scale_,
    n_features_in_, trace_ (the training records), objective_ (final L(Θ)), normalized_margin_
    (γ(Θ) = min_i y_i f(x_i)/‖Θ‖² on the training data). A diverged run raises
    marginlab.FailedRunError (never a fitted model)."""

    def __init__(self, width=100, lam=1e-3, loss="logistic", optimizer="gd", lr=0.1, steps=1000,
                 init_std=1.0, scaling="standard", seed=0):
        self.width = width
        self.lam = lam
        self.loss = loss
        self.optimizer = optimizer
        self.lr = lr
        self.steps = steps
        self.init_std = init_std
        self.scaling = scaling
        self.seed = seed

    def _train_options(self):
        return {"depth": 2, "width": float(self.width), "lambda": float(self.lam), "loss": self.loss,
                "optimizer": self.optimizer, "lr": float(self.lr), "steps": int(self.steps),
                "init_std": float(self.init_std), "scaling": self.scaling, "seed": int(self.seed),
                "log_points": 10}

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64, order="F", y_numeric=False)
        self.classes_, yy = _binary_targets(self, y)
        opts = self._train_options()
        trial = _nn.train(X, yy, **opts)[0]
        self.weights_ = trial["final"]
        self.output_scale_ = trial["output_scale"]
        self.trace_ = trial["trace"]
        self.objective_ = trial["trace"][-1]["objective"]
        self.normalized_margin_ = _margin.normalized_margin(self.weights_, X, yy, self.output_scale_)
        self._X, self._y = X, yy
        return self

    def decision_function(self, X):
        """f(x) for each row of X (positive: classes_[1])."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return _nn.outputs(self.weights_, X, self.output_scale_)[:, 0]

    def predict(self, X):
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def certify(self, **options):
        """The duality-gap certificate of the fitted net on its training data for its own
        objective (loss, lam): a lower bound on the global minimum of L and the gap L(Θ) − bound,
        `certified` when the bound is proven (else an estimate). options: marginlab.margin.certify's
        (oracle, max_rounds, …)."""
        check_is_fitted(self)
        return _margin.certify(self.weights_, self._X, self._y, self.output_scale_,
                               **{"loss": self.loss, "lambda": float(self.lam), **options})

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


class NTKRidge(_KernelParams, RegressorMixin, BaseEstimator):
    """Kernel ridge regression with a marginlab closed-form kernel (default: the two-layer NTK):
    f = K(·, X) β, β = (K + alpha I)⁻¹ y — scikit-learn's KernelRidge(kernel="precomputed") on
    marginlab's Gram, from one eigendecomposition of K, so that predict_path() gives a whole
    alpha path at O(n²) per value after one eigendecomposition. y: n or n x k.

    fit() solves (K + alpha I) β = y by one Cholesky factorization (alpha = 0, or a K + alpha I that
    is not numerically positive definite: the eigendecomposition's minimum-norm solution);
    predict_path() eigendecomposes K once, on first use.

    Parameters: alpha (λ, absolute), and the kernel's (kernel.gram's keywords): kernel, rw, ru,
    depth, w_std, b_std, parameterization, width. Fitted: X_fit_, dual_coef_."""

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

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64, order="F", y_numeric=True, multi_output=True)
        if not (np.isfinite(self.alpha) and self.alpha >= 0):
            raise ValueError(f"alpha: expected a finite value >= 0, got {self.alpha}")
        self.X_fit_ = X
        self._y_fit = y
        self._path = None
        K = self._gram(X)
        try:
            coef = _kernel.ridge_solve(K, y, float(self.alpha)) if self.alpha > 0 else None
        except ValueError:  # not numerically positive definite
            coef = None
        if coef is None:
            self._path = _kernel.RidgePath(K, y)
            coef = self._path.coefficients(float(self.alpha))
        self.dual_coef_ = coef[:, 0] if np.ndim(y) == 1 else coef
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._gram(X, self.X_fit_) @ self.dual_coef_

    def predict_path(self, X, alphas):
        """Predictions at X for every alpha in `alphas` from the fitted decomposition: an array
        len(alphas) x n_samples (x k)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        Kt = self._gram(X, self.X_fit_)
        path = self._decomposition()
        out = np.stack([Kt @ path.coefficients(float(a)) for a in alphas])
        return out[:, :, 0] if self.dual_coef_.ndim == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _decomposition(self):
        """The RidgePath of the fit (kept out of pickles: rebuilt from X_fit_ and the targets)."""
        if getattr(self, "_path", None) is None:
            self._path = _kernel.RidgePath(self._gram(self.X_fit_), self._y_fit)
        return self._path

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_path"] = None
        return state


class NTKSVC(_KernelParams, ClassifierMixin, BaseEstimator):
    """The kernel SVM with a marginlab closed-form kernel (default: the two-layer NTK):
    f = Σ β_i K(x_i, ·) + b, by LIBSVM (or coordinate ascent) on the precomputed Gram. C: the box
    constraint (scikit-learn's default 1.0; a very large C is the hard-margin SVM of the papers);
    fit_intercept: whether b is fitted (the papers' kernel predictors have none).

    Fitted: classes_, dual_coef_ (β), intercept_ (b), support_ (indices with β_i ≠ 0), X_fit_,
    rkhs_normalized_margin_ (min_i y_i f(x_i) / ‖f‖_H on the training data)."""

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

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64, order="F")
        self.classes_, yy = _binary_targets(self, y)
        K = self._gram(X)
        r = _kernel.kernel_svm(K, yy, C=float(self.C), bias=bool(self.fit_intercept))
        self.X_fit_ = X
        self.dual_coef_ = r["beta"]
        self.intercept_ = r["b"]
        self.support_ = np.flatnonzero(self.dual_coef_)
        f = K @ self.dual_coef_ + self.intercept_
        norm = float(np.sqrt(max(self.dual_coef_ @ K @ self.dual_coef_, 0.0)))
        self.rkhs_normalized_margin_ = float(np.min(yy * f) / norm) if norm > 0 else float("nan")
        return self

    def decision_function(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._gram(X, self.X_fit_) @ self.dual_coef_ + self.intercept_

    def predict(self, X):
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags
