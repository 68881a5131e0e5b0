"""
margins, the l1-SVM, certificates and global optima
"""
from __future__ import annotations
import typing
__all__: list[str] = ['certify', 'global_optimum', 'l1svm', 'normalized_margin']
def certify(*args, **kwargs) -> typing.Any:
    """
    How far a two-layer net is from the global minimum of its regularized objective.
    
    A dual lower end of min L over nets of any width and the gap L(Θ) − that end. With an exact
    or branch-and-bound oracle both are proven (certified: True); with the ascent oracle they are
    estimates, never called bounds. The objective is the network dict's (from train() or
    load_network()) unless given; the `marginlab certify` numbers, bit for bit.
    
    Parameters
    ----------
    weights : Sequence[ArrayLike] | Mapping[str, Any]
        the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:
        torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or
        nn.load_network(), which also gives its output scale, frozen output layer and objective
    X : ArrayLike
        n x d inputs
    y : ArrayLike
        n labels in {-1, +1}
    output_scale : float | None, default None
        the output scale s of f = s · W_q relu(…); None: the network dict's, else 1
    frozen_output : bool | None, default None
        whether the output layer is fixed (not a parameter); None: the network dict's, else False
    loss : Literal['logistic', 'squared'] | None, default None
        the data loss; None: the network dict's, else 'logistic'
    lambda_ : float | None, default None
        λ of the objective L(Θ) = (1/n) Σ ℓ(y_i f(x_i)) + λ‖Θ‖² (Wei et al. eq. 4.1);
        None: the network dict's (required otherwise)
    oracle : Literal['auto', 'exact', 'bnb', 'ascent'], default 'auto'
        auto | exact | bnb | ascent (ascent: an estimate, not a bound)
    max_rounds : int, default 300
        global optimum: column-generation rounds
    tolerance : float, default 1e-10
        global optimum: relative gap that stops
    columns_per_round : int, default 8
        global optimum: directions added per round
    other_objective : bool, default False
        judge a network dict on the given loss and lambda_ instead of its own
    
    Returns
    -------
    dict[str, Any]
        objective, data_loss, lower (the dual lower end of min L), gap (objective − lower),
        bracket, certified (True: lower and gap are bounds; False: estimates), oracle, oracle_value,
        oracle_upper (None unless certified), dual_scale — the keys of `marginlab certify --json`
    """
def global_optimum(*args, **kwargs) -> typing.Any:
    """
    Θ_λ: the global minimum of the regularized objective over two-layer nets of any width.
    
    Its convex measure formulation solved by column generation (margin/global_optimum.hpp):
    `objective` is min L's upper end, attained by the returned balanced network; `lower` its lower
    end, a bound when certified (exact or branch-and-bound oracle), else an estimate.
    
    Parameters
    ----------
    X : ArrayLike
        n x d inputs
    y : ArrayLike
        n labels in {-1, +1}
    loss : Literal['logistic', 'squared'], default 'logistic'
        data loss (mean over the examples): logistic | squared
    lambda_ : float
        regularization λ of λ‖Θ‖²
    oracle : Literal['auto', 'exact', 'bnb', 'ascent'], default 'auto'
        auto | exact | bnb | ascent (ascent: an estimate, not a bound)
    max_rounds : int, default 300
        global optimum: column-generation rounds
    tolerance : float, default 1e-10
        global optimum: relative gap that stops
    columns_per_round : int, default 8
        global optimum: directions added per round
    progress : bool, default False
        show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then
    callback : Callable[[dict[str, Any]], bool | None] | None, default None
        called with a dict at each column-generation round (round, lower, upper, certified, columns,
        seconds); returning False stops the computation early (termination 'stopped', with what it
        has so far); an exception it raises stops it and is re-raised
    
    Returns
    -------
    dict[str, Any]
        objective, lower, bracket, certified, oracle, rounds, columns, oracle_evaluations,
        termination, message, seconds (the keys of `certify --global --json`'s global), and weights,
        output_scale (the network), directions (K x d), masses (K)
    """
