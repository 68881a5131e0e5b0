"""
homogeneous ReLU networks: training, outputs, network files
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['TRAIN_FIELDS', 'load_network', 'objective', 'outputs', 'save_network', 'train']
def load_network(path: os.PathLike | str | bytes, key: str = 'final', trial: typing.SupportsInt | typing.SupportsIndex = 0) -> dict:
    """
    A saved network (train --save, certify --global --save, meanfield --save): a dict weights,
    dims, output_scale, frozen_output, trials and objective (loss, lambda, … or None).
    """
def objective(X: typing.Any, y: typing.Any, weights: collections.abc.Sequence, **kwargs) -> dict:
    """
    The training objective L(Θ) + λ‖Θ‖^r at weights [W1, …] and its exact gradient (the
    options of train()). Returns a dict data_loss, objective, outputs (n x l), grad (per layer).
    """
def outputs(weights: collections.abc.Sequence, X: typing.Any, output_scale: typing.SupportsFloat | typing.SupportsIndex = 1.0, frozen_output: bool = False) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
    """
    f(X) = output_scale · W_q relu(… relu(W_1 Xᵀ)), n x l.
    """
def save_network(path: os.PathLike | str | bytes, weights: collections.abc.Sequence, output_scale: typing.SupportsFloat | typing.SupportsIndex = 1.0, frozen_output: bool = False, objective: typing.Any = None, key: str = 'final') -> None:
    """
    Writes a network [W1, …] (and the objective it belongs to: a dict loss, lambda, and optionally
    reg_power, scaling, data) as the file every marginlab command reads (`marginlab certify
    --params`, `kernel gram --net`), atomically.
    """
def train(X: typing.Any, y: typing.Any, X_test: typing.Any = None, y_test: typing.Any = None, *, init: typing.Any = None, save: typing.Any = None, data: str = '', **kwargs) -> list:
    """
    Trains `trials` homogeneous bias-free ReLU networks on the l_r-regularized loss (Wei et al.
    eq. 2.2), as `marginlab train` does: for the same data and options the parameters are bitwise
    the CLI's. X: n x d, y: n labels (-1/+1, class indices or reals; X and y are copied once).
    init: start from [W1, …] (every trial) or one such list per trial. save: write the network
    file `train --save` writes (with `data` as its data spec). Returns one dict per trial:
    trial, termination, steps, seconds, network, dims, output_scale, frozen_output, trace (one
    dict per logged step), init and final (lists of layer arrays). A diverged trial raises
    FailedRunError (nothing is saved). Keyword options:
        depth (int, default 2): network depth q (1 = linear, 2 = two-layer)
        width (list of floats (a;b;c), default 100): hidden width(s): one value for every hidden layer or q-1 values (a;b)
        loss (string, default logistic): logistic | exponential | cross-entropy | squared
        lambda (float, default 0): regularization strength λ of λ‖Θ‖^r
        reg_power (float, default 2): exponent r of the regularizer (default 2)
        optimizer (string, default gd): gd | normalized-gd | sgd | momentum | nesterov | adam
        lr (float, default 0.1): step size η (normalized-gd: the step is η/L)
        schedule (string, default constant): constant | step | cosine
        decay_every (int, default 0): step schedule: multiply η by decay_factor every this many steps
        decay_factor (float, default 0.1): step schedule: decay factor
        momentum (float, default 0.9): momentum μ (momentum, nesterov)
        beta1 (float, default 0.9): adam β₁
        beta2 (float, default 0.999): adam β₂
        eps (float, default 1e-08): adam ε
        batch_size (int, default 0): minibatch size (0 = full batch; sgd needs > 0)
        steps (int, default 1000): step budget
        target_loss (float, default 0): stop when the data loss is at most this (0 = off)
        time_limit (float, default 0): wall-clock budget per trial in seconds (0 = off)
        init_std (list of floats (a;b;c), default 1): initialization standard deviation, one or one per layer (a;b)
        scaling (string, default standard): output scaling: standard | ntk | mean-field (ntk: 1/sqrt m, mean-field: 1/m)
        freeze_output (bool, default false): fix the output layer at ±1 (Ji eq. 4)
        seed (uint, default 0): random seed (trial t uses Rng(seed).Split(t))
        trials (int, default 1): number of independent trials
        trial_offset (int, default 0): index of the first trial
        dtype (string, default double): double | float32
        log_points (int, default 50): number of logged steps (besides step 0 and the last)
        log_spacing (string, default log): log | linear
    """
TRAIN_FIELDS: str = '    depth (int, default 2): network depth q (1 = linear, 2 = two-layer)\n    width (list of floats (a;b;c), default 100): hidden width(s): one value for every hidden layer or q-1 values (a;b)\n    loss (string, default logistic): logistic | exponential | cross-entropy | squared\n    lambda (float, default 0): regularization strength λ of λ‖Θ‖^r\n    reg_power (float, default 2): exponent r of the regularizer (default 2)\n    optimizer (string, default gd): gd | normalized-gd | sgd | momentum | nesterov | adam\n    lr (float, default 0.1): step size η (normalized-gd: the step is η/L)\n    schedule (string, default constant): constant | step | cosine\n    decay_every (int, default 0): step schedule: multiply η by decay_factor every this many steps\n    decay_factor (float, default 0.1): step schedule: decay factor\n    momentum (float, default 0.9): momentum μ (momentum, nesterov)\n    beta1 (float, default 0.9): adam β₁\n    beta2 (float, default 0.999): adam β₂\n    eps (float, default 1e-08): adam ε\n    batch_size (int, default 0): minibatch size (0 = full batch; sgd needs > 0)\n    steps (int, default 1000): step budget\n    target_loss (float, default 0): stop when the data loss is at most this (0 = off)\n    time_limit (float, default 0): wall-clock budget per trial in seconds (0 = off)\n    init_std (list of floats (a;b;c), default 1): initialization standard deviation, one or one per layer (a;b)\n    scaling (string, default standard): output scaling: standard | ntk | mean-field (ntk: 1/sqrt m, mean-field: 1/m)\n    freeze_output (bool, default false): fix the output layer at ±1 (Ji eq. 4)\n    seed (uint, default 0): random seed (trial t uses Rng(seed).Split(t))\n    trials (int, default 1): number of independent trials\n    trial_offset (int, default 0): index of the first trial\n    dtype (string, default double): double | float32\n    log_points (int, default 50): number of logged steps (besides step 0 and the last)\n    log_spacing (string, default log): log | linear\n'
