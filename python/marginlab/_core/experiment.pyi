"""
experiments: run a sweep into a results store
"""
from __future__ import annotations
import collections.abc
import typing
__all__: list[str] = ['list', 'run']
def list() -> list:
    """
    The built-in experiments: name, title, kind, path, scales.
    """
def run(name: str, scale: str = 'quick', out: typing.Any = None, set: collections.abc.Sequence[str] = [], threads: typing.SupportsInt | typing.SupportsIndex = 0, max_trials: typing.SupportsInt | typing.SupportsIndex = 0, progress: bool = False) -> dict:
    """
    Runs an experiment (a built-in name or a TOML path) at `scale` into its results folder, as
    `marginlab run` does (resumable: finished trials are kept). set: overrides 'key=value'.
    Returns the run's summary; failed trials are counted in `failed` with the first reason in
    `first_error` (marginlab.experiment.run raises for them).
    """
