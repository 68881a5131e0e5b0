"""Read a results folder written by `marginlab run` (DIR/results.sqlite; schema in
include/marginlab/experiment/store.hpp) into plain Python structures."""
import json
import math
import pathlib
import sqlite3
from dataclasses import dataclass, field


@dataclass
class Run:
    id: int
    point: int
    trial: int
    seed: int
    params: dict
    status: str
    error: str
    seconds: float
    finals: dict = field(default_factory=dict)
    trace: dict = field(default_factory=dict)  # metric -> (steps list, values list)
    artifacts: dict = field(default_factory=dict)

    def param(self, name, cast=float):
        return cast(self.params[name])

    def final(self, name):
        v = self.finals.get(name)
        return math.nan if v is None else v

    def series(self, metric):
        steps, values = self.trace.get(metric, ([], []))
        return steps, [math.nan if v is None else v for v in values]


def _diverged(run):
    v = run.finals.get("diverged")
    return v is not None and v != 0


@dataclass
class Results:
    dir: pathlib.Path
    meta: dict
    runs: list

    @property
    def experiment(self):
        return self.meta.get("experiment", "")

    @property
    def scale(self):
        return self.meta.get("scale", "")

    def done(self):
        """Finished trials that are results. A run stored as done but flagged diverged (stores
        written before marginlab failed such trials) is a failure, never a result."""
        return [r for r in self.runs if r.status == "done" and not _diverged(r)]

    def failed(self):
        """Failed trials, with the reason in .error (diverged legacy runs included)."""
        out = []
        for r in self.runs:
            if r.status == "failed":
                out.append(r)
            elif r.status == "done" and _diverged(r):
                r.error = r.error or "diverged (stored as done by an older marginlab)"
                out.append(r)
        return out

    def records(self):
        """One dict per trial (every status): id, point, trial, seed, status, error, seconds,
        then the trial's parameters (as stored: text) and its final metrics (a metric whose
        name is also a parameter's is prefixed final_). A failed trial's metrics are absent."""
        out = []
        for r in self.runs:
            rec = {"id": r.id, "point": r.point, "trial": r.trial, "seed": r.seed,
                   "status": "failed" if (r.status == "done" and _diverged(r)) else r.status,
                   "error": r.error, "seconds": r.seconds}
            rec.update(r.params)
            for k, v in r.finals.items():
                rec[f"final_{k}" if k in rec else k] = math.nan if v is None else v
            out.append(rec)
        return out

    def trace_records(self):
        """The logged traces in long form: one dict per (trial, metric, step): id, point,
        trial, metric, step, value."""
        out = []
        for r in self.runs:
            for metric, (steps, values) in r.trace.items():
                for st, v in zip(steps, values):
                    out.append({"id": r.id, "point": r.point, "trial": r.trial, "metric": metric,
                                "step": st, "value": math.nan if v is None else v})
        return out

    def dataframe(self, trace=False):
        """records() (or trace_records() with trace=True) as a pandas DataFrame; needs pandas."""
        try:
            import pandas as pd
        except ImportError as e:
            raise ImportError("Results.dataframe() needs pandas (pip install pandas); "
                              "records() gives the same rows as dicts") from e
        return pd.DataFrame(self.trace_records() if trace else self.records())

    def by_point(self):
        """Done runs grouped by sweep point: {point: [runs]}."""
        out = {}
        for r in self.done():
            out.setdefault(r.point, []).append(r)
        return dict(sorted(out.items()))


def load(directory):
    directory = pathlib.Path(directory)
    path = directory / "results.sqlite"
    if not path.exists():
        raise SystemExit(f"{directory}: no results.sqlite here (run `marginlab run` first)")
    # Read-write where we may: the store is in WAL mode, and only a connection that can write
    # checkpoints the log and removes results.sqlite-wal/-shm when it closes (a read-only one
    # leaves them behind). Reading changes no row. A read-only directory falls back to mode=ro.
    con = None
    for mode in ("mode=rw", "mode=ro", "mode=ro&immutable=1"):
        # A read-only mount cannot hold the WAL's -shm file, so even mode=ro fails there;
        # immutable=1 reads the database file alone (nothing else writes to it then).
        try:
            con = sqlite3.connect(f"file:{path}?{mode}", uri=True)
            con.execute("SELECT count(*) FROM meta").fetchone()
            break
        except sqlite3.OperationalError:
            if con is not None:
                con.close()
            con = None
    if con is None:
        raise SystemExit(f"{path}: cannot open the results database "
                         "(not an SQLite store, or unreadable)")
    meta = dict(con.execute("SELECT key, value FROM meta"))
    runs = {}
    for rid, point, trial, seed, params, status, error, seconds in con.execute(
            "SELECT id, point, trial, seed, params, status, error, seconds FROM runs ORDER BY id"):
        runs[rid] = Run(rid, point, trial, int(seed), json.loads(params), status, error or "", seconds or 0.0)
    for rid, metric, value in con.execute("SELECT run_id, metric, value FROM final ORDER BY run_id, ord"):
        runs[rid].finals[metric] = value
    for rid, step, metric, value in con.execute(
            "SELECT run_id, step, metric, value FROM trace ORDER BY run_id, metric, step"):
        steps, values = runs[rid].trace.setdefault(metric, ([], []))
        steps.append(step)
        values.append(value)
    for rid, name, text in con.execute("SELECT run_id, name, json FROM artifacts"):
        runs[rid].artifacts[name] = json.loads(text) if text else None
    con.close()
    return Results(directory, meta, list(runs.values()))
