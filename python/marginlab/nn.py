"""Networks: training homogeneous bias-free ReLU nets on the regularized loss, their objective
and exact gradient, their outputs, and the network files the CLI reads and writes.

    trials = train(X, y, depth=2, width=256, lambda_=1e-3, steps=1000, seed=0)
    net = trials[0]                              # a network argument everywhere (its layers,
    f = outputs(net, X)                          #   output scale and objective), n x 1
    W = net["final"]                             # [W1 (m x d), W2 (1 x m)]
    records = net["trace"]                       # one dict per logged step (trace_frame: a DataFrame)

A network is the list of its layers [W_1, …, W_q] (W_k: m_k x m_{k−1}, the layout of
torch.nn.Linear.weight) with an output scale (1, 1/√m or 1/m by `scaling`) — the same everywhere
in marginlab; a train() trial dict or a load_network() dict carries both and the objective. Keyword
options are the CLI's `train` flags and the experiment TOMLs' keys (`lambda` is spelled lambda_:
the λ of the mean-loss objective (1/n) Σ ℓ + λ‖Θ‖^r). For the same data and options, the
parameters are bitwise those of `marginlab train`, whatever the thread count.
"""
from ._api.nn import load_network, network, objective, outputs, save_network, train

__all__ = ["train", "objective", "outputs", "network", "save_network", "load_network", "trace_frame"]


def trace_frame(trials):
    """The traces of train()'s trials as one pandas DataFrame (a column `trial`); needs pandas.
    trials: the list train() returns (or a part of it)."""
    import pandas as pd

    if isinstance(trials, dict) or not isinstance(trials, (list, tuple)):
        raise TypeError(f"trials: expected the list of trial dicts train() returns, got {type(trials).__name__}")
    for i, t in enumerate(trials):
        if not isinstance(t, dict) or "trace" not in t or "trial" not in t:
            raise ValueError(f"trials[{i}]: expected a trial dict of train() (with 'trial' and 'trace')")
    rows = [dict(r, trial=t["trial"]) for t in trials for r in t["trace"]]
    if rows and "layer_norms" in rows[0]:
        for r in rows:
            for k, v in enumerate(r.pop("layer_norms"), start=1):
                r[f"layer_norm_{k}"] = v
    return pd.DataFrame(rows)
