"""
kernels, Gram matrices and kernel predictors
"""
from __future__ import annotations
import numpy
import numpy.typing
import typing
__all__: list[str] = ['RidgePath', 'empirical_ntk', 'fit', 'gram', 'kernel_names', 'kernel_svm', 'monte_carlo_ntk', 'ridge_solve']
class RidgePath:
    """
    Kernel ridge regression for a whole path of λ, and the NTK-regime gradient flow, from one eigendecomposition K = Q diag(λ_i) Qᵀ.
    
    LAPACK dsyevd, O(n³) once; then O(n²k) per λ or time. Ridge (mean-loss λ, as everywhere in
    the module): β(λ) minimizes (1/n) Σ (f(x_i) − y_i)² + λ‖f‖²_H, β = (K + nλI)⁻¹
    Y (λ = 0: the minimum-norm interpolant). Flow: with Y = y − f_0, after t steps of size η on
    (1/2n)Σ(f − y)², τ = η t / n: f_t(x) = f_0(x) + K(x, X) β_flow(τ), in-sample f_t − f_0
    = (I − e^{−τK}) Y.
    
    Parameters
    ----------
    K : ArrayLike
        n x n symmetric kernel matrix (copied once)
    Y : ArrayLike
        n or n x k targets
    rcond : float, default 1e-12
        lambda = 0: eigenvalues below rcond * max are treated as zero
    
    Returns
    -------
    None
    """
    def __init__(self, *args, **kwargs) -> None:
        ...
    def coefficients(self, lambda_: typing.Any) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
        """
        β(λ), n x k: predictions at new points are K(X_new, X) @ β.
        """
    def fitted(self, lambda_: typing.Any) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
        """
        In-sample K β(λ), n x k.
        """
    def flow_coefficients(self, tau: typing.Any) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
        """
        β_flow(τ), n x k (τ = η t / n; τ = inf: the minimum-norm interpolant).
        """
    def flow_fitted(self, tau: typing.Any) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
        """
        In-sample f_t − f_0 = (I − e^{−τK}) Y, n x k.
        """
    def rkhs_norm_squared(self, lambda_: typing.Any) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, 1]"]:
        """
        ‖f‖²_H = βᵀKβ per output column.
        """
    @property
    def eigen_method(self) -> str:
        """
        How K was decomposed.
        """
    @property
    def eigenvalues(self) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, 1]"]:
        """
        K's eigenvalues, ascending.
        """
def empirical_ntk(*args, **kwargs) -> typing.Any:
    """
    The empirical NTK Θ(x, x′) = ⟨∂f(x)/∂Θ, ∂f(x′)/∂Θ⟩ of a bias-free ReLU network.
    
    f(x) = output_scale · W_q relu(… relu(W_1 x)), weights = [W_1, …, W_q] (W_k: m_k x
    m_{k−1}, the layout of torch.nn.Linear.weight), at output `output`; a frozen output layer is
    not a parameter.
    
    Parameters
    ----------
    weights : Sequence[ArrayLike] | Mapping[str, Any]
        the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:
        torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or
        nn.load_network(), which also gives its output scale, frozen output layer and objective
    X1 : ArrayLike
        n1 x d inputs
    X2 : ArrayLike | None, default None
        n2 x d inputs (None: X1)
    output_scale : float | None, default None
        the output scale s of f = s · W_q relu(…); None: the network dict's, else 1
    frozen_output : bool | None, default None
        whether the output layer is fixed (not a parameter); None: the network dict's, else False
    output : int, default 0
        which output (0 … l−1)
    
    Returns
    -------
    NDArray[np.float64]
        n1 x n2
    """
