"""
homogeneous ReLU networks: training, outputs, network files
"""
from __future__ import annotations
import typing
__all__: list[str] = ['load_network', 'network', 'objective', 'outputs', 'save_network', 'train']
def load_network(*args, **kwargs) -> typing.Any:
    """
    A saved network: train --save, certify --global --save, meanfield --save or save_network().
    
    The dict it returns is a network argument everywhere (outputs, certify, empirical_ntk, …),
    with its output scale, frozen output and objective.
    
    Parameters
    ----------
    path : str | os.PathLike[str]
        the .npz file
    key : str, default 'final'
        the layers' group (train files hold 'init' and 'final')
    trial : int, default 0
        which trial of a file with several
    
    Returns
    -------
    dict[str, Any]
        weights, dims, output_scale, frozen_output, trials and objective (loss, lambda, … or None)
    """
def network(*args, **kwargs) -> typing.Any:
    """
    A network argument checked and put in one form: its layers, output scale and objective.
    
    Accepts what every function that takes a network accepts (a list of layers, a train() trial, a
    load_network() dict) and checks it the same way (shapes that chain, finite numbers, an output
    scale > 0): the form torch_bridge.to_torch and other Python code build on.
    
    Parameters
    ----------
    weights : Sequence[ArrayLike] | Mapping[str, Any]
        the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:
        torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or
        nn.load_network(), which also gives its output scale, frozen output layer and objective
    output_scale : float | None, default None
        the output scale s of f = s · W_q relu(…); None: the network dict's, else 1
    frozen_output : bool | None, default None
        whether the output layer is fixed (not a parameter); None: the network dict's, else False
    
    Returns
    -------
    dict[str, Any]
        weights (float64 layers, copied), dims, output_scale, frozen_output, objective (or None)
    """
def objective(*args, **kwargs) -> typing.Any:
    """
    The training objective L(Θ) + λ‖Θ‖^r at given weights, and its exact gradient.
    
    With the options of train() (loss, lambda_, reg_power, scaling, depth, width, …).
    
    Parameters
    ----------
    X : ArrayLike
        n x d inputs
    y : ArrayLike
        n labels
    weights : Sequence[ArrayLike]
        the layers [W1, …, Wq] (their sizes must match depth, width and the data)
    depth : int, default 2
        network depth q (1 = linear, 2 = two-layer)
    width : float | Sequence[float], default 100.0
        hidden width(s): one value for every hidden layer or q-1 values (a;b)
    loss : Literal['logistic', 'exponential', 'cross-entropy', 'squared'], default 'logistic'
        logistic | exponential | cross-entropy | squared
    lambda_ : float, default 0.0
        λ of the mean-loss objective (1/n) Σ ℓ + λ‖Θ‖^r
    reg_power : float, default 2.0
        exponent r of the regularizer (default 2)
    optimizer : Literal['gd', 'normalized-gd', 'sgd', 'momentum', 'nesterov', 'adam'], default 'gd'
        gd | normalized-gd | sgd | momentum | nesterov | adam
    lr : float, default 0.1
        step size η (normalized-gd: the step is η/L)
    schedule : Literal['constant', 'step', 'cosine'], default 'constant'
        constant | step | cosine
    decay_every : int, default 0
        step schedule: multiply η by decay_factor every this many steps
    decay_factor : float, default 0.1
        step schedule: decay factor
    momentum : float, default 0.9
        momentum μ (momentum, nesterov)
    beta1 : float, default 0.9
        adam β₁
    beta2 : float, default 0.999
        adam β₂
    eps : float, default 1e-08
        adam ε
    batch_size : int, default 0
        minibatch size (0 = full batch; sgd needs > 0)
    steps : int, default 1000
        step budget
    target_loss : float, default 0.0
        stop when the data loss is at most this (0 = off)
    time_limit : float, default 0.0
        wall-clock budget per trial in seconds (0 = off)
    init_std : float | Sequence[float], default 1.0
        initialization standard deviation, one or one per layer (a;b)
    scaling : Literal['standard', 'ntk', 'mean-field'], default 'standard'
        output scaling: standard | ntk | mean-field (ntk: 1/sqrt m, mean-field: 1/m)
    freeze_output : bool, default False
        fix the output layer at ±1 (Ji eq. 4)
    seed : int, default 0
        random seed (trial t uses Rng(seed).Split(t))
    trials : int, default 1
        number of independent trials
    trial_offset : int, default 0
        index of the first trial
    dtype : Literal['double', 'float32'], default 'double'
        double | float32
    log_points : int, default 50
        number of logged steps (besides step 0 and the last)
    log_spacing : Literal['log', 'linear'], default 'log'
        log | linear
    
    Returns
    -------
    dict[str, Any]
        data_loss, objective, outputs (n x l), grad (one array per layer)
    """