def l1svm(*args, **kwargs) -> typing.Any:
    """
    The l1-SVM over ReLU features, γ_ℓ1 = max over ‖a‖₁ ≤ 1 of min_i y_i Σ_j a_j relu(ū_j·x_i).
    
    By column generation: γ_ℓ1/2 is the max-margin two-layer net's normalized margin (Wei et al.
    Thm 3.3, Prop. B.10). `lower` is attained by the returned network; `upper` is a bound when
    certified (exact or branch-and-bound pricing), else an estimate.
    
    Parameters
    ----------
    X : ArrayLike
        n x d inputs (ReLU-separable)
    y : ArrayLike
        n labels in {-1, +1}
    max_rounds : int, default 500
        column-generation rounds
    tolerance : float, default 1e-09
        stop when γ_hi − γ_lo ≤ tolerance · max‖x_i‖
    columns_per_round : int, default 8
        directions added per round (at most)
    initial_inputs : int, default 32
        first columns: ±x̂_i of this many inputs, and ±e_k
    oracle : Literal['auto', 'exact', 'bnb', 'ascent'], default 'auto'
        best-neuron (pricing) oracle: auto | exact | bnb | ascent (ascent: an estimate, not a bound)
    progress : bool, default False
        show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then
    callback : Callable[[dict[str, Any]], bool | None] | None, default None
        called with a dict at each column-generation round (round, lower, upper, certified, columns,
        seconds); returning False stops the computation early (termination 'stopped', with what it
        has so far); an exception it raises stops it and is re-raised
    
    Returns
    -------
    dict[str, Any]
        lower, upper, bracket, certified, oracle, columns, rounds, oracle_evaluations, termination,
        message, seconds (the keys of `margin l1svm --json`), and weights (the max-margin net),
        directions, masses, q (the dual on the simplex)
    """
def normalized_margin(*args, **kwargs) -> typing.Any:
    """
    The normalized margin γ(Θ) = min_i y_i f(x_i) / ‖Θ‖² of a two-layer net.
    
    Wei et al. §3; ‖Θ‖² = ‖W1‖²_F + ‖W2‖².
    
    Parameters
    ----------
    weights : Sequence[ArrayLike] | Mapping[str, Any]
        the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:
        torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or
        nn.load_network(), which also gives its output scale, frozen output layer and objective
    X : ArrayLike
        n x d inputs
    y : ArrayLike
        n labels in {-1, +1}
    output_scale : float | None, default None
        the output scale s of f = s · W_q relu(…); None: the network dict's, else 1
    frozen_output : bool | None, default None
        whether the output layer is fixed (not a parameter); None: the network dict's, else False
    
    Returns
    -------
    float
        γ(Θ)
    """