def fit(*args, **kwargs) -> typing.Any:
    """
    The kernel predictors of `marginlab kernel fit`, with their train and test metrics.
    
    predictor = interp | ridge | logistic | svm | falkon, one fit per λ of lambda_ (ridge,
    logistic, falkon), on X, y with test metrics on X_test, y_test. The CLI's numbers, bit for bit
    (its --lambdas being n·λ for ridge and falkon, 2·λ for logistic). An option the predictor
    does not use is refused.
    
    Parameters
    ----------
    X : ArrayLike
        n x d training inputs
    y : ArrayLike
        n labels: -1/+1, class indices 0..l-1 or reals
    X_test : ArrayLike | None, default None
        test inputs
    y_test : ArrayLike | None, default None
        test labels
    kernel : Literal['ntk', 'relu', 'arccos0', 'arccos1', 'hinf', 'deep-ntk', 'deep-nngp'], default 'ntk'
        ntk | relu | arccos0 | arccos1 | hinf | deep-ntk | deep-nngp
    rw : float, default 1.0
        ntk: std r_w of the output weights
    ru : float, default 1.0
        ntk, relu: std r_u of the hidden weights
    depth : int, default 2
        deep kernels: number of Dense layers (2 = one hidden layer)
    w_std : float, default 1.0
        deep kernels: neural-tangents W_std
    b_std : float, default 0.0
        deep kernels: neural-tangents b_std (0 = no bias)
    parameterization : Literal['ntk', 'standard'], default 'ntk'
        deep kernels: ntk | standard
    width : int, default 1024
        deep kernels, standard parameterization: hidden width (fan-in)
    predictor : Literal['interp', 'ridge', 'logistic', 'svm', 'falkon'], default 'ridge'
        interp | ridge | logistic | svm | falkon (falkon: ridge by Nystrom-preconditioned CG, no n x
        n matrix)
    multiclass : Literal['onehot', 'ovr'], default 'onehot'
        class labels with ridge/interp: onehot | ovr (onehot: 0/1 targets; ovr: +-1)
    lambda_ : float | Sequence[float] | None, default None
        λ of the mean-loss objective (1/n) Σ ℓ(y_i f(x_i)) + λ‖f‖²_H (the same λ as
        nn.train's; the CLI's kernel --lambdas is n·λ for ridge and falkon, 2·λ for logistic);
        required by ridge, logistic and falkon
    C : float, default 1e+08
        box constraint C (1e8 = hard margin)
    bias : bool, default False
        LIBSVM with an unregularized bias (false: no bias, own solver)
    centers : int, default 1000
        number M of Nystrom centers
    tol : float, default 1e-06
        stop when ||y - (K + lambda I) beta|| / ||y|| <= tol
    max_iterations : int, default 500
        CG iteration budget
    seed : int, default 0
        seed for the uniform choice of centers
    logistic_tol : float, default 1e-10
        stop when the K-norm of the gradient is <= tol
    logistic_max_iterations : int, default 100
        Newton iteration budget
    
    Returns
    -------
    dict[str, Any]
        fits (one per λ: lambda, solver, train_error, train_squared_loss,
        train_truncated_squared_loss, the same with test_ (NaN where the labels have none),
        rkhs_norm (per output), rkhs_normalized_margin, falkon's
        relative_residual/iterations/falkon_termination; and coefficients n x k, bias), outputs k,
        gram_seconds, fit_seconds, predict_seconds — the keys of `kernel fit --json` — and
        test_scores (n_test x k·len(fits), biases added; None without a test set)
    """
def gram(*args, **kwargs) -> typing.Any:
    """
    The kernel matrix K[i, j] = k(X[i], Y[j]) of a closed-form kernel.
    
    Y = None: X with itself, exactly symmetric. A float64 Fortran-ordered X is read in place; any
    other array is copied once. The CLI's `kernel gram` numbers, bit for bit. An option the chosen
    kernel does not use (depth with kernel='ntk', say) is refused when given a value other than its
    default.
    
    Parameters
    ----------
    X : ArrayLike
        n x d inputs, one per row
    Y : ArrayLike | None, default None
        m x d inputs (None: X)
    kernel : Literal['ntk', 'relu', 'arccos0', 'arccos1', 'hinf', 'deep-ntk', 'deep-nngp'], default 'ntk'
        ntk | relu | arccos0 | arccos1 | hinf | deep-ntk | deep-nngp
    rw : float, default 1.0
        ntk: std r_w of the output weights
    ru : float, default 1.0
        ntk, relu: std r_u of the hidden weights
    depth : int, default 2
        deep kernels: number of Dense layers (2 = one hidden layer)
    w_std : float, default 1.0
        deep kernels: neural-tangents W_std
    b_std : float, default 0.0
        deep kernels: neural-tangents b_std (0 = no bias)
    parameterization : Literal['ntk', 'standard'], default 'ntk'
        deep kernels: ntk | standard
    width : int, default 1024
        deep kernels, standard parameterization: hidden width (fan-in)
    dtype : Literal['float64', 'float32'], default 'float64'
        the result's type: float32 halves its memory (computed in double, rounded once)
    
    Returns
    -------
    NDArray[np.float64] | NDArray[np.float32]
        n x m, Fortran order (float64: handed over without a copy)
    """
