"""Experiments: run a paper's sweep into its resumable results store, draw its report, and read
the store back as records or a pandas DataFrame.

    s = run("thm21", scale="smoke", out="runs/thm21-smoke")     # as `marginlab run`
    report(s["out"])                                            # as `marginlab report`
    res = load(s["out"])
    df = res.dataframe()                                        # one row per trial (pandas)
"""
import pathlib

from . import results as _results

__all__ = ["list_experiments", "run", "merge", "report", "load"]


def list_experiments():
    """The built-in experiments: dicts with name, title, kind, path and scales."""
    from ._core import experiment as _e
    return _e.list()


def run(name, scale="quick", out=None, *, set=(), threads=0, max_trials=0, progress=False, shard=None):
    """Runs experiment `name` (a built-in name or a TOML path) at `scale` into `out` (default
    runs/<name>-<scale>), resuming: finished trials are kept. set: overrides "key=value" as the
    CLI's --set. shard: "i/N" runs every N-th trial from the i-th into a folder of its own (merge()
    joins the shards). Returns the run summary (out, total, ran, failed, remaining, seconds, …).
    Failed trials raise marginlab.FailedRunError naming the first (every reason is in the store)."""
    from ._core import experiment as _e
    from ._core import FailedRunError

    s = _e.run(str(name), scale=scale, out=None if out is None else str(out), set=list(set),
               threads=threads, max_trials=max_trials, progress=progress, shard=shard or "")
    if s["failed"] > 0:
        raise FailedRunError(f"{s['failed']} trial(s) failed (the first: {s['first_error']}); every error is "
                             f"stored in {pathlib.Path(s['out']) / 'results.sqlite'} (runs.error); re-run to "
                             f"retry them")
    return s


def merge(inputs, out):
    """Merges the results folders of a sweep's shards (run(..., shard="i/N")) into `out`, as
    `marginlab merge`: each trial once, exactly what one plain run stores; a trial no shard ran
    stays pending (run() with out= finishes it). Returns counts: trials, copied, duplicates,
    failed, pending."""
    from ._core import experiment as _e
    return _e.merge([str(p) for p in inputs], str(out))


def load(directory):
    """The results store of a folder written by run(): a marginlab.results.Results with
    .runs, .done(), .failed(), .records() and .dataframe(). Raises FileNotFoundError when the
    folder has no results.sqlite, and marginlab.InputError naming the file and what is damaged
    when the store cannot be read (not a database, malformed, a stored value that breaks the
    schema)."""
    path = pathlib.Path(directory) / "results.sqlite"
    if not path.exists():
        raise FileNotFoundError(f"{directory}: no results.sqlite here (run the experiment first)")
    return _results.load(directory)


def report(directory):
    """Draws the figures and writes report.md, report.html and summary.json in `directory`, as
    `marginlab report`; returns the claims as dicts (claim, verdict, metric, value, …). Errors as
    load(); a folder without finished trials or without an analysis is a ValueError."""
    from . import report as _report

    try:
        _, analysis = _report.make_report(directory)
    except SystemExit as e:  # the report's one-line errors
        raise ValueError(str(e.code)) from None
    return [c.as_dict() for c in analysis.claims]