def outputs(*args, **kwargs) -> typing.Any:
    """
    The network's outputs f(X) = output_scale · W_q relu(… relu(W_1 Xᵀ)).
    
    Parameters
    ----------
    weights : Sequence[ArrayLike] | Mapping[str, Any]
        the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:
        torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or
        nn.load_network(), which also gives its output scale, frozen output layer and objective
    X : ArrayLike
        n x d inputs
    output_scale : float | None, default None
        the output scale s of f = s · W_q relu(…); None: the network dict's, else 1
    frozen_output : bool | None, default None
        whether the output layer is fixed (not a parameter); None: the network dict's, else False
    
    Returns
    -------
    NDArray[np.float64]
        n x l
    """
def save_network(*args, **kwargs) -> typing.Any:
    """
    Writes a network, and the objective it belongs to, as the file every marginlab command reads.
    
    `marginlab certify --params`, `kernel gram --net` and load_network() read it; written
    atomically.
    
    Parameters
    ----------
    path : str | os.PathLike[str]
        the .npz file to write
    weights : Sequence[ArrayLike] | Mapping[str, Any]
        the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:
        torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or
        nn.load_network(), which also gives its output scale, frozen output layer and objective
    output_scale : float | None, default None
        the output scale s of f = s · W_q relu(…); None: the network dict's, else 1
    frozen_output : bool | None, default None
        whether the output layer is fixed (not a parameter); None: the network dict's, else False
    objective : Mapping[str, Any] | None, default None
        the objective: a dict loss, lambda (mean-loss λ) and optionally reg_power, scaling, data;
        None: the network dict's, if any
    key : str, default 'final'
        the layers' group in the file
    
    Returns
    -------
    None
    """
def train(*args, **kwargs) -> typing.Any:
    """
    Trains homogeneous bias-free ReLU networks on the l_r-regularized loss.
    
    As `marginlab train` does: for the same data and options the parameters are bitwise the CLI's,
    whatever the thread count. L(Θ) = (1/n) Σ ℓ(y_i f(x_i)) + λ‖Θ‖^r (Wei et al. eq. 2.2 /
    4.1). A diverged trial raises marginlab.FailedRunError (never a result; nothing is saved).
    Ctrl-C stops within a second (KeyboardInterrupt); callback=False stops early with what there is
    (termination 'stopped').
    
    Parameters
    ----------
    X : ArrayLike
        n x d inputs (copied once)
    y : ArrayLike
        n labels: -1/+1, class indices 0..l-1 or reals
    X_test : ArrayLike | None, default None
        a test set for test_loss/test_error
    y_test : ArrayLike | None, default None
        its labels
    depth : int, default 2
        network depth q (1 = linear, 2 = two-layer)
    width : float | Sequence[float], default 100.0
        hidden width(s): one value for every hidden layer or q-1 values (a;b)
    loss : Literal['logistic', 'exponential', 'cross-entropy', 'squared'], default 'logistic'
        logistic | exponential | cross-entropy | squared
    lambda_ : float, default 0.0
        λ of the mean-loss objective (1/n) Σ ℓ + λ‖Θ‖^r (Wei et al. eq. 4.1)
    reg_power : float, default 2.0
        exponent r of the regularizer (default 2)
    optimizer : Literal['gd', 'normalized-gd', 'sgd', 'momentum', 'nesterov', 'adam'], default 'gd'
        gd | normalized-gd | sgd | momentum | nesterov | adam
    lr : float, default 0.1
        step size η (normalized-gd: the step is η/L)
    schedule : Literal['constant', 'step', 'cosine'], default 'constant'
        constant | step | cosine
    decay_every : int, default 0
        step schedule: multiply η by decay_factor every this many steps
    decay_factor : float, default 0.1
        step schedule: decay factor
    momentum : float, default 0.9
        momentum μ (momentum, nesterov)
    beta1 : float, default 0.9
        adam β₁
    beta2 : float, default 0.999
        adam β₂
    eps : float, default 1e-08
        adam ε
    batch_size : int, default 0
        minibatch size (0 = full batch; sgd needs > 0)
    steps : int, default 1000
        step budget
    target_loss : float, default 0.0
        stop when the data loss is at most this (0 = off)
    time_limit : float, default 0.0
        wall-clock budget per trial in seconds (0 = off)
    init_std : float | Sequence[float], default 1.0
        initialization standard deviation, one or one per layer (a;b)
    scaling : Literal['standard', 'ntk', 'mean-field'], default 'standard'
        output scaling: standard | ntk | mean-field (ntk: 1/sqrt m, mean-field: 1/m)
    freeze_output : bool, default False
        fix the output layer at ±1 (Ji eq. 4)
    seed : int, default 0
        random seed (trial t uses Rng(seed).Split(t))
    trials : int, default 1
        number of independent trials
    trial_offset : int, default 0
        index of the first trial
    dtype : Literal['double', 'float32'], default 'double'
        double | float32
    log_points : int, default 50
        number of logged steps (besides step 0 and the last)
    log_spacing : Literal['log', 'linear'], default 'log'
        log | linear
    init : Sequence[ArrayLike] | Sequence[Sequence[ArrayLike]] | None, default None
        start from [W1, …] (every trial) or one such list per trial (None: random, from seed)
    save : str | os.PathLike[str] | None, default None
        write the network file `marginlab train --save` writes (atomically; not for a diverged run)
    data : str, default ''
        the data's spec, stored in the saved file
    progress : bool, default False
        show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then
    callback : Callable[[dict[str, Any]], bool | None] | None, default None
        called with a dict at each logged step (trial, step, total_steps and the step's metrics);
        returning False stops the computation early (termination 'stopped', with what it has so
        far); an exception it raises stops it and is re-raised
    
    Returns
    -------
    list[dict[str, Any]]
        one dict per trial: trial, termination, message, seconds, steps, network (its description),
        dims, output_scale, frozen_output, objective (loss, lambda, reg_power, scaling), trace (one
        dict per logged step: data_loss, objective, train_error, test_error, margin, norm, …),
        init and final (lists of layer arrays)
    """
