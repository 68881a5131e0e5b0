"""marginlab from Python: regularized ReLU nets vs their neural tangent kernels.

The numerical work is marginlab's C++ library, reached through the compiled extension
marginlab._core; this package wraps it by module, adds the scikit-learn estimators, and draws
reports from a results folder (figures, report.md / report.html, summary.json).

    import marginlab as ml
    d = ml.data.generate("wei-d", d=10, n=200, seed=1)
    K = ml.kernel.gram(d.X, kernel="ntk")
    trials = ml.nn.train(d.X, d.y, width=256, lambda_=1e-3, steps=1000)
    cert = ml.margin.certify(trials[0], d.X, d.y)      # the net's own objective

Submodules: data, kernel, nn, margin, meanfield, experiment, estimators (scikit-learn),
torch_bridge, and the report side: report, results, stats, plots. Every function has a real
signature (inspect.signature, help(), IDEs, mypy): its keywords are the CLI's flags (with _ for -)
and the experiment TOMLs' keys. One λ: `lambda_` is always the λ of the mean-loss objective
(1/n) Σ ℓ + λ‖·‖² (Wei et al. eq. 4.1). Errors: marginlab.Error and its subclasses InputError
(also a ValueError), FailedRunError, UnavailableError, InternalError (the extension's classes;
without the extension, plain classes of the same names: _errors.py); bad arguments raise
TypeError / ValueError naming the argument. Ctrl-C stops a long call within about a second
(KeyboardInterrupt). docs/python.md has the guide and the table of keywords.

The submodules load on first use, so that the report side (run by `marginlab report`) needs
neither the extension nor anything beyond numpy and matplotlib.
"""
import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_SUBMODULES = ("data", "kernel", "nn", "margin", "meanfield", "experiment", "estimators", "torch_bridge",
               "report", "results", "stats", "plots", "analyses")
_ERRORS = ("Error", "InputError", "FailedRunError", "UnavailableError", "InternalError")
_FUNCTIONS = ("set_threads", "threads", "build_info")

__all__ = list(_SUBMODULES) + list(_ERRORS) + list(_FUNCTIONS)

if TYPE_CHECKING:  # what a type checker sees; at run time the submodules load on first use
    from . import data, estimators, experiment, kernel, margin, meanfield, nn, torch_bridge  # noqa: F401
    from . import plots, report, results, stats  # noqa: F401
    from ._api.module import build_info, set_threads, threads  # noqa: F401
    from ._core import Error, FailedRunError, InputError, InternalError, UnavailableError  # noqa: F401


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"marginlab.{name}")
    if name in _ERRORS:  # the extension's classes; plain ones where it is not built (_errors.py)
        from . import _errors
        return getattr(_errors, name)
    if name in _FUNCTIONS:
        from ._api import module
        return getattr(module, name)
    raise AttributeError(f"module 'marginlab' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(__all__))
