"""Kernels: closed-form Gram matrices, the ridge λ-path and NTK-regime prediction from one
eigendecomposition, the kernel SVM, and empirical NTKs (of a marginlab net or a PyTorch MLP).

    K = gram(X, kernel="ntk")                       # n x n, exactly symmetric
    Kt = gram(X_test, X, kernel="ntk")              # cross-Gram, n_test x n
    path = RidgePath(K, y)                          # one O(n^3) eigendecomposition ...
    preds = {lam: Kt @ path.coefficients(lam) for lam in (1e-5, 1e-4, 1e-3)}   # ... O(n^2) each
    f_t, f_t_test = ntk_regime_predict(K, y, eta=1.0, steps=[10, 100, 1000], K_test=Kt)
    Theta = empirical_ntk_torch(model, X)           # torch.nn.Sequential of Linear(bias=False)/ReLU

λ (lambda_) is, as everywhere in marginlab's Python module, the λ of the mean-loss objective
(1/n) Σ ℓ(y_i f(x_i)) + λ‖f‖²_H: kernel ridge is β = (K + nλI)⁻¹ y (scikit-learn's KernelRidge
alpha = nλ; the CLI's --lambdas = nλ for ridge). Arrays: X is n x d with one example per row. A
float64 Fortran-ordered X is read in place by gram(); any other array is copied once. Results are
float64 arrays in Fortran order, handed over without a copy. Each function's signature lists its
keywords (the CLI's flags, `_` for `-`); the long calls release the GIL and stop on Ctrl-C.
"""
import numpy as np

from ._api.kernel import (RidgePath, empirical_ntk, fit, gram, kernel_names, kernel_svm, monte_carlo_ntk,
                          ridge_solve)

__all__ = ["gram", "RidgePath", "ridge_solve", "fit", "kernel_svm", "empirical_ntk", "monte_carlo_ntk",
           "kernel_names", "ntk_regime_predict", "torch_weights", "empirical_ntk_torch"]


