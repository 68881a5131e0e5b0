"""Experiments: run a paper's sweep into its resumable results store, draw its report, and read
the store back as records or a pandas DataFrame.

    s = run("thm21", scale="smoke", out="runs/thm21-smoke", progress=True)   # as `marginlab run`
    report(s["out"])                                            # as `marginlab report`
    res = load(s["out"])
    df = res.dataframe()                                        # one row per trial (pandas)
"""
import os
import pathlib

from . import results as _results
from ._api.experiment import merge, run

__all__ = ["list_experiments", "run", "merge", "report", "load"]


def list_experiments():
    """The built-in experiments: dicts with name, title, kind, path and scales."""
    from ._api.experiment import list as _list
    return _list()


def _folder(directory):
    """A results folder argument as a path (TypeError naming `directory` otherwise)."""
    if isinstance(directory, (bytes, bytearray)) or not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory: expected a folder (str or os.PathLike), got {type(directory).__name__}")
    return os.fspath(directory)


def load(directory):
    """The results store of a folder written by run(): a marginlab.results.Results with
    .runs, .done(), .failed(), .records() and .dataframe(). Raises FileNotFoundError when the
    folder has no results.sqlite, and marginlab.InputError naming the file and what is damaged
    when the store cannot be read (not a database, malformed, a stored value that breaks the
    schema)."""
    path = pathlib.Path(_folder(directory)) / "results.sqlite"
    if not path.exists():
        raise FileNotFoundError(f"{directory}: no results.sqlite here (run the experiment first)")
    return _results.load(directory)


def report(directory):
    """Draws the figures and writes report.md, report.html and summary.json in `directory`, as
    `marginlab report`; returns the claims as dicts (claim, verdict, metric, value, …). Errors as
    load(); a folder without finished trials or without an analysis is a ValueError."""
    from . import report as _report

    try:
        _, analysis = _report.make_report(_folder(directory))
    except SystemExit as e:  # the report's one-line errors
        raise ValueError(str(e.code)) from None
    return [c.as_dict() for c in analysis.claims]
