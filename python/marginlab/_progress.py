"""progress= and callback= of the long calls (train, global_optimum, l1svm, flow, experiment.run).

The compiled function takes one observer callable, called with a dict at each logged step,
column-generation round or finished trial; returning False stops the computation early. This
module makes that callable from the user's `progress` (a tqdm bar when tqdm is installed, else a
line on stderr at most every few seconds) and `callback`.
"""
import contextlib
import sys
import time

__all__ = ["observer"]


class _Observer:
    def __init__(self, progress, callback, what):
        self._callback = callback
        self._what = what
        self._progress = progress
        self._bar = None
        self._last_line = 0.0
        self._positions = {}  # trial -> step (train runs several trials at once)

    def _position(self, record):
        """(position, total, description) of a record."""
        if "total_steps" in record:  # a training or flow step
            total = record["total_steps"]
            trials = record.get("trials", 1)
            self._positions[record.get("trial", 0)] = record["step"]
            return sum(self._positions.values()), total * trials, None
        if "round" in record:  # a column-generation round
            upper = record.get("upper")
            kind = "" if record.get("certified") else " (estimates)"
            up = "none" if upper is None else f"{upper:.6g}"
            return record["round"], None, f"[{record['lower']:.6g}, {up}]{kind}"
        if "done" in record:  # a finished trial of an experiment
            return record["done"] + record["failed"], record["total"], f"{record['failed']} failed"
        return None, None, None

    def _show(self, record):
        position, total, text = self._position(record)
        if position is None:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            tqdm = None
        if tqdm is not None:
            if self._bar is None:
                self._bar = tqdm(total=total, desc=self._what, leave=True, dynamic_ncols=True)
            self._bar.n = position
            if text:
                self._bar.set_postfix_str(text, refresh=False)
            self._bar.refresh()
            return
        now = time.monotonic()
        if now - self._last_line >= 2.0 or (total is not None and position >= total):
            self._last_line = now
            of = f"/{total}" if total is not None else ""
            print(f"{self._what}: {position}{of}" + (f"  {text}" if text else ""), file=sys.stderr, flush=True)

    def __call__(self, record):
        if self._progress:
            self._show(record)
        if self._callback is not None:
            return self._callback(record)
        return None

    def close(self):
        if self._bar is not None:
            self._bar.close()


@contextlib.contextmanager
def observer(progress, callback, what):
    """The observer callable for `what` (None when neither progress nor callback is asked for)."""
    if not isinstance(progress, bool):
        raise TypeError(f"progress: expected True or False, got {type(progress).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback: expected a callable or None, got {type(callback).__name__}")
    if not progress and callback is None:
        yield None
        return
    obs = _Observer(progress, callback, what)
    try:
        yield obs
    finally:
        obs.close()