def _number(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{name}: {value} is out of range for a float") from None


def ntk_regime_predict(K, y, eta, steps, f0=None, K_test=None, f0_test=None):
    """Predictions of gradient descent on the squared loss (1/2n) Σ (f(x_i) − y_i)² in the
    kernel (NTK, lazy) regime after `steps` steps of size `eta`:

        f_t = f_0 + (I − exp(−η t K / n)) (y − f_0)            on the training points,
        f_t(x) = f_0(x) + K(x, X) K⁻¹ (I − exp(−η t K / n)) (y − f_0)   elsewhere,

    computed from one eigendecomposition of K (RidgePath; the filter (1 − e^{−τλ})/λ is taken
    exactly, with its limit τ at λ = 0, so a singular K needs no inverse).

    Parameters
    ----------
    K : n x n symmetric kernel matrix.
    y : n or n x k targets.
    eta : the step size η > 0.
    steps : a number of steps t ≥ 0 (np.inf: the minimum-norm interpolant), or a 1-D array of
        them (neural-tangents' gradient_descent_mse style): then the results gain a leading
        axis, one entry per time, all from the one decomposition.
    f0 : the outputs at initialization on the training points (default 0), shaped as y.
    K_test : m x n cross-kernel K(X_test, X).
    f0_test : the outputs at initialization on the test points, m (or m x k); needs K_test.

    Returns
    -------
    f_t, or (f_t, f_t_test) with K_test; with an array of steps, arrays stacked over the times.
    Arrays are checked as every argument of the module is (types, finiteness, sizes before any
    copy: marginlab._core._float64).
    """
    from . import _core

    y = _core._float64(y, "y")
    n = y.shape[0]
    K = _core._float64(K, "K", 2)
    if K.shape[0] != n:
        raise ValueError(f"y: expected {K.shape[0]} entries (K's rows), got {n}")
    f0 = np.zeros_like(y) if f0 is None else _core._float64(f0, "f0")
    if f0.shape != y.shape:
        raise ValueError(f"f0: expected shape {y.shape} (as y), got {f0.shape}")
    eta = _number(eta, "eta")
    if not (np.isfinite(eta) and eta > 0):
        raise ValueError(f"eta: expected a finite step size > 0, got {eta}")
    if f0_test is not None and K_test is None:
        raise ValueError("f0_test: given without K_test (the test points' kernel)")
    many = np.ndim(steps) == 1
    if many:
        if len(steps) == 0:
            raise ValueError("steps: expected at least one number of steps")
        times = _core._float64(steps, "steps", 1, allow_inf=True)
    else:
        times = np.array([_number(steps, "steps")])
    if np.any(np.isnan(times)) or np.any(times < 0):
        raise ValueError(f"steps: expected numbers of steps >= 0 (or np.inf), got {steps}")
    taus = [np.inf if np.isinf(t) else eta * t / n for t in times]
    if any(np.isinf(tau) and not np.isinf(t) for tau, t in zip(taus, times)):
        raise ValueError("steps: η·t/n overflows a float (give np.inf for the interpolant)")
    path = RidgePath(K, y - f0)
    shape = y.shape
    f_t = np.stack([f0 + path.flow_fitted(tau).reshape(shape) for tau in taus])
    if K_test is None:
        return f_t if many else f_t[0]
    K_test = np.ascontiguousarray(_core._float64(K_test, "K_test", 2))   # one layout: one rounding
    if K_test.shape[1] != n:
        raise ValueError(f"K_test: expected an m x {n} cross-kernel K(X_test, X), got shape {K_test.shape}")
    m = K_test.shape[0]
    out_shape = (m,) + shape[1:]
    f0_test = np.zeros(out_shape) if f0_test is None else _core._float64(f0_test, "f0_test")
    if f0_test.shape != out_shape:
        raise ValueError(f"f0_test: expected shape {out_shape}, got {f0_test.shape}")
    f_test = np.stack([f0_test + (K_test @ path.flow_coefficients(tau)).reshape(out_shape) for tau in taus])
    return (f_t, f_test) if many else (f_t[0], f_test[0])


def torch_weights(model):
    """The layers [W_1, …, W_q] (float64 numpy copies) of a PyTorch torch.nn.Sequential made of
    bias-free torch.nn.Linear layers with torch.nn.ReLU between them — the networks marginlab
    trains. Anything else raises TypeError/ValueError naming the offending layer."""
    import torch

    if not isinstance(model, torch.nn.Sequential):
        raise TypeError(f"model: expected a torch.nn.Sequential of Linear(bias=False) and ReLU layers, "
                        f"got {type(model).__name__}")
    layers, expect_linear = [], True
    for i, layer in enumerate(model):
        if expect_linear:
            if not isinstance(layer, torch.nn.Linear):
                raise ValueError(f"model[{i}]: expected torch.nn.Linear, got {type(layer).__name__}")
            if layer.bias is not None:
                raise ValueError(f"model[{i}]: Linear layers must have bias=False (marginlab's networks "
                                 f"are homogeneous)")
            try:
                layers.append(layer.weight.detach().to("cpu", torch.float64).numpy().copy())
            except (NotImplementedError, RuntimeError) as e:   # e.g. a "meta" device holds no numbers
                raise ValueError(f"model[{i}]: its weight cannot be read as numbers "
                                 f"(device {layer.weight.device}): {e}") from None
        elif not isinstance(layer, torch.nn.ReLU):
            raise ValueError(f"model[{i}]: expected torch.nn.ReLU between Linear layers, got {type(layer).__name__}")
        expect_linear = not expect_linear
    if not layers or expect_linear:
        raise ValueError("model: expected Linear, ReLU, Linear, …, ending with a Linear layer")
    return layers


def empirical_ntk_torch(model, X1, X2=None, output=0):
    """The empirical NTK Θ(x, x′) = ⟨∂f(x)/∂θ, ∂f(x′)/∂θ⟩ over all of the model's weights, of a
    PyTorch torch.nn.Sequential of bias-free Linear and ReLU layers (torch_weights), at output
    `output`, computed by marginlab from the weights (no autograd). X1: n1 x d, X2: n2 x d."""
    return empirical_ntk(torch_weights(model), X1, X2, output=output)
