"""marginlab networks as PyTorch modules (needs torch, imported on first use):

    net = to_torch(weights, output_scale=s)          # [W1, …, Wq] → torch.nn.Module
    net = to_torch(ml.nn.train(X, y, …)[0])           # a train() trial: "final", "output_scale", …
    net = to_torch(ml.nn.load_network("net.json"))    # a network file: "weights", …
    net(torch.from_numpy(X))                          # == ml.nn.outputs(weights, X, s) (float64)

The module is a MarginlabNet: `net.layers`, a torch.nn.Sequential of bias-free Linear layers with
ReLU between them (the layout marginlab.kernel.torch_weights reads back: torch_weights(net.layers)
is the list of weights), and `net.output_scale`, the factor s of f(x) = s · W_q relu(… relu(W_1 x)).
With frozen_output (Ji eq. 4: the output layer fixed at ±1) the last Linear's weight has
requires_grad False. In float64 the outputs are marginlab's to rounding (1e-12 relative).
"""
import numpy as np

__all__ = ["to_torch", "MarginlabNet"]

_MarginlabNet = None


def _module_class():
    """MarginlabNet, defined on first use so that importing this module needs no torch."""
    global _MarginlabNet
    if _MarginlabNet is None:
        import torch

        class MarginlabNet(torch.nn.Module):
            """f(x) = output_scale · layers(x): layers a Sequential of bias-free Linear and ReLU."""

            def __init__(self, layers, output_scale=1.0):
                super().__init__()
                self.layers = layers
                self.output_scale = float(output_scale)

            def forward(self, x):
                return self.layers(x) * self.output_scale

            def extra_repr(self):
                return f"output_scale={self.output_scale!r}"

        _MarginlabNet = MarginlabNet
    return _MarginlabNet


def __getattr__(name):
    if name == "MarginlabNet":
        return _module_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_UNSET = object()


def _unpack(network, output_scale, frozen_output):
    """(weights, output_scale, frozen_output) from a list of layers or a train()/load_network() dict;
    an explicit argument that contradicts the dict is an error."""
    if isinstance(network, dict):
        if "final" in network:
            weights = network["final"]
        elif "weights" in network:
            weights = network["weights"]
        else:
            raise ValueError("weights: a dict must be a train() trial (key 'final') or a load_network() "
                             f"result (key 'weights'); got keys {sorted(network)}")
        stored = {"output_scale": float(network.get("output_scale", 1.0)),
                  "frozen_output": bool(network.get("frozen_output", False))}
        for name, value in (("output_scale", output_scale), ("frozen_output", frozen_output)):
            if value is not _UNSET and value != stored[name]:
                raise ValueError(f"{name}: {value!r} contradicts the network's own {stored[name]!r}")
        return weights, stored["output_scale"], stored["frozen_output"]
    return (network, 1.0 if output_scale is _UNSET else output_scale,
            False if frozen_output is _UNSET else frozen_output)


def to_torch(weights, output_scale=_UNSET, frozen_output=_UNSET, dtype=None):
    """The network as a torch.nn.Module (MarginlabNet) computing output_scale · W_q relu(… W_1 x).

    weights: the layers [W_1, …, W_q] (W_k: m_k x m_{k−1}, torch.nn.Linear.weight's layout), or a
    train() trial dict (its "final", "output_scale", "frozen_output"), or a load_network() dict
    ("weights", "output_scale", "frozen_output"). output_scale (default 1.0, or the dict's),
    frozen_output (default False, or the dict's: the output layer gets requires_grad False),
    dtype (default torch.float64). The weights are copied."""
    import torch

    weights, output_scale, frozen_output = _unpack(weights, output_scale, frozen_output)
    dtype = torch.float64 if dtype is None else dtype
    if not (np.isscalar(output_scale) and np.isfinite(output_scale)):
        raise ValueError(f"output_scale: expected a finite number, got {output_scale!r}")
    if isinstance(weights, np.ndarray) or not len(weights):
        raise TypeError("weights: expected a non-empty list of 2-d arrays [W1, …, Wq]")
    mods = []
    for k, W in enumerate(weights):
        W = np.asarray(W, dtype=np.float64)
        if W.ndim != 2:
            raise ValueError(f"weights[{k}]: expected a 2-d array, got shape {W.shape}")
        if k and W.shape[1] != mods[-2].out_features:
            raise ValueError(f"weights[{k}]: expected {mods[-2].out_features} columns (the rows of "
                             f"weights[{k - 1}]), got shape {W.shape}")
        lin = torch.nn.Linear(W.shape[1], W.shape[0], bias=False, dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
        mods += [lin, torch.nn.ReLU()]
    mods.pop()  # no ReLU after the output layer
    if frozen_output:
        mods[-1].weight.requires_grad_(False)
    return _module_class()(torch.nn.Sequential(*mods), output_scale)
