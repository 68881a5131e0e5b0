"""Networks: training homogeneous bias-free ReLU nets on the regularized loss, their objective
and exact gradient, their outputs, and the network files the CLI reads and writes.

    trials = train(X, y, depth=2, width=256, lambda_=1e-3, steps=1000, seed=0)
    W = trials[0]["final"]                       # [W1 (m x d), W2 (1 x m)]
    f = outputs(W, X)                            # n x 1
    records = trials[0]["trace"]                 # one dict per logged step (pandas.DataFrame(records))

A network is the list of its layers [W_1, …, W_q] (W_k: m_k x m_{k−1}, the layout of
torch.nn.Linear.weight) with an output scale (1, 1/√m or 1/m by `scaling`) — the same everywhere
in marginlab. Keyword options are the CLI's `train` flags and the experiment TOMLs' keys
(TRAIN_FIELDS lists them); `lambda` is spelled lambda_ (or **{"lambda": …}). For the same data
and options, the parameters are bitwise those of `marginlab train`, whatever the thread count.
"""
from ._core import nn as _nn

TRAIN_FIELDS = _nn.TRAIN_FIELDS
objective = _nn.objective
outputs = _nn.outputs
load_network = _nn.load_network
save_network = _nn.save_network


def train(X, y, X_test=None, y_test=None, *, init=None, save=None, data="", **options):
    """Trains `trials` networks (default 1) and returns one dict per trial: trial, termination,
    steps, seconds, network (its description), dims, output_scale, frozen_output, trace (a list
    of dicts, one per logged step: data_loss, objective, train_error, test_error, margin, norm,
    …), init and final (lists of layer arrays). A diverged trial raises
    marginlab.FailedRunError — never a result; nothing is saved then.

    X: n x d, y: n labels (-1/+1, class indices or reals), copied once. X_test, y_test: a test
    set for test_loss/test_error. init: a starting network [W1, …] for every trial, or one per
    trial. save: a path for the network file `marginlab train --save` writes (data: the spec
    stored in it). options: see TRAIN_FIELDS (depth, width, loss, lambda_, lr, steps, seed, …)."""
    return _nn.train(X, y, X_test, y_test, init=init, save=save, data=data, **options)


def trace_frame(trials):
    """The traces of train()'s trials as one pandas DataFrame (a column `trial`); needs pandas."""
    import pandas as pd

    rows = [dict(r, trial=t["trial"]) for t in trials for r in t["trace"]]
    if rows and "layer_norms" in rows[0]:
        for r in rows:
            for k, v in enumerate(r.pop("layer_norms"), start=1):
                r[f"layer_norm_{k}"] = v
    return pd.DataFrame(rows)
