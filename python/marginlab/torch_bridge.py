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


def to_torch(weights, output_scale=None, frozen_output=None, dtype=None):
    """The network as a torch.nn.Module (MarginlabNet) computing output_scale · W_q relu(… W_1 x).

    weights: the layers [W_1, …, W_q] (W_k: m_k x m_{k−1}, torch.nn.Linear.weight's layout), or a
    train() trial dict (its "final", "output_scale", "frozen_output"), or a load_network() dict
    ("weights", "output_scale", "frozen_output") — checked as every marginlab function checks a
    network (marginlab.nn.network: shapes that chain, finite numbers, an output scale > 0).
    output_scale (None: the dict's, else 1.0), frozen_output (None: the dict's, else False: the
    output layer gets requires_grad False), dtype (a torch floating dtype; default torch.float64).
    The weights are copied."""
    import torch

    from . import nn as _nn

    if dtype is None:
        dtype = torch.float64
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype: expected a torch floating dtype (torch.float64, torch.float32, …), got {dtype!r}")
    net = _nn.network(weights, output_scale, frozen_output)     # the module's one check of a network
    mods = []
    for W in net["weights"]:
        lin = torch.nn.Linear(W.shape[1], W.shape[0], bias=False, dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(W)))
        mods += [lin, torch.nn.ReLU()]
    mods.pop()  # no ReLU after the output layer
    if net["frozen_output"]:
        mods[-1].weight.requires_grad_(False)
    return _module_class()(torch.nn.Sequential(*mods), net["output_scale"])