__signatures__: list = [{'name': 'train', 'params': [{'name': 'X', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x d inputs (copied once)', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'y', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n labels: -1/+1, class indices 0..l-1 or reals', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'X_test', 'annotation': 'ArrayLike | None', 'default': 'None', 'doc': 'a test set for test_loss/test_error', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'y_test', 'annotation': 'ArrayLike | None', 'default': 'None', 'doc': 'its labels', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'depth', 'annotation': 'int', 'default': '2', 'doc': 'network depth q (1 = linear, 2 = two-layer)', 'keyword_only': True, 'var_keyword': False, 'field': 'depth'}, {'name': 'width', 'annotation': 'float | Sequence[float]', 'default': '100.0', 'doc': 'hidden width(s): one value for every hidden layer or q-1 values (a;b)', 'keyword_only': True, 'var_keyword': False, 'field': 'width'}, {'name': 'loss', 'annotation': "Literal['logistic', 'exponential', 'cross-entropy', 'squared']", 'default': "'logistic'", 'doc': 'logistic | exponential | cross-entropy | squared', 'keyword_only': True, 'var_keyword': False, 'field': 'loss'}, {'name': 'lambda_', 'annotation': 'float', 'default': '0.0', 'doc': 'λ of the mean-loss objective (1/n) Σ ℓ + λ‖Θ‖^r (Wei et al. eq. 4.1)', 'keyword_only': True, 'var_keyword': False, 'field': 'lambda'}, {'name': 'reg_power', 'annotation': 'float', 'default': '2.0', 'doc': 'exponent r of the regularizer (default 2)', 'keyword_only': True, 'var_keyword': False, 'field': 'reg_power'}, {'name': 'optimizer', 'annotation': "Literal['gd', 'normalized-gd', 'sgd', 'momentum', 'nesterov', 'adam']", 'default': "'gd'", 'doc': 'gd | normalized-gd | sgd | momentum | nesterov | adam', 'keyword_only': True, 'var_keyword': False, 'field': 'optimizer'}, {'name': 'lr', 'annotation': 'float', 'default': '0.1', 'doc': 'step size η (normalized-gd: the step is η/L)', 'keyword_only': True, 'var_keyword': False, 'field': 'lr'}, {'name': 'schedule', 'annotation': "Literal['constant', 'step', 'cosine']", 'default': "'constant'", 'doc': 'constant | step | cosine', 'keyword_only': True, 'var_keyword': False, 'field': 'schedule'}, {'name': 'decay_every', 'annotation': 'int', 'default': '0', 'doc': 'step schedule: multiply η by decay_factor every this many steps', 'keyword_only': True, 'var_keyword': False, 'field': 'decay_every'}, {'name': 'decay_factor', 'annotation': 'float', 'default': '0.1', 'doc': 'step schedule: decay factor', 'keyword_only': True, 'var_keyword': False, 'field': 'decay_factor'}, {'name': 'momentum', 'annotation': 'float', 'default': '0.9', 'doc': 'momentum μ (momentum, nesterov)', 'keyword_only': True, 'var_keyword': False, 'field': 'momentum'}, {'name': 'beta1', 'annotation': 'float', 'default': '0.9', 'doc': 'adam β₁', 'keyword_only': True, 'var_keyword': False, 'field': 'beta1'}, {'name': 'beta2', 'annotation': 'float', 'default': '0.999', 'doc': 'adam β₂', 'keyword_only': True, 'var_keyword': False, 'field': 'beta2'}, {'name': 'eps', 'annotation': 'float', 'default': '1e-08', 'doc': 'adam ε', 'keyword_only': True, 'var_keyword': False, 'field': 'eps'}, {'name': 'batch_size', 'annotation': 'int', 'default': '0', 'doc': 'minibatch size (0 = full batch; sgd needs > 0)', 'keyword_only': True, 'var_keyword': False, 'field': 'batch_size'}, {'name': 'steps', 'annotation': 'int', 'default': '1000', 'doc': 'step budget', 'keyword_only': True, 'var_keyword': False, 'field': 'steps'}, {'name': 'target_loss', 'annotation': 'float', 'default': '0.0', 'doc': 'stop when the data loss is at most this (0 = off)', 'keyword_only': True, 'var_keyword': False, 'field': 'target_loss'}, {'name': 'time_limit', 'annotation': 'float', 'default': '0.0', 'doc': 'wall-clock budget per trial in seconds (0 = off)', 'keyword_only': True, 'var_keyword': False, 'field': 'time_limit'}, {'name': 'init_std', 'annotation': 'float | Sequence[float]', 'default': '1.0', 'doc': 'initialization standard deviation, one or one per layer (a;b)', 'keyword_only': True, 'var_keyword': False, 'field': 'init_std'}, {'name': 'scaling', 'annotation': "Literal['standard', 'ntk', 'mean-field']", 'default': "'standard'", 'doc': 'output scaling: standard | ntk | mean-field (ntk: 1/sqrt m, mean-field: 1/m)', 'keyword_only': True, 'var_keyword': False, 'field': 'scaling'}, {'name': 'freeze_output', 'annotation': 'bool', 'default': 'False', 'doc': 'fix the output layer at ±1 (Ji eq. 4)', 'keyword_only': True, 'var_keyword': False, 'field': 'freeze_output'}, {'name': 'seed', 'annotation': 'int', 'default': '0', 'doc': 'random seed (trial t uses Rng(seed).Split(t))', 'keyword_only': True, 'var_keyword': False, 'field': 'seed'}, {'name': 'trials', 'annotation': 'int', 'default': '1', 'doc': 'number of independent trials', 'keyword_only': True, 'var_keyword': False, 'field': 'trials'}, {'name': 'trial_offset', 'annotation': 'int', 'default': '0', 'doc': 'index of the first trial', 'keyword_only': True, 'var_keyword': False, 'field': 'trial_offset'}, {'name': 'dtype', 'annotation': "Literal['double', 'float32']", 'default': "'double'", 'doc': 'double | float32', 'keyword_only': True, 'var_keyword': False, 'field': 'dtype'}, {'name': 'log_points', 'annotation': 'int', 'default': '50', 'doc': 'number of logged steps (besides step 0 and the last)', 'keyword_only': True, 'var_keyword': False, 'field': 'log_points'}, {'name': 'log_spacing', 'annotation': "Literal['log', 'linear']", 'default': "'log'", 'doc': 'log | linear', 'keyword_only': True, 'var_keyword': False, 'field': 'log_spacing'}, {'name': 'init', 'annotation': 'Sequence[ArrayLike] | Sequence[Sequence[ArrayLike]] | None', 'default': 'None', 'doc': 'start from [W1, …] (every trial) or one such list per trial (None: random, from seed)', 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'save', 'annotation': 'str | os.PathLike[str] | None', 'default': 'None', 'doc': 'write the network file `marginlab train --save` writes (atomically; not for a diverged run)', 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'data', 'annotation': 'str', 'default': "''", 'doc': "the data's spec, stored in the saved file", 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'progress', 'annotation': 'bool', 'default': 'False', 'doc': 'show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then', 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'callback', 'annotation': 'Callable[[dict[str, Any]], bool | None] | None', 'default': 'None', 'doc': "called with a dict at each logged step (trial, step, total_steps and the step's metrics); returning False stops the computation early (termination 'stopped', with what it has so far); an exception it raises stops it and is re-raised", 'keyword_only': True, 'var_keyword': False, 'field': ''}], 'returns': 'list[dict[str, Any]]', 'doc': "Trains homogeneous bias-free ReLU networks on the l_r-regularized loss.\n\nAs `marginlab train` does: for the same data and options the parameters are bitwise the CLI's,\nwhatever the thread count. L(Θ) = (1/n) Σ ℓ(y_i f(x_i)) + λ‖Θ‖^r (Wei et al. eq. 2.2 /\n4.1). A diverged trial raises marginlab.FailedRunError (never a result; nothing is saved).\nCtrl-C stops within a second (KeyboardInterrupt); callback=False stops early with what there is\n(termination 'stopped').\n\nParameters\n----------\nX : ArrayLike\n    n x d inputs (copied once)\ny : ArrayLike\n    n labels: -1/+1, class indices 0..l-1 or reals\nX_test : ArrayLike | None, default None\n    a test set for test_loss/test_error\ny_test : ArrayLike | None, default None\n    its labels\ndepth : int, default 2\n    network depth q (1 = linear, 2 = two-layer)\nwidth : float | Sequence[float], default 100.0\n    hidden width(s): one value for every hidden layer or q-1 values (a;b)\nloss : Literal['logistic', 'exponential', 'cross-entropy', 'squared'], default 'logistic'\n    logistic | exponential | cross-entropy | squared\nlambda_ : float, default 0.0\n    λ of the mean-loss objective (1/n) Σ ℓ + λ‖Θ‖^r (Wei et al. eq. 4.1)\nreg_power : float, default 2.0\n    exponent r of the regularizer (default 2)\noptimizer : Literal['gd', 'normalized-gd', 'sgd', 'momentum', 'nesterov', 'adam'], default 'gd'\n    gd | normalized-gd | sgd | momentum | nesterov | adam\nlr : float, default 0.1\n    step size η (normalized-gd: the step is η/L)\nschedule : Literal['constant', 'step', 'cosine'], default 'constant'\n    constant | step | cosine\ndecay_every : int, default 0\n    step schedule: multiply η by decay_factor every this many steps\ndecay_factor : float, default 0.1\n    step schedule: decay factor\nmomentum : float, default 0.9\n    momentum μ (momentum, nesterov)\nbeta1 : float, default 0.9\n    adam β₁\nbeta2 : float, default 0.999\n    adam β₂\neps : float, default 1e-08\n    adam ε\nbatch_size : int, default 0\n    minibatch size (0 = full batch; sgd needs > 0)\nsteps : int, default 1000\n    step budget\ntarget_loss : float, default 0.0\n    stop when the data loss is at most this (0 = off)\ntime_limit : float, default 0.0\n    wall-clock budget per trial in seconds (0 = off)\ninit_std : float | Sequence[float], default 1.0\n    initialization standard deviation, one or one per layer (a;b)\nscaling : Literal['standard', 'ntk', 'mean-field'], default 'standard'\n    output scaling: standard | ntk | mean-field (ntk: 1/sqrt m, mean-field: 1/m)\nfreeze_output : bool, default False\n    fix the output layer at ±1 (Ji eq. 4)\nseed : int, default 0\n    random seed (trial t uses Rng(seed).Split(t))\ntrials : int, default 1\n    number of independent trials\ntrial_offset : int, default 0\n    index of the first trial\ndtype : Literal['double', 'float32'], default 'double'\n    double | float32\nlog_points : int, default 50\n    number of logged steps (besides step 0 and the last)\nlog_spacing : Literal['log', 'linear'], default 'log'\n    log | linear\ninit : Sequence[ArrayLike] | Sequence[Sequence[ArrayLike]] | None, default None\n    start from [W1, …] (every trial) or one such list per trial (None: random, from seed)\nsave : str | os.PathLike[str] | None, default None\n    write the network file `marginlab train --save` writes (atomically; not for a diverged run)\ndata : str, default ''\n    the data's spec, stored in the saved file\nprogress : bool, default False\n    show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then\ncallback : Callable[[dict[str, Any]], bool | None] | None, default None\n    called with a dict at each logged step (trial, step, total_steps and the step's metrics);\n    returning False stops the computation early (termination 'stopped', with what it has so\n    far); an exception it raises stops it and is re-raised\n\nReturns\n-------\nlist[dict[str, Any]]\n    one dict per trial: trial, termination, message, seconds, steps, network (its description),\n    dims, output_scale, frozen_output, objective (loss, lambda, reg_power, scaling), trace (one\n    dict per logged step: data_loss, objective, train_error, test_error, margin, norm, …),\n    init and final (lists of layer arrays)\n", 'observed': True}, {'name': 'objective', 'params': [{'name': 'X', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x d inputs', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'y', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n labels', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'weights', 'annotation': 'Sequence[ArrayLike]', 'default': None, 'doc': 'the layers [W1, …, Wq] (their sizes must match depth, width and the data)', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'depth', 'annotation': 'int', 'default': '2', 'doc': 'network depth q (1 = linear, 2 = two-layer)', 'keyword_only': True, 'var_keyword': False, 'field': 'depth'}, {'name': 'width', 'annotation': 'float | Sequence[float]', 'default': '100.0', 'doc': 'hidden width(s): one value for every hidden layer or q-1 values (a;b)', 'keyword_only': True, 'var_keyword': False, 'field': 'width'}, {'name': 'loss', 'annotation': "Literal['logistic', 'exponential', 'cross-entropy', 'squared']", 'default': "'logistic'", 'doc': 'logistic | exponential | cross-entropy | squared', 'keyword_only': True, 'var_keyword': False, 'field': 'loss'}, {'name': 'lambda_', 'annotation': 'float', 'default': '0.0', 'doc': 'λ of the mean-loss objective (1/n) Σ ℓ + λ‖Θ‖^r', 'keyword_only': True, 'var_keyword': False, 'field': 'lambda'}, {'name': 'reg_power', 'annotation': 'float', 'default': '2.0', 'doc': 'exponent r of the regularizer (default 2)', 'keyword_only': True, 'var_keyword': False, 'field': 'reg_power'}, {'name': 'optimizer', 'annotation': "Literal['gd', 'normalized-gd', 'sgd', 'momentum', 'nesterov', 'adam']", 'default': "'gd'", 'doc': 'gd | normalized-gd | sgd | momentum | nesterov | adam', 'keyword_only': True, 'var_keyword': False, 'field': 'optimizer'}, {'name': 'lr', 'annotation': 'float', 'default': '0.1', 'doc': 'step size η (normalized-gd: the step is η/L)', 'keyword_only': True, 'var_keyword': False, 'field': 'lr'}, {'name': 'schedule', 'annotation': "Literal['constant', 'step', 'cosine']", 'default': "'constant'", 'doc': 'constant | step | cosine', 'keyword_only': True, 'var_keyword': False, 'field': 'schedule'}, {'name': 'decay_every', 'annotation': 'int', 'default': '0', 'doc': 'step schedule: multiply η by decay_factor every this many steps', 'keyword_only': True, 'var_keyword': False, 'field': 'decay_every'}, {'name': 'decay_factor', 'annotation': 'float', 'default': '0.1', 'doc': 'step schedule: decay factor', 'keyword_only': True, 'var_keyword': False, 'field': 'decay_factor'}, {'name': 'momentum', 'annotation': 'float', 'default': '0.9', 'doc': 'momentum μ (momentum, nesterov)', 'keyword_only': True, 'var_keyword': False, 'field': 'momentum'}, {'name': 'beta1', 'annotation': 'float', 'default': '0.9', 'doc': 'adam β₁', 'keyword_only': True, 'var_keyword': False, 'field': 'beta1'}, {'name': 'beta2', 'annotation': 'float', 'default': '0.999', 'doc': 'adam β₂', 'keyword_only': True, 'var_keyword': False, 'field': 'beta2'}, {'name': 'eps', 'annotation': 'float', 'default': '1e-08', 'doc': 'adam ε', 'keyword_only': True, 'var_keyword': False, 'field': 'eps'}, {'name': 'batch_size', 'annotation': 'int', 'default': '0', 'doc': 'minibatch size (0 = full batch; sgd needs > 0)', 'keyword_only': True, 'var_keyword': False, 'field': 'batch_size'}, {'name': 'steps', 'annotation': 'int', 'default': '1000', 'doc': 'step budget', 'keyword_only': True, 'var_keyword': False, 'field': 'steps'}, {'name': 'target_loss', 'annotation': 'float', 'default': '0.0', 'doc': 'stop when the data loss is at most this (0 = off)', 'keyword_only': True, 'var_keyword': False, 'field': 'target_loss'}, {'name': 'time_limit', 'annotation': 'float', 'default': '0.0', 'doc': 'wall-clock budget per trial in seconds (0 = off)', 'keyword_only': True, 'var_keyword': False, 'field': 'time_limit'}, {'name': 'init_std', 'annotation': 'float | Sequence[float]', 'default': '1.0', 'doc': 'initialization standard deviation, one or one per layer (a;b)', 'keyword_only': True, 'var_keyword': False, 'field': 'init_std'}, {'name': 'scaling', 'annotation': "Literal['standard', 'ntk', 'mean-field']", 'default': "'standard'", 'doc': 'output scaling: standard | ntk | mean-field (ntk: 1/sqrt m, mean-field: 1/m)', 'keyword_only': True, 'var_keyword': False, 'field': 'scaling'}, {'name': 'freeze_output', 'annotation': 'bool', 'default': 'False', 'doc': 'fix the output layer at ±1 (Ji eq. 4)', 'keyword_only': True, 'var_keyword': False, 'field': 'freeze_output'}, {'name': 'seed', 'annotation': 'int', 'default': '0', 'doc': 'random seed (trial t uses Rng(seed).Split(t))', 'keyword_only': True, 'var_keyword': False, 'field': 'seed'}, {'name': 'trials', 'annotation': 'int', 'default': '1', 'doc': 'number of independent trials', 'keyword_only': True, 'var_keyword': False, 'field': 'trials'}, {'name': 'trial_offset', 'annotation': 'int', 'default': '0', 'doc': 'index of the first trial', 'keyword_only': True, 'var_keyword': False, 'field': 'trial_offset'}, {'name': 'dtype', 'annotation': "Literal['double', 'float32']", 'default': "'double'", 'doc': 'double | float32', 'keyword_only': True, 'var_keyword': False, 'field': 'dtype'}, {'name': 'log_points', 'annotation': 'int', 'default': '50', 'doc': 'number of logged steps (besides step 0 and the last)', 'keyword_only': True, 'var_keyword': False, 'field': 'log_points'}, {'name': 'log_spacing', 'annotation': "Literal['log', 'linear']", 'default': "'log'", 'doc': 'log | linear', 'keyword_only': True, 'var_keyword': False, 'field': 'log_spacing'}], 'returns': 'dict[str, Any]', 'doc': "The training objective L(Θ) + λ‖Θ‖^r at given weights, and its exact gradient.\n\nWith the options of train() (loss, lambda_, reg_power, scaling, depth, width, …).\n\nParameters\n----------\nX : ArrayLike\n    n x d inputs\ny : ArrayLike\n    n labels\nweights : Sequence[ArrayLike]\n    the layers [W1, …, Wq] (their sizes must match depth, width and the data)\ndepth : int, default 2\n    network depth q (1 = linear, 2 = two-layer)\nwidth : float | Sequence[float], default 100.0\n    hidden width(s): one value for every hidden layer or q-1 values (a;b)\nloss : Literal['logistic', 'exponential', 'cross-entropy', 'squared'], default 'logistic'\n    logistic | exponential | cross-entropy | squared\nlambda_ : float, default 0.0\n    λ of the mean-loss objective (1/n) Σ ℓ + λ‖Θ‖^r\nreg_power : float, default 2.0\n    exponent r of the regularizer (default 2)\noptimizer : Literal['gd', 'normalized-gd', 'sgd', 'momentum', 'nesterov', 'adam'], default 'gd'\n    gd | normalized-gd | sgd | momentum | nesterov | adam\nlr : float, default 0.1\n    step size η (normalized-gd: the step is η/L)\nschedule : Literal['constant', 'step', 'cosine'], default 'constant'\n    constant | step | cosine\ndecay_every : int, default 0\n    step schedule: multiply η by decay_factor every this many steps\ndecay_factor : float, default 0.1\n    step schedule: decay factor\nmomentum : float, default 0.9\n    momentum μ (momentum, nesterov)\nbeta1 : float, default 0.9\n    adam β₁\nbeta2 : float, default 0.999\n    adam β₂\neps : float, default 1e-08\n    adam ε\nbatch_size : int, default 0\n    minibatch size (0 = full batch; sgd needs > 0)\nsteps : int, default 1000\n    step budget\ntarget_loss : float, default 0.0\n    stop when the data loss is at most this (0 = off)\ntime_limit : float, default 0.0\n    wall-clock budget per trial in seconds (0 = off)\ninit_std : float | Sequence[float], default 1.0\n    initialization standard deviation, one or one per layer (a;b)\nscaling : Literal['standard', 'ntk', 'mean-field'], default 'standard'\n    output scaling: standard | ntk | mean-field (ntk: 1/sqrt m, mean-field: 1/m)\nfreeze_output : bool, default False\n    fix the output layer at ±1 (Ji eq. 4)\nseed : int, default 0\n    random seed (trial t uses Rng(seed).Split(t))\ntrials : int, default 1\n    number of independent trials\ntrial_offset : int, default 0\n    index of the first trial\ndtype : Literal['double', 'float32'], default 'double'\n    double | float32\nlog_points : int, default 50\n    number of logged steps (besides step 0 and the last)\nlog_spacing : Literal['log', 'linear'], default 'log'\n    log | linear\n\nReturns\n-------\ndict[str, Any]\n    data_loss, objective, outputs (n x l), grad (one array per layer)\n", 'observed': False}, {'name': 'outputs', 'params': [{'name': 'weights', 'annotation': 'Sequence[ArrayLike] | Mapping[str, Any]', 'default': None, 'doc': "the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between: torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or nn.load_network(), which also gives its output scale, frozen output layer and objective", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'X', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x d inputs', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'output_scale', 'annotation': 'float | None', 'default': 'None', 'doc': "the output scale s of f = s · W_q relu(…); None: the network dict's, else 1", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'frozen_output', 'annotation': 'bool | None', 'default': 'None', 'doc': "whether the output layer is fixed (not a parameter); None: the network dict's, else False", 'keyword_only': False, 'var_keyword': False, 'field': ''}], 'returns': 'NDArray[np.float64]', 'doc': "The network's outputs f(X) = output_scale · W_q relu(… relu(W_1 Xᵀ)).\n\nParameters\n----------\nweights : Sequence[ArrayLike] | Mapping[str, Any]\n    the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:\n    torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or\n    nn.load_network(), which also gives its output scale, frozen output layer and objective\nX : ArrayLike\n    n x d inputs\noutput_scale : float | None, default None\n    the output scale s of f = s · W_q relu(…); None: the network dict's, else 1\nfrozen_output : bool | None, default None\n    whether the output layer is fixed (not a parameter); None: the network dict's, else False\n\nReturns\n-------\nNDArray[np.float64]\n    n x l\n", 'observed': False}, {'name': 'network', 'params': [{'name': 'weights', 'annotation': 'Sequence[ArrayLike] | Mapping[str, Any]', 'default': None, 'doc': "the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between: torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or nn.load_network(), which also gives its output scale, frozen output layer and objective", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'output_scale', 'annotation': 'float | None', 'default': 'None', 'doc': "the output scale s of f = s · W_q relu(…); None: the network dict's, else 1", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'frozen_output', 'annotation': 'bool | None', 'default': 'None', 'doc': "whether the output layer is fixed (not a parameter); None: the network dict's, else False", 'keyword_only': False, 'var_keyword': False, 'field': ''}], 'returns': 'dict[str, Any]', 'doc': "A network argument checked and put in one form: its layers, output scale and objective.\n\nAccepts what every function that takes a network accepts (a list of layers, a train() trial, a\nload_network() dict) and checks it the same way (shapes that chain, finite numbers, an output\nscale > 0): the form torch_bridge.to_torch and other Python code build on.\n\nParameters\n----------\nweights : Sequence[ArrayLike] | Mapping[str, Any]\n    the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:\n    torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or\n    nn.load_network(), which also gives its output scale, frozen output layer and objective\noutput_scale : float | None, default None\n    the output scale s of f = s · W_q relu(…); None: the network dict's, else 1\nfrozen_output : bool | None, default None\n    whether the output layer is fixed (not a parameter); None: the network dict's, else False\n\nReturns\n-------\ndict[str, Any]\n    weights (float64 layers, copied), dims, output_scale, frozen_output, objective (or None)\n", 'observed': False}, {'name': 'save_network', 'params': [{'name': 'path', 'annotation': 'str | os.PathLike[str]', 'default': None, 'doc': 'the .npz file to write', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'weights', 'annotation': 'Sequence[ArrayLike] | Mapping[str, Any]', 'default': None, 'doc': "the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between: torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or nn.load_network(), which also gives its output scale, frozen output layer and objective", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'output_scale', 'annotation': 'float | None', 'default': 'None', 'doc': "the output scale s of f = s · W_q relu(…); None: the network dict's, else 1", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'frozen_output', 'annotation': 'bool | None', 'default': 'None', 'doc': "whether the output layer is fixed (not a parameter); None: the network dict's, else False", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'objective', 'annotation': 'Mapping[str, Any] | None', 'default': 'None', 'doc': "the objective: a dict loss, lambda (mean-loss λ) and optionally reg_power, scaling, data; None: the network dict's, if any", 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'key', 'annotation': 'str', 'default': "'final'", 'doc': "the layers' group in the file", 'keyword_only': True, 'var_keyword': False, 'field': ''}], 'returns': 'None', 'doc': "Writes a network, and the objective it belongs to, as the file every marginlab command reads.\n\n`marginlab certify --params`, `kernel gram --net` and load_network() read it; written\natomically.\n\nParameters\n----------\npath : str | os.PathLike[str]\n    the .npz file to write\nweights : Sequence[ArrayLike] | Mapping[str, Any]\n    the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between:\n    torch.nn.Linear.weight's layout), or a dict from nn.train() (one trial) or\n    nn.load_network(), which also gives its output scale, frozen output layer and objective\noutput_scale : float | None, default None\n    the output scale s of f = s · W_q relu(…); None: the network dict's, else 1\nfrozen_output : bool | None, default None\n    whether the output layer is fixed (not a parameter); None: the network dict's, else False\nobjective : Mapping[str, Any] | None, default None\n    the objective: a dict loss, lambda (mean-loss λ) and optionally reg_power, scaling, data;\n    None: the network dict's, if any\nkey : str, default 'final'\n    the layers' group in the file\n\nReturns\n-------\nNone\n", 'observed': False}, {'name': 'load_network', 'params': [{'name': 'path', 'annotation': 'str | os.PathLike[str]', 'default': None, 'doc': 'the .npz file', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'key', 'annotation': 'str', 'default': "'final'", 'doc': "the layers' group (train files hold 'init' and 'final')", 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'trial', 'annotation': 'int', 'default': '0', 'doc': 'which trial of a file with several', 'keyword_only': True, 'var_keyword': False, 'field': ''}], 'returns': 'dict[str, Any]', 'doc': "A saved network: train --save, certify --global --save, meanfield --save or save_network().\n\nThe dict it returns is a network argument everywhere (outputs, certify, empirical_ntk, …),\nwith its output scale, frozen output and objective.\n\nParameters\n----------\npath : str | os.PathLike[str]\n    the .npz file\nkey : str, default 'final'\n    the layers' group (train files hold 'init' and 'final')\ntrial : int, default 0\n    which trial of a file with several\n\nReturns\n-------\ndict[str, Any]\n    weights, dims, output_scale, frozen_output, trials and objective (loss, lambda, … or None)\n", 'observed': False}]
