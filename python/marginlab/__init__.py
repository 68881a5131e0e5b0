"""marginlab from Python: regularized ReLU nets vs their neural tangent kernels.

The numerical work is marginlab's C++ library, reached through the compiled extension
marginlab._core; this package wraps it by module, adds the scikit-learn estimators, and draws
reports from a results folder (figures, report.md / report.html, summary.json).

    import marginlab as ml
    d = ml.data.generate("wei-d", d=10, n=200, seed=1)
    K = ml.kernel.gram(d.X, kernel="ntk")
    trials = ml.nn.train(d.X, d.y, width=256, lam=..., steps=1000)   # see ml.nn.train

Submodules: data, kernel, nn, margin, meanfield, experiment, estimators (scikit-learn), and the
report side: report, results, stats, plots. Every keyword option has the name of the CLI's flag
(with _ for -) and of the experiment TOML's key. Errors: marginlab.Error and its subclasses
InputError (also a ValueError), FailedRunError, UnavailableError, InternalError (the extension's
classes; without the extension, plain classes of the same names: _errors.py); bad arguments
raise TypeError / ValueError naming the argument. docs/python.md has the guide.

The submodules load on first use, so that the report side (run by `marginlab report`) needs
neither the extension nor anything beyond numpy and matplotlib.
"""
import importlib

__version__ = "0.1.0"

_SUBMODULES = ("data", "kernel", "nn", "margin", "meanfield", "experiment", "estimators",
               "report", "results", "stats", "plots", "analyses")
_ERRORS = ("Error", "InputError", "FailedRunError", "UnavailableError", "InternalError")

__all__ = list(_SUBMODULES) + list(_ERRORS) + ["set_threads", "threads", "build_info"]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"marginlab.{name}")
    if name in _ERRORS:  # the extension's classes; plain ones where it is not built (_errors.py)
        from . import _errors
        return getattr(_errors, name)
    if name in ("set_threads", "threads", "build_info"):
        from . import _core
        return getattr(_core, name)
    raise AttributeError(f"module 'marginlab' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(__all__))
