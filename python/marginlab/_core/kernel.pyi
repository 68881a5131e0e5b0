"""
kernels, Gram matrices and kernel predictors
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['KERNEL_FIELDS', 'RidgePath', 'empirical_ntk', 'fit', 'gram', 'kernel_names', 'kernel_svm', 'monte_carlo_ntk', 'ridge_solve']
class RidgePath:
    """
    Kernel ridge regression for a whole path of λ, and the NTK-regime gradient flow, from one
    eigendecomposition K = Q diag(λ_i) Qᵀ (LAPACK dsyevd, O(n³) once; O(n²k) per λ or time).
    Ridge: β(λ) = (K + λI)⁻¹ Y (λ absolute, no factor n; λ = 0: the minimum-norm interpolant).
    Flow: with Y = y − f_0, after t steps of size η on (1/2n)Σ(f − y)², τ = η t / n:
    f_t(x) = f_0(x) + K(x, X) β_flow(τ), in-sample f_t − f_0 = (I − e^{−τK}) Y.
    """
    def __init__(self, K: typing.Any, Y: typing.Any, **kwargs) -> None:
        """
        K: n x n symmetric kernel matrix; Y: n or n x k targets (copied once). Keyword: rcond.
        """
    def coefficients(self, lam: typing.SupportsFloat | typing.SupportsIndex) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
        """
        β(λ), n x k: predictions at new points are K(X_new, X) @ β.
        """
    def fitted(self, lam: typing.SupportsFloat | typing.SupportsIndex) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
        """
        In-sample K β(λ), n x k.
        """
    def flow_coefficients(self, tau: typing.SupportsFloat | typing.SupportsIndex) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
        """
        β_flow(τ), n x k (τ = η t / n; τ = inf: the minimum-norm interpolant).
        """
    def flow_fitted(self, tau: typing.SupportsFloat | typing.SupportsIndex) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
        """
        In-sample f_t − f_0 = (I − e^{−τK}) Y, n x k.
        """
    def rkhs_norm_squared(self, lam: typing.SupportsFloat | typing.SupportsIndex) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, 1]"]:
        """
        ‖f‖²_H = βᵀKβ per output column.
        """
    @property
    def eigen_method(self) -> str:
        ...
    @property
    def eigenvalues(self) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, 1]"]:
        """
        K's eigenvalues, ascending.
        """
def empirical_ntk(weights: collections.abc.Sequence, X1: typing.Any, X2: typing.Any = None, output_scale: typing.SupportsFloat | typing.SupportsIndex = 1.0, frozen_output: bool = False, output: typing.SupportsInt | typing.SupportsIndex = 0) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
    """
    The empirical NTK Θ(x, x′) = ⟨∂f(x)/∂Θ, ∂f(x′)/∂Θ⟩ of the bias-free ReLU network
    f(x) = output_scale · W_q relu(… relu(W_1 x)), weights = [W_1, …, W_q] (W_k: m_k x m_{k−1}, the
    layout of torch.nn.Linear.weight), at output `output`; a frozen output layer is not a
    parameter. X1: n1 x d, X2: n2 x d (None: X1). Returns n1 x n2.
    """
def fit(X: typing.Any, y: typing.Any, X_test: typing.Any = None, y_test: typing.Any = None, **kwargs) -> dict:
    """
    The kernel predictors of `marginlab kernel fit`, the same numbers: predictor = interp | ridge |
    logistic | svm | falkon for each λ of `lambdas` (or lambda_), on X (n x d), y (n: -1/+1,
    class indices or reals), with test metrics on X_test, y_test. Returns a dict: fits (one per λ:
    lambda, coefficients n x k, bias, solver, train/test metrics (error, mse, truncated_mse),
    rkhs_norm, rkhs_normalized_margin), outputs k, test_scores (n_test x k·len(fits), biases
    added), seconds. Keywords: the kernel's (KERNEL_FIELDS), predictor, multiclass, lambdas, C and
    bias (svm), centers, tol, max_iterations, seed (falkon), logistic_tol,
    logistic_max_iterations (logistic).
        predictor (string, default ridge): interp | ridge | logistic | svm | falkon (falkon: ridge by Nystrom-preconditioned CG, no n x n matrix)
        multiclass (string, default onehot): class labels with ridge/interp: onehot | ovr (onehot: 0/1 targets; ovr: +-1)
    """
def gram(X: typing.Any, Y: typing.Any = None, **kwargs) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
    """
    The kernel matrix K[i, j] = k(X[i], Y[j]) (Y = None: X with itself, exactly symmetric).
    X: n x d, Y: m x d (float64 in Fortran order is read in place; any other array is copied
    once). Returns an n x m float64 array (Fortran order, not copied). Keyword options, the
    CLI's gram flags and the TOML keys:
        kernel (string, default ntk): ntk | relu | arccos0 | arccos1 | hinf | deep-ntk | deep-nngp
        rw (float, default 1): ntk: std r_w of the output weights
        ru (float, default 1): ntk, relu: std r_u of the hidden weights
        depth (int, default 2): deep kernels: number of Dense layers (2 = one hidden layer)
        w_std (float, default 1): deep kernels: neural-tangents W_std
        b_std (float, default 0): deep kernels: neural-tangents b_std (0 = no bias)
        parameterization (string, default ntk): deep kernels: ntk | standard
        width (int, default 1024): deep kernels, standard parameterization: hidden width (fan-in)
    """
def kernel_names() -> list[str]:
    """
    The closed-form kernels gram() computes.
    """
def kernel_svm(K: typing.Any, y: typing.Any, **kwargs) -> dict:
    """
    The kernel SVM on a precomputed kernel: f = Σ β_i K(x_i, ·) + b (C very large: the
    hard-margin SVM). y in {-1, +1}. Returns a dict beta, b, support_vectors, dual_objective,
    termination. Keyword options:
        C (float, default 1e+08): box constraint C (1e8 = hard margin)
        bias (bool, default false): LIBSVM with an unregularized bias (false: no bias, own solver)
        tol (float, default 1e-06): stopping tolerance on the KKT violation
        max_epochs (int, default 100000): coordinate ascent: passes over the data
        max_libsvm_n (int, default 20000): largest n handed to LIBSVM (it stores K as 16-byte nodes)
    """
def monte_carlo_ntk(X1: typing.Any, X2: typing.Any = None, **kwargs) -> dict:
    """
    The empirical NTK averaged over random initializations, with standard errors (the closed
    forms' Monte Carlo check). Keyword options:
        net (string, default two-layer): two-layer | mlp
        width (int, default 1000): hidden width
        depth (int, default 2): mlp: number of weight matrices
        samples (int, default 16): number of initializations averaged
        seed (uint, default 0): random seed
        parameterization (string, default ntk): ntk | standard
        rw (float, default 1): two-layer: std of the output weights
        ru (float, default 1): two-layer: std of the hidden weights
        w_std (float, default 1): mlp: W_std
    """
def ridge_solve(K: typing.Any, Y: typing.Any, lam: typing.SupportsFloat | typing.SupportsIndex) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
    """
    β = (K + lam I)⁻¹ Y by one Cholesky factorization (O(n³/3): the fast way to one λ; RidgePath
    for many). K: n x n, Y: n or n x k. Returns n x k. marginlab.InputError when K + lam I is not
    numerically positive definite.
    """
KERNEL_FIELDS: str = '    kernel (string, default ntk): ntk | relu | arccos0 | arccos1 | hinf | deep-ntk | deep-nngp\n    rw (float, default 1): ntk: std r_w of the output weights\n    ru (float, default 1): ntk, relu: std r_u of the hidden weights\n    depth (int, default 2): deep kernels: number of Dense layers (2 = one hidden layer)\n    w_std (float, default 1): deep kernels: neural-tangents W_std\n    b_std (float, default 0): deep kernels: neural-tangents b_std (0 = no bias)\n    parameterization (string, default ntk): deep kernels: ntk | standard\n    width (int, default 1024): deep kernels, standard parameterization: hidden width (fan-in)\n'
