"""Kernels: closed-form Gram matrices, the ridge λ-path and NTK-regime prediction from one
eigendecomposition, the kernel SVM, and empirical NTKs (of a marginlab net or a PyTorch MLP).

    K = gram(X, kernel="ntk")                       # n x n, exactly symmetric
    Kt = gram(X_test, X, kernel="ntk")              # cross-Gram, n_test x n
    path = RidgePath(K, y)                          # one O(n^3) eigendecomposition ...
    preds = {lam: Kt @ path.coefficients(lam) for lam in (1e-3, 1e-2, 1e-1)}   # ... O(n^2) each
    f_t, f_t_test = ntk_regime_predict(K, y, eta=1.0, steps=100, K_test=Kt)
    Theta = empirical_ntk_torch(model, X)           # torch.nn.Sequential of Linear(bias=False)/ReLU

Arrays: X is n x d with one example per row. A float64 Fortran-ordered X is read in place by
gram(); any other array (numpy's default C order included) is copied once. Results are float64
arrays in Fortran order, handed over without a copy. The keyword options of gram() are the CLI's
`gram` flags and the experiment TOMLs' kernel keys: kernel (ntk | relu | arccos0 | arccos1 |
hinf | deep-ntk | deep-nngp), rw, ru, depth, w_std, b_std, parameterization, width; see
KERNEL_FIELDS. The long calls release the GIL.
"""
import numpy as np

from ._core import kernel as _k

gram = _k.gram
RidgePath = _k.RidgePath
ridge_solve = _k.ridge_solve
fit = _k.fit
kernel_svm = _k.kernel_svm
empirical_ntk = _k.empirical_ntk
monte_carlo_ntk = _k.monte_carlo_ntk
kernel_names = _k.kernel_names
KERNEL_FIELDS = _k.KERNEL_FIELDS


def ntk_regime_predict(K, y, eta, steps, f0=None, K_test=None, f0_test=None):
    """Predictions of gradient descent on the squared loss (1/2n) Σ (f(x_i) − y_i)² in the
    kernel (NTK, lazy) regime after `steps` steps of size `eta`:

        f_t = f_0 + (I − exp(−η t K / n)) (y − f_0)            on the training points,
        f_t(x) = f_0(x) + K(x, X) K⁻¹ (I − exp(−η t K / n)) (y − f_0)   elsewhere,

    computed from one eigendecomposition of K (RidgePath; the filter (1 − e^{−τλ})/λ is taken
    exactly, with its limit τ at λ = 0, so a singular K needs no inverse). steps may be
    np.inf (the minimum-norm interpolant). K: n x n, y: n or n x k, f0: the outputs at
    initialization (default 0), K_test: m x n cross-kernel K(X_test, X), f0_test: m (or m x k).
    Returns f_t, or (f_t, f_t_test) with K_test."""
    y = np.asarray(y, dtype=float)
    n = y.shape[0]
    f0 = np.zeros_like(y) if f0 is None else np.asarray(f0, dtype=float)
    if f0.shape != y.shape:
        raise ValueError(f"f0: expected shape {y.shape} (as y), got {f0.shape}")
    if not (np.isfinite(eta) and eta > 0):
        raise ValueError(f"eta: expected a finite step size > 0, got {eta}")
    if not steps >= 0:
        raise ValueError(f"steps: expected a number of steps >= 0 (or np.inf), got {steps}")
    tau = np.inf if np.isinf(steps) else eta * steps / n
    path = RidgePath(K, y - f0)
    shape = y.shape
    f_t = f0 + path.flow_fitted(tau).reshape(shape)
    if K_test is None:
        return f_t
    K_test = np.asarray(K_test, dtype=float)
    if K_test.ndim != 2 or K_test.shape[1] != n:
        raise ValueError(f"K_test: expected an m x {n} cross-kernel K(X_test, X), got shape {K_test.shape}")
    m = K_test.shape[0]
    out_shape = (m,) + shape[1:]
    f0_test = np.zeros(out_shape) if f0_test is None else np.asarray(f0_test, dtype=float)
    if f0_test.shape != out_shape:
        raise ValueError(f"f0_test: expected shape {out_shape}, got {f0_test.shape}")
    return f_t, f0_test + (K_test @ path.flow_coefficients(tau)).reshape(out_shape)


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
            layers.append(layer.weight.detach().to("cpu", torch.float64).numpy().copy())
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