__signatures__: list = [{'name': 'normalized_margin', 'params': [{'name': 'weights', 'annotation': 'Sequence[ArrayLike] | Mapping[str, Any]', 'default': None, 'doc': "the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between: torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or nn.load_network(), which also gives its output scale, frozen output layer and objective", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'X', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x d inputs', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'y', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n labels in {-1, +1}', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'output_scale', 'annotation': 'float | None', 'default': 'None', 'doc': "the output scale s of f = s · W_q relu(…); None: the network dict's, else 1", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'frozen_output', 'annotation': 'bool | None', 'default': 'None', 'doc': "whether the output layer is fixed (not a parameter); None: the network dict's, else False", 'keyword_only': False, 'var_keyword': False, 'field': ''}], 'returns': 'float', 'doc': "The normalized margin γ(Θ) = min_i y_i f(x_i) / ‖Θ‖² of a two-layer net.\n\nWei et al. §3; ‖Θ‖² = ‖W1‖²_F + ‖W2‖².\n\nParameters\n----------\nweights : Sequence[ArrayLike] | Mapping[str, Any]\n    the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:\n    torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or\n    nn.load_network(), which also gives its output scale, frozen output layer and objective\nX : ArrayLike\n    n x d inputs\ny : ArrayLike\n    n labels in {-1, +1}\noutput_scale : float | None, default None\n    the output scale s of f = s · W_q relu(…); None: the network dict's, else 1\nfrozen_output : bool | None, default None\n    whether the output layer is fixed (not a parameter); None: the network dict's, else False\n\nReturns\n-------\nfloat\n    γ(Θ)\n", 'observed': False}, {'name': 'certify', 'params': [{'name': 'weights', 'annotation': 'Sequence[ArrayLike] | Mapping[str, Any]', 'default': None, 'doc': "the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between: torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or nn.load_network(), which also gives its output scale, frozen output layer and objective", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'X', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x d inputs', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'y', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n labels in {-1, +1}', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'output_scale', 'annotation': 'float | None', 'default': 'None', 'doc': "the output scale s of f = s · W_q relu(…); None: the network dict's, else 1", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'frozen_output', 'annotation': 'bool | None', 'default': 'None', 'doc': "whether the output layer is fixed (not a parameter); None: the network dict's, else False", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'loss', 'annotation': "Literal['logistic', 'squared'] | None", 'default': 'None', 'doc': "the data loss; None: the network dict's, else 'logistic'", 'keyword_only': True, 'var_keyword': False, 'field': 'loss'}, {'name': 'lambda_', 'annotation': 'float | None', 'default': 'None', 'doc': "λ of the objective L(Θ) = (1/n) Σ ℓ(y_i f(x_i)) + λ‖Θ‖² (Wei et al. eq. 4.1); None: the network dict's (required otherwise)", 'keyword_only': True, 'var_keyword': False, 'field': 'lambda'}, {'name': 'oracle', 'annotation': "Literal['auto', 'exact', 'bnb', 'ascent']", 'default': "'auto'", 'doc': 'auto | exact | bnb | ascent (ascent: an estimate, not a bound)', 'keyword_only': True, 'var_keyword': False, 'field': 'oracle'}, {'name': 'max_rounds', 'annotation': 'int', 'default': '300', 'doc': 'global optimum: column-generation rounds', 'keyword_only': True, 'var_keyword': False, 'field': 'max_rounds'}, {'name': 'tolerance', 'annotation': 'float', 'default': '1e-10', 'doc': 'global optimum: relative gap that stops', 'keyword_only': True, 'var_keyword': False, 'field': 'tolerance'}, {'name': 'columns_per_round', 'annotation': 'int', 'default': '8', 'doc': 'global optimum: directions added per round', 'keyword_only': True, 'var_keyword': False, 'field': 'columns_per_round'}, {'name': 'other_objective', 'annotation': 'bool', 'default': 'False', 'doc': 'judge a network dict on the given loss and lambda_ instead of its own', 'keyword_only': True, 'var_keyword': False, 'field': ''}], 'returns': 'dict[str, Any]', 'doc': "How far a two-layer net is from the global minimum of its regularized objective.\n\nA dual lower end of min L over nets of any width and the gap L(Θ) − that end. With an exact\nor branch-and-bound oracle both are proven (certified: True); with the ascent oracle they are\nestimates, never called bounds. The objective is the network dict's (from train() or\nload_network()) unless given; the `marginlab certify` numbers, bit for bit.\n\nParameters\n----------\nweights : Sequence[ArrayLike] | Mapping[str, Any]\n    the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:\n    torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or\n    nn.load_network(), which also gives its output scale, frozen output layer and objective\nX : ArrayLike\n    n x d inputs\ny : ArrayLike\n    n labels in {-1, +1}\noutput_scale : float | None, default None\n    the output scale s of f = s · W_q relu(…); None: the network dict's, else 1\nfrozen_output : bool | None, default None\n    whether the output layer is fixed (not a parameter); None: the network dict's, else False\nloss : Literal['logistic', 'squared'] | None, default None\n    the data loss; None: the network dict's, else 'logistic'\nlambda_ : float | None, default None\n    λ of the objective L(Θ) = (1/n) Σ ℓ(y_i f(x_i)) + λ‖Θ‖² (Wei et al. eq. 4.1);\n    None: the network dict's (required otherwise)\noracle : Literal['auto', 'exact', 'bnb', 'ascent'], default 'auto'\n    auto | exact | bnb | ascent (ascent: an estimate, not a bound)\nmax_rounds : int, default 300\n    global optimum: column-generation rounds\ntolerance : float, default 1e-10\n    global optimum: relative gap that stops\ncolumns_per_round : int, default 8\n    global optimum: directions added per round\nother_objective : bool, default False\n    judge a network dict on the given loss and lambda_ instead of its own\n\nReturns\n-------\ndict[str, Any]\n    objective, data_loss, lower (the dual lower end of min L), gap (objective − lower),\n    bracket, certified (True: lower and gap are bounds; False: estimates), oracle, oracle_value,\n    oracle_upper (None unless certified), dual_scale — the keys of `marginlab certify --json`\n", 'observed': False}, {'name': 'global_optimum', 'params': [{'name': 'X', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x d inputs', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'y', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n labels in {-1, +1}', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'loss', 'annotation': "Literal['logistic', 'squared']", 'default': "'logistic'", 'doc': 'data loss (mean over the examples): logistic | squared', 'keyword_only': True, 'var_keyword': False, 'field': 'loss'}, {'name': 'lambda_', 'annotation': 'float', 'default': None, 'doc': 'regularization λ of λ‖Θ‖²', 'keyword_only': True, 'var_keyword': False, 'field': 'lambda'}, {'name': 'oracle', 'annotation': "Literal['auto', 'exact', 'bnb', 'ascent']", 'default': "'auto'", 'doc': 'auto | exact | bnb | ascent (ascent: an estimate, not a bound)', 'keyword_only': True, 'var_keyword': False, 'field': 'oracle'}, {'name': 'max_rounds', 'annotation': 'int', 'default': '300', 'doc': 'global optimum: column-generation rounds', 'keyword_only': True, 'var_keyword': False, 'field': 'max_rounds'}, {'name': 'tolerance', 'annotation': 'float', 'default': '1e-10', 'doc': 'global optimum: relative gap that stops', 'keyword_only': True, 'var_keyword': False, 'field': 'tolerance'}, {'name': 'columns_per_round', 'annotation': 'int', 'default': '8', 'doc': 'global optimum: directions added per round', 'keyword_only': True, 'var_keyword': False, 'field': 'columns_per_round'}, {'name': 'progress', 'annotation': 'bool', 'default': 'False', 'doc': 'show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then', 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'callback', 'annotation': 'Callable[[dict[str, Any]], bool | None] | None', 'default': 'None', 'doc': "called with a dict at each column-generation round (round, lower, upper, certified, columns, seconds); returning False stops the computation early (termination 'stopped', with what it has so far); an exception it raises stops it and is re-raised", 'keyword_only': True, 'var_keyword': False, 'field': ''}], 'returns': 'dict[str, Any]', 'doc': "Θ_λ: the global minimum of the regularized objective over two-layer nets of any width.\n\nIts convex measure formulation solved by column generation (margin/global_optimum.hpp):\n`objective` is min L's upper end, attained by the returned balanced network; `lower` its lower\nend, a bound when certified (exact or branch-and-bound oracle), else an estimate.\n\nParameters\n----------\nX : ArrayLike\n    n x d inputs\ny : ArrayLike\n    n labels in {-1, +1}\nloss : Literal['logistic', 'squared'], default 'logistic'\n    data loss (mean over the examples): logistic | squared\nlambda_ : float\n    regularization λ of λ‖Θ‖²\noracle : Literal['auto', 'exact', 'bnb', 'ascent'], default 'auto'\n    auto | exact | bnb | ascent (ascent: an estimate, not a bound)\nmax_rounds : int, default 300\n    global optimum: column-generation rounds\ntolerance : float, default 1e-10\n    global optimum: relative gap that stops\ncolumns_per_round : int, default 8\n    global optimum: directions added per round\nprogress : bool, default False\n    show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then\ncallback : Callable[[dict[str, Any]], bool | None] | None, default None\n    called with a dict at each column-generation round (round, lower, upper, certified, columns,\n    seconds); returning False stops the computation early (termination 'stopped', with what it\n    has so far); an exception it raises stops it and is re-raised\n\nReturns\n-------\ndict[str, Any]\n    objective, lower, bracket, certified, oracle, rounds, columns, oracle_evaluations,\n    termination, message, seconds (the keys of `certify --global --json`'s global), and weights,\n    output_scale (the network), directions (K x d), masses (K)\n", 'observed': True}, {'name': 'l1svm', 'params': [{'name': 'X', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x d inputs (ReLU-separable)', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'y', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n labels in {-1, +1}', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'max_rounds', 'annotation': 'int', 'default': '500', 'doc': 'column-generation rounds', 'keyword_only': True, 'var_keyword': False, 'field': 'max_rounds'}, {'name': 'tolerance', 'annotation': 'float', 'default': '1e-09', 'doc': 'stop when γ_hi − γ_lo ≤ tolerance · max‖x_i‖', 'keyword_only': True, 'var_keyword': False, 'field': 'tolerance'}, {'name': 'columns_per_round', 'annotation': 'int', 'default': '8', 'doc': 'directions added per round (at most)', 'keyword_only': True, 'var_keyword': False, 'field': 'columns_per_round'}, {'name': 'initial_inputs', 'annotation': 'int', 'default': '32', 'doc': 'first columns: ±x̂_i of this many inputs, and ±e_k', 'keyword_only': True, 'var_keyword': False, 'field': 'initial_inputs'}, {'name': 'oracle', 'annotation': "Literal['auto', 'exact', 'bnb', 'ascent']", 'default': "'auto'", 'doc': 'best-neuron (pricing) oracle: auto | exact | bnb | ascent (ascent: an estimate, not a bound)', 'keyword_only': True, 'var_keyword': False, 'field': 'oracle'}, {'name': 'progress', 'annotation': 'bool', 'default': 'False', 'doc': 'show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then', 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'callback', 'annotation': 'Callable[[dict[str, Any]], bool | None] | None', 'default': 'None', 'doc': "called with a dict at each column-generation round (round, lower, upper, certified, columns, seconds); returning False stops the computation early (termination 'stopped', with what it has so far); an exception it raises stops it and is re-raised", 'keyword_only': True, 'var_keyword': False, 'field': ''}], 'returns': 'dict[str, Any]', 'doc': "The l1-SVM over ReLU features, γ_ℓ1 = max over ‖a‖₁ ≤ 1 of min_i y_i Σ_j a_j relu(ū_j·x_i).\n\nBy column generation: γ_ℓ1/2 is the max-margin two-layer net's normalized margin (Wei et al.\nThm 3.3, Prop. B.10). `lower` is attained by the returned network; `upper` is a bound when\ncertified (exact or branch-and-bound pricing), else an estimate.\n\nParameters\n----------\nX : ArrayLike\n    n x d inputs (ReLU-separable)\ny : ArrayLike\n    n labels in {-1, +1}\nmax_rounds : int, default 500\n    column-generation rounds\ntolerance : float, default 1e-09\n    stop when γ_hi − γ_lo ≤ tolerance · max‖x_i‖\ncolumns_per_round : int, default 8\n    directions added per round (at most)\ninitial_inputs : int, default 32\n    first columns: ±x̂_i of this many inputs, and ±e_k\noracle : Literal['auto', 'exact', 'bnb', 'ascent'], default 'auto'\n    best-neuron (pricing) oracle: auto | exact | bnb | ascent (ascent: an estimate, not a bound)\nprogress : bool, default False\n    show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then\ncallback : Callable[[dict[str, Any]], bool | None] | None, default None\n    called with a dict at each column-generation round (round, lower, upper, certified, columns,\n    seconds); returning False stops the computation early (termination 'stopped', with what it\n    has so far); an exception it raises stops it and is re-raised\n\nReturns\n-------\ndict[str, Any]\n    lower, upper, bracket, certified, oracle, columns, rounds, oracle_evaluations, termination,\n    message, seconds (the keys of `margin l1svm --json`), and weights (the max-margin net),\n    directions, masses, q (the dual on the simplex)\n", 'observed': True}]