def kernel_names(*args, **kwargs) -> typing.Any:
    """
    The closed-form kernels gram() computes.
    
    Returns
    -------
    list[str]
        their names
    """
def kernel_svm(*args, **kwargs) -> typing.Any:
    """
    The kernel SVM on a precomputed kernel: f = Σ β_i K(x_i, ·) + b.
    
    C very large (the default 1e8) is the hard-margin SVM of the papers; bias=False (the default)
    has no intercept, as the papers' kernel predictors.
    
    Parameters
    ----------
    K : ArrayLike
        n x n symmetric kernel matrix
    y : ArrayLike
        n labels in {-1, +1}
    C : float, default 1e+08
        box constraint C (1e8 = hard margin)
    bias : bool, default False
        LIBSVM with an unregularized bias (false: no bias, own solver)
    tol : float, default 1e-06
        stopping tolerance on the KKT violation
    max_epochs : int, default 100000
        coordinate ascent: passes over the data
    max_libsvm_n : int, default 20000
        largest n handed to LIBSVM (it stores K as 16-byte nodes)
    
    Returns
    -------
    dict[str, Any]
        beta (n), b, support_vectors, dual_objective, termination, message, seconds
    """
def monte_carlo_ntk(*args, **kwargs) -> typing.Any:
    """
    The empirical NTK averaged over random initializations, with standard errors.
    
    The closed forms' Monte Carlo check: the mean of Θ̂ and of f(x)f(x′) over `samples`
    networks.
    
    Parameters
    ----------
    X1 : ArrayLike
        n1 x d inputs
    X2 : ArrayLike | None, default None
        n2 x d inputs (None: X1)
    net : Literal['two-layer', 'mlp'], default 'two-layer'
        two-layer | mlp
    width : int, default 1000
        hidden width
    depth : int, default 2
        mlp: number of weight matrices
    samples : int, default 16
        number of initializations averaged
    seed : int, default 0
        random seed
    parameterization : Literal['ntk', 'standard'], default 'ntk'
        ntk | standard
    rw : float, default 1.0
        two-layer: std of the output weights
    ru : float, default 1.0
        two-layer: std of the hidden weights
    w_std : float, default 1.0
        mlp: W_std
    
    Returns
    -------
    dict[str, Any]
        ntk_mean, ntk_stderr, nngp_mean, nngp_stderr (n1 x n2 each)
    """
def ridge_solve(*args, **kwargs) -> typing.Any:
    """
    Kernel ridge coefficients for one λ by one Cholesky factorization.
    
    β minimizes (1/n) Σ (f(x_i) − y_i)² + λ‖f‖²_H: β = (K + nλI)⁻¹ Y, O(n³/3) —
    the fast way to one λ (RidgePath for many). marginlab.InputError when K + nλI is not
    numerically positive definite.
    
    Parameters
    ----------
    K : ArrayLike
        n x n symmetric kernel matrix
    Y : ArrayLike
        n or n x k targets
    lambda_ : float
        λ of the mean-loss objective (1/n) Σ ℓ(y_i f(x_i)) + λ‖f‖²_H (the same λ as
        nn.train's; the CLI's kernel --lambdas is n·λ for ridge and falkon, 2·λ for logistic); >
        0
    
    Returns
    -------
    NDArray[np.float64]
        n x k coefficients
    """
