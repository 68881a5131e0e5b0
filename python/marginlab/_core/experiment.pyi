"""
experiments: run a sweep into a results store
"""
from __future__ import annotations
import collections.abc
import typing
__all__: list[str] = ['list', 'merge', 'run']
def list() -> list:
    """
    The built-in experiments: name, title, kind, path, scales.
    """
def merge(inputs: collections.abc.Sequence[os.PathLike | str | bytes], out: os.PathLike | str | bytes) -> dict:
    """
    Merges the results folders of a sweep's shards into `out`, as `marginlab merge`: every trial
    once, what one plain run stores; trials no shard ran stay pending there.
    """
def run(name: str, scale: str = 'quick', out: typing.Any = None, set: collections.abc.Sequence[str] = [], threads: typing.SupportsInt | typing.SupportsIndex = 0, max_trials: typing.SupportsInt | typing.SupportsIndex = 0, progress: bool = False, shard: str = '') -> dict:
    """
    Runs an experiment (a built-in name or a TOML path) at `scale` into its results folder, as
    `marginlab run` does (resumable: finished trials are kept). set: overrides 'key=value'.
    Returns the run's summary; failed trials are counted in `failed` with the first reason in
    `first_error` (marginlab.experiment.run raises for them). shard: 'i/N' runs every N-th trial
    from the i-th into a folder of its own (merge() joins the shards).
    """