__signatures__: list = [{'name': 'kernel_names', 'params': list(), 'returns': 'list[str]', 'doc': 'The closed-form kernels gram() computes.\n\nReturns\n-------\nlist[str]\n    their names\n', 'observed': False}, {'name': 'gram', 'params': [{'name': 'X', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x d inputs, one per row', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'Y', 'annotation': 'ArrayLike | None', 'default': 'None', 'doc': 'm x d inputs (None: X)', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'kernel', 'annotation': "Literal['ntk', 'relu', 'arccos0', 'arccos1', 'hinf', 'deep-ntk', 'deep-nngp']", 'default': "'ntk'", 'doc': 'ntk | relu | arccos0 | arccos1 | hinf | deep-ntk | deep-nngp', 'keyword_only': True, 'var_keyword': False, 'field': 'kernel'}, {'name': 'rw', 'annotation': 'float', 'default': '1.0', 'doc': 'ntk: std r_w of the output weights', 'keyword_only': True, 'var_keyword': False, 'field': 'rw'}, {'name': 'ru', 'annotation': 'float', 'default': '1.0', 'doc': 'ntk, relu: std r_u of the hidden weights', 'keyword_only': True, 'var_keyword': False, 'field': 'ru'}, {'name': 'depth', 'annotation': 'int', 'default': '2', 'doc': 'deep kernels: number of Dense layers (2 = one hidden layer)', 'keyword_only': True, 'var_keyword': False, 'field': 'depth'}, {'name': 'w_std', 'annotation': 'float', 'default': '1.0', 'doc': 'deep kernels: neural-tangents W_std', 'keyword_only': True, 'var_keyword': False, 'field': 'w_std'}, {'name': 'b_std', 'annotation': 'float', 'default': '0.0', 'doc': 'deep kernels: neural-tangents b_std (0 = no bias)', 'keyword_only': True, 'var_keyword': False, 'field': 'b_std'}, {'name': 'parameterization', 'annotation': "Literal['ntk', 'standard']", 'default': "'ntk'", 'doc': 'deep kernels: ntk | standard', 'keyword_only': True, 'var_keyword': False, 'field': 'parameterization'}, {'name': 'width', 'annotation': 'int', 'default': '1024', 'doc': 'deep kernels, standard parameterization: hidden width (fan-in)', 'keyword_only': True, 'var_keyword': False, 'field': 'width'}, {'name': 'dtype', 'annotation': "Literal['float64', 'float32']", 'default': "'float64'", 'doc': "the result's type: float32 halves its memory (computed in double, rounded once)", 'keyword_only': True, 'var_keyword': False, 'field': ''}], 'returns': 'NDArray[np.float64] | NDArray[np.float32]', 'doc': "The kernel matrix K[i, j] = k(X[i], Y[j]) of a closed-form kernel.\n\nY = None: X with itself, exactly symmetric. A float64 Fortran-ordered X is read in place; any\nother array is copied once. The CLI's `kernel gram` numbers, bit for bit. An option the chosen\nkernel does not use (depth with kernel='ntk', say) is refused when given a value other than its\ndefault.\n\nParameters\n----------\nX : ArrayLike\n    n x d inputs, one per row\nY : ArrayLike | None, default None\n    m x d inputs (None: X)\nkernel : Literal['ntk', 'relu', 'arccos0', 'arccos1', 'hinf', 'deep-ntk', 'deep-nngp'], default 'ntk'\n    ntk | relu | arccos0 | arccos1 | hinf | deep-ntk | deep-nngp\nrw : float, default 1.0\n    ntk: std r_w of the output weights\nru : float, default 1.0\n    ntk, relu: std r_u of the hidden weights\ndepth : int, default 2\n    deep kernels: number of Dense layers (2 = one hidden layer)\nw_std : float, default 1.0\n    deep kernels: neural-tangents W_std\nb_std : float, default 0.0\n    deep kernels: neural-tangents b_std (0 = no bias)\nparameterization : Literal['ntk', 'standard'], default 'ntk'\n    deep kernels: ntk | standard\nwidth : int, default 1024\n    deep kernels, standard parameterization: hidden width (fan-in)\ndtype : Literal['float64', 'float32'], default 'float64'\n    the result's type: float32 halves its memory (computed in double, rounded once)\n\nReturns\n-------\nNDArray[np.float64] | NDArray[np.float32]\n    n x m, Fortran order (float64: handed over without a copy)\n", 'observed': False}, {'name': 'RidgePath', 'params': [{'name': 'K', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x n symmetric kernel matrix (copied once)', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'Y', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n or n x k targets', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'rcond', 'annotation': 'float', 'default': '1e-12', 'doc': 'lambda = 0: eigenvalues below rcond * max are treated as zero', 'keyword_only': True, 'var_keyword': False, 'field': 'rcond'}], 'returns': 'None', 'doc': 'Kernel ridge regression for a whole path of λ, and the NTK-regime gradient flow, from one eigendecomposition K = Q diag(λ_i) Qᵀ.\n\nLAPACK dsyevd, O(n³) once; then O(n²k) per λ or time. Ridge (mean-loss λ, as everywhere in\nthe module): β(λ) minimizes (1/n) Σ (f(x_i) − y_i)² + λ‖f‖²_H, β = (K + nλI)⁻¹\nY (λ = 0: the minimum-norm interpolant). Flow: with Y = y − f_0, after t steps of size η on\n(1/2n)Σ(f − y)², τ = η t / n: f_t(x) = f_0(x) + K(x, X) β_flow(τ), in-sample f_t − f_0\n= (I − e^{−τK}) Y.\n\nParameters\n----------\nK : ArrayLike\n    n x n symmetric kernel matrix (copied once)\nY : ArrayLike\n    n or n x k targets\nrcond : float, default 1e-12\n    lambda = 0: eigenvalues below rcond * max are treated as zero\n\nReturns\n-------\nNone\n', 'observed': False}, {'name': 'fit', 'params': [{'name': 'X', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x d training inputs', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'y', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n labels: -1/+1, class indices 0..l-1 or reals', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'X_test', 'annotation': 'ArrayLike | None', 'default': 'None', 'doc': 'test inputs', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'y_test', 'annotation': 'ArrayLike | None', 'default': 'None', 'doc': 'test labels', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'kernel', 'annotation': "Literal['ntk', 'relu', 'arccos0', 'arccos1', 'hinf', 'deep-ntk', 'deep-nngp']", 'default': "'ntk'", 'doc': 'ntk | relu | arccos0 | arccos1 | hinf | deep-ntk | deep-nngp', 'keyword_only': True, 'var_keyword': False, 'field': 'kernel'}, {'name': 'rw', 'annotation': 'float', 'default': '1.0', 'doc': 'ntk: std r_w of the output weights', 'keyword_only': True, 'var_keyword': False, 'field': 'rw'}, {'name': 'ru', 'annotation': 'float', 'default': '1.0', 'doc': 'ntk, relu: std r_u of the hidden weights', 'keyword_only': True, 'var_keyword': False, 'field': 'ru'}, {'name': 'depth', 'annotation': 'int', 'default': '2', 'doc': 'deep kernels: number of Dense layers (2 = one hidden layer)', 'keyword_only': True, 'var_keyword': False, 'field': 'depth'}, {'name': 'w_std', 'annotation': 'float', 'default': '1.0', 'doc': 'deep kernels: neural-tangents W_std', 'keyword_only': True, 'var_keyword': False, 'field': 'w_std'}, {'name': 'b_std', 'annotation': 'float', 'default': '0.0', 'doc': 'deep kernels: neural-tangents b_std (0 = no bias)', 'keyword_only': True, 'var_keyword': False, 'field': 'b_std'}, {'name': 'parameterization', 'annotation': "Literal['ntk', 'standard']", 'default': "'ntk'", 'doc': 'deep kernels: ntk | standard', 'keyword_only': True, 'var_keyword': False, 'field': 'parameterization'}, {'name': 'width', 'annotation': 'int', 'default': '1024', 'doc': 'deep kernels, standard parameterization: hidden width (fan-in)', 'keyword_only': True, 'var_keyword': False, 'field': 'width'}, {'name': 'predictor', 'annotation': "Literal['interp', 'ridge', 'logistic', 'svm', 'falkon']", 'default': "'ridge'", 'doc': 'interp | ridge | logistic | svm | falkon (falkon: ridge by Nystrom-preconditioned CG, no n x n matrix)', 'keyword_only': True, 'var_keyword': False, 'field': 'predictor'}, {'name': 'multiclass', 'annotation': "Literal['onehot', 'ovr']", 'default': "'onehot'", 'doc': 'class labels with ridge/interp: onehot | ovr (onehot: 0/1 targets; ovr: +-1)', 'keyword_only': True, 'var_keyword': False, 'field': 'multiclass'}, {'name': 'lambda_', 'annotation': 'float | Sequence[float] | None', 'default': 'None', 'doc': "λ of the mean-loss objective (1/n) Σ ℓ(y_i f(x_i)) + λ‖f‖²_H (the same λ as nn.train's; the CLI's kernel --lambdas is n·λ for ridge and falkon, 2·λ for logistic); required by ridge, logistic and falkon", 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'C', 'annotation': 'float', 'default': '1e+08', 'doc': 'box constraint C (1e8 = hard margin)', 'keyword_only': True, 'var_keyword': False, 'field': 'C'}, {'name': 'bias', 'annotation': 'bool', 'default': 'False', 'doc': 'LIBSVM with an unregularized bias (false: no bias, own solver)', 'keyword_only': True, 'var_keyword': False, 'field': 'bias'}, {'name': 'centers', 'annotation': 'int', 'default': '1000', 'doc': 'number M of Nystrom centers', 'keyword_only': True, 'var_keyword': False, 'field': 'centers'}, {'name': 'tol', 'annotation': 'float', 'default': '1e-06', 'doc': 'stop when ||y - (K + lambda I) beta|| / ||y|| <= tol', 'keyword_only': True, 'var_keyword': False, 'field': 'tol'}, {'name': 'max_iterations', 'annotation': 'int', 'default': '500', 'doc': 'CG iteration budget', 'keyword_only': True, 'var_keyword': False, 'field': 'max_iterations'}, {'name': 'seed', 'annotation': 'int', 'default': '0', 'doc': 'seed for the uniform choice of centers', 'keyword_only': True, 'var_keyword': False, 'field': 'seed'}, {'name': 'logistic_tol', 'annotation': 'float', 'default': '1e-10', 'doc': 'stop when the K-norm of the gradient is <= tol', 'keyword_only': True, 'var_keyword': False, 'field': 'tol'}, {'name': 'logistic_max_iterations', 'annotation': 'int', 'default': '100', 'doc': 'Newton iteration budget', 'keyword_only': True, 'var_keyword': False, 'field': 'max_iterations'}], 'returns': 'dict[str, Any]', 'doc': "The kernel predictors of `marginlab kernel fit`, with their train and test metrics.\n\npredictor = interp | ridge | logistic | svm | falkon, one fit per λ of lambda_ (ridge,\nlogistic, falkon), on X, y with test metrics on X_test, y_test. The CLI's numbers, bit for bit\n(its --lambdas being n·λ for ridge and falkon, 2·λ for logistic). An option the predictor\ndoes not use is refused.\n\nParameters\n----------\nX : ArrayLike\n    n x d training inputs\ny : ArrayLike\n    n labels: -1/+1, class indices 0..l-1 or reals\nX_test : ArrayLike | None, default None\n    test inputs\ny_test : ArrayLike | None, default None\n    test labels\nkernel : Literal['ntk', 'relu', 'arccos0', 'arccos1', 'hinf', 'deep-ntk', 'deep-nngp'], default 'ntk'\n    ntk | relu | arccos0 | arccos1 | hinf | deep-ntk | deep-nngp\nrw : float, default 1.0\n    ntk: std r_w of the output weights\nru : float, default 1.0\n    ntk, relu: std r_u of the hidden weights\ndepth : int, default 2\n    deep kernels: number of Dense layers (2 = one hidden layer)\nw_std : float, default 1.0\n    deep kernels: neural-tangents W_std\nb_std : float, default 0.0\n    deep kernels: neural-tangents b_std (0 = no bias)\nparameterization : Literal['ntk', 'standard'], default 'ntk'\n    deep kernels: ntk | standard\nwidth : int, default 1024\n    deep kernels, standard parameterization: hidden width (fan-in)\npredictor : Literal['interp', 'ridge', 'logistic', 'svm', 'falkon'], default 'ridge'\n    interp | ridge | logistic | svm | falkon (falkon: ridge by Nystrom-preconditioned CG, no n x\n    n matrix)\nmulticlass : Literal['onehot', 'ovr'], default 'onehot'\n    class labels with ridge/interp: onehot | ovr (onehot: 0/1 targets; ovr: +-1)\nlambda_ : float | Sequence[float] | None, default None\n    λ of the mean-loss objective (1/n) Σ ℓ(y_i f(x_i)) + λ‖f‖²_H (the same λ as\n    nn.train's; the CLI's kernel --lambdas is n·λ for ridge and falkon, 2·λ for logistic);\n    required by ridge, logistic and falkon\nC : float, default 1e+08\n    box constraint C (1e8 = hard margin)\nbias : bool, default False\n    LIBSVM with an unregularized bias (false: no bias, own solver)\ncenters : int, default 1000\n    number M of Nystrom centers\ntol : float, default 1e-06\n    stop when ||y - (K + lambda I) beta|| / ||y|| <= tol\nmax_iterations : int, default 500\n    CG iteration budget\nseed : int, default 0\n    seed for the uniform choice of centers\nlogistic_tol : float, default 1e-10\n    stop when the K-norm of the gradient is <= tol\nlogistic_max_iterations : int, default 100\n    Newton iteration budget\n\nReturns\n-------\ndict[str, Any]\n    fits (one per λ: lambda, solver, train_error, train_squared_loss,\n    train_truncated_squared_loss, the same with test_ (NaN where the labels have none),\n    rkhs_norm (per output), rkhs_normalized_margin, falkon's\n    relative_residual/iterations/falkon_termination; and coefficients n x k, bias), outputs k,\n    gram_seconds, fit_seconds, predict_seconds — the keys of `kernel fit --json` — and\n    test_scores (n_test x k·len(fits), biases added; None without a test set)\n", 'observed': False}, {'name': 'ridge_solve', 'params': [{'name': 'K', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x n symmetric kernel matrix', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'Y', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n or n x k targets', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'lambda_', 'annotation': 'float', 'default': None, 'doc': "λ of the mean-loss objective (1/n) Σ ℓ(y_i f(x_i)) + λ‖f‖²_H (the same λ as nn.train's; the CLI's kernel --lambdas is n·λ for ridge and falkon, 2·λ for logistic); > 0", 'keyword_only': False, 'var_keyword': False, 'field': ''}], 'returns': 'NDArray[np.float64]', 'doc': "Kernel ridge coefficients for one λ by one Cholesky factorization.\n\nβ minimizes (1/n) Σ (f(x_i) − y_i)² + λ‖f‖²_H: β = (K + nλI)⁻¹ Y, O(n³/3) —\nthe fast way to one λ (RidgePath for many). marginlab.InputError when K + nλI is not\nnumerically positive definite.\n\nParameters\n----------\nK : ArrayLike\n    n x n symmetric kernel matrix\nY : ArrayLike\n    n or n x k targets\nlambda_ : float\n    λ of the mean-loss objective (1/n) Σ ℓ(y_i f(x_i)) + λ‖f‖²_H (the same λ as\n    nn.train's; the CLI's kernel --lambdas is n·λ for ridge and falkon, 2·λ for logistic); >\n    0\n\nReturns\n-------\nNDArray[np.float64]\n    n x k coefficients\n", 'observed': False}, {'name': 'kernel_svm', 'params': [{'name': 'K', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x n symmetric kernel matrix', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'y', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n labels in {-1, +1}', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'C', 'annotation': 'float', 'default': '1e+08', 'doc': 'box constraint C (1e8 = hard margin)', 'keyword_only': True, 'var_keyword': False, 'field': 'C'}, {'name': 'bias', 'annotation': 'bool', 'default': 'False', 'doc': 'LIBSVM with an unregularized bias (false: no bias, own solver)', 'keyword_only': True, 'var_keyword': False, 'field': 'bias'}, {'name': 'tol', 'annotation': 'float', 'default': '1e-06', 'doc': 'stopping tolerance on the KKT violation', 'keyword_only': True, 'var_keyword': False, 'field': 'tol'}, {'name': 'max_epochs', 'annotation': 'int', 'default': '100000', 'doc': 'coordinate ascent: passes over the data', 'keyword_only': True, 'var_keyword': False, 'field': 'max_epochs'}, {'name': 'max_libsvm_n', 'annotation': 'int', 'default': '20000', 'doc': 'largest n handed to LIBSVM (it stores K as 16-byte nodes)', 'keyword_only': True, 'var_keyword': False, 'field': 'max_libsvm_n'}], 'returns': 'dict[str, Any]', 'doc': "The kernel SVM on a precomputed kernel: f = Σ β_i K(x_i, ·) + b.\n\nC very large (the default 1e8) is the hard-margin SVM of the papers; bias=False (the default)\nhas no intercept, as the papers' kernel predictors.\n\nParameters\n----------\nK : ArrayLike\n    n x n symmetric kernel matrix\ny : ArrayLike\n    n labels in {-1, +1}\nC : float, default 1e+08\n    box constraint C (1e8 = hard margin)\nbias : bool, default False\n    LIBSVM with an unregularized bias (false: no bias, own solver)\ntol : float, default 1e-06\n    stopping tolerance on the KKT violation\nmax_epochs : int, default 100000\n    coordinate ascent: passes over the data\nmax_libsvm_n : int, default 20000\n    largest n handed to LIBSVM (it stores K as 16-byte nodes)\n\nReturns\n-------\ndict[str, Any]\n    beta (n), b, support_vectors, dual_objective, termination, message, seconds\n", 'observed': False}, {'name': 'empirical_ntk', 'params': [{'name': 'weights', 'annotation': 'Sequence[ArrayLike] | Mapping[str, Any]', 'default': None, 'doc': "the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between: torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or nn.load_network(), which also gives its output scale, frozen output layer and objective", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'X1', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n1 x d inputs', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'X2', 'annotation': 'ArrayLike | None', 'default': 'None', 'doc': 'n2 x d inputs (None: X1)', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'output_scale', 'annotation': 'float | None', 'default': 'None', 'doc': "the output scale s of f = s · W_q relu(…); None: the network dict's, else 1", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'frozen_output', 'annotation': 'bool | None', 'default': 'None', 'doc': "whether the output layer is fixed (not a parameter); None: the network dict's, else False", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'output', 'annotation': 'int', 'default': '0', 'doc': 'which output (0 … l−1)', 'keyword_only': False, 'var_keyword': False, 'field': ''}], 'returns': 'NDArray[np.float64]', 'doc': "The empirical NTK Θ(x, x′) = ⟨∂f(x)/∂Θ, ∂f(x′)/∂Θ⟩ of a bias-free ReLU network.\n\nf(x) = output_scale · W_q relu(… relu(W_1 x)), weights = [W_1, …, W_q] (W_k: m_k x\nm_{k−1}, the layout of torch.nn.Linear.weight), at output `output`; a frozen output layer is\nnot a parameter.\n\nParameters\n----------\nweights : Sequence[ArrayLike] | Mapping[str, Any]\n    the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:\n    torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or\n    nn.load_network(), which also gives its output scale, frozen output layer and objective\nX1 : ArrayLike\n    n1 x d inputs\nX2 : ArrayLike | None, default None\n    n2 x d inputs (None: X1)\noutput_scale : float | None, default None\n    the output scale s of f = s · W_q relu(…); None: the network dict's, else 1\nfrozen_output : bool | None, default None\n    whether the output layer is fixed (not a parameter); None: the network dict's, else False\noutput : int, default 0\n    which output (0 … l−1)\n\nReturns\n-------\nNDArray[np.float64]\n    n1 x n2\n", 'observed': False}, {'name': 'monte_carlo_ntk', 'params': [{'name': 'X1', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n1 x d inputs', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'X2', 'annotation': 'ArrayLike | None', 'default': 'None', 'doc': 'n2 x d inputs (None: X1)', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'net', 'annotation': "Literal['two-layer', 'mlp']", 'default': "'two-layer'", 'doc': 'two-layer | mlp', 'keyword_only': True, 'var_keyword': False, 'field': 'net'}, {'name': 'width', 'annotation': 'int', 'default': '1000', 'doc': 'hidden width', 'keyword_only': True, 'var_keyword': False, 'field': 'width'}, {'name': 'depth', 'annotation': 'int', 'default': '2', 'doc': 'mlp: number of weight matrices', 'keyword_only': True, 'var_keyword': False, 'field': 'depth'}, {'name': 'samples', 'annotation': 'int', 'default': '16', 'doc': 'number of initializations averaged', 'keyword_only': True, 'var_keyword': False, 'field': 'samples'}, {'name': 'seed', 'annotation': 'int', 'default': '0', 'doc': 'random seed', 'keyword_only': True, 'var_keyword': False, 'field': 'seed'}, {'name': 'parameterization', 'annotation': "Literal['ntk', 'standard']", 'default': "'ntk'", 'doc': 'ntk | standard', 'keyword_only': True, 'var_keyword': False, 'field': 'parameterization'}, {'name': 'rw', 'annotation': 'float', 'default': '1.0', 'doc': 'two-layer: std of the output weights', 'keyword_only': True, 'var_keyword': False, 'field': 'rw'}, {'name': 'ru', 'annotation': 'float', 'default': '1.0', 'doc': 'two-layer: std of the hidden weights', 'keyword_only': True, 'var_keyword': False, 'field': 'ru'}, {'name': 'w_std', 'annotation': 'float', 'default': '1.0', 'doc': 'mlp: W_std', 'keyword_only': True, 'var_keyword': False, 'field': 'w_std'}], 'returns': 'dict[str, Any]', 'doc': "The empirical NTK averaged over random initializations, with standard errors.\n\nThe closed forms' Monte Carlo check: the mean of Θ̂ and of f(x)f(x′) over `samples`\nnetworks.\n\nParameters\n----------\nX1 : ArrayLike\n    n1 x d inputs\nX2 : ArrayLike | None, default None\n    n2 x d inputs (None: X1)\nnet : Literal['two-layer', 'mlp'], default 'two-layer'\n    two-layer | mlp\nwidth : int, default 1000\n    hidden width\ndepth : int, default 2\n    mlp: number of weight matrices\nsamples : int, default 16\n    number of initializations averaged\nseed : int, default 0\n    random seed\nparameterization : Literal['ntk', 'standard'], default 'ntk'\n    ntk | standard\nrw : float, default 1.0\n    two-layer: std of the output weights\nru : float, default 1.0\n    two-layer: std of the hidden weights\nw_std : float, default 1.0\n    mlp: W_std\n\nReturns\n-------\ndict[str, Any]\n    ntk_mean, ntk_stderr, nngp_mean, nngp_stderr (n1 x n2 each)\n", 'observed': False}]
