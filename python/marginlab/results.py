"""Read a results folder written by `marginlab run` (DIR/results.sqlite; schema in
include/marginlab/experiment/store.hpp) into plain Python structures."""
import json
import math
import pathlib
import sqlite3
from dataclasses import dataclass, field

from . import _errors


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
        then the trial's parameters and its final metrics (a metric whose name is also a
        parameter's is prefixed final_). A failed trial's metrics are absent.

        Values are typed: a parameter stored as "true"/"false" is a bool, one that reads as an
        integer an int, as a number a float, anything else (data specs, names, lists) the stored
        text; a final yes/no metric — `diverged` and every `*_certified` / `*_converged` (the
        store keeps them as 1/0) — is a bool, or None where it was not computed."""
        out = []
        for r in self.runs:
            rec = {"id": r.id, "point": r.point, "trial": r.trial, "seed": r.seed,
                   "status": "failed" if (r.status == "done" and _diverged(r)) else r.status,
                   "error": r.error, "seconds": r.seconds}
            rec.update({k: _typed_param(v) for k, v in r.params.items()})
            for k, v in r.finals.items():
                rec[f"final_{k}" if k in rec else k] = _typed_final(k, v)
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


def _typed_param(text):
    """A stored parameter's text as the value it spells (see Results.records)."""
    if not isinstance(text, str):
        return text
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _is_flag(metric):
    return metric == "diverged" or metric.endswith(("_certified", "_converged"))


def _typed_final(metric, value):
    """A stored final metric: a float (NaN where missing), or a bool (None where missing) for a
    yes/no metric (see Results.records)."""
    if _is_flag(metric):
        return None if value is None or value != value else bool(value)
    return math.nan if value is None else value


class _BadText:
    """A stored text that is not UTF-8 (the connection's text_factory keeps it for the message)."""

    def __init__(self, raw):
        self.raw = raw


def _decode(raw):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _BadText(raw)


def _type_name(v):
    if v is None:
        return "NULL"
    if isinstance(v, (str, _BadText)):
        return "text"
    if isinstance(v, bytes):
        return "a blob"
    if isinstance(v, int):
        return "an integer"
    return "a real number"


_STATUSES = ("pending", "running", "done", "failed")


def _quote(text):
    """A stored text in a one-line message: quoted, escaped, at most 64 characters."""
    return repr(text if len(text) <= 64 else text[:61] + "...")


def _json_value(v, expect_object):
    try:
        out = json.loads(v)
    except ValueError as e:  # json.JSONDecodeError
        raise _Damage(f"not valid JSON ({e})") from None
    except RecursionError:
        raise _Damage("not valid JSON (nested too deeply)") from None
    if expect_object:
        if not isinstance(out, dict):
            raise _Damage("expected a JSON object of parameters")
        for k, x in out.items():
            if not isinstance(x, str):
                raise _Damage(f"parameter {_quote(k)} is not a text")
    return out


class _Damage(Exception):
    """What is wrong with one stored value (_Store.rows adds the file, table, row and column)."""


def _check(kind, v):
    """One stored value against what the schema promises (kind), converted; raises _Damage."""
    nullable = kind.endswith("?")
    kind = kind.rstrip("?")
    if v is None:
        if nullable:
            return None
        expected = {"real": "a number", "int": "an integer", "count": "an integer"}.get(kind, "text")
        raise _Damage(f"expected {expected}, found NULL")
    if kind in ("int", "count"):
        if not isinstance(v, int):
            raise _Damage(f"expected an integer, found {_type_name(v)}")
        if kind == "count" and v < 0:
            raise _Damage(f"expected a non-negative integer, found {v}")
        return v
    if kind == "real":
        if not isinstance(v, (int, float)):
            raise _Damage(f"expected a number or NULL, found {_type_name(v)}")
        return float(v)
    if isinstance(v, _BadText):
        raise _Damage("the text is not valid UTF-8")
    if not isinstance(v, str):
        raise _Damage(f"expected text, found {_type_name(v)}")
    if kind == "text":
        return v
    if kind == "seed":
        if not (v.isascii() and v.isdigit() and int(v) < 2**64):
            raise _Damage(f"{_quote(v)} is not a seed (an unsigned 64-bit integer)")
        return int(v)
    if kind == "status":
        if v not in _STATUSES:
            raise _Damage(f"{_quote(v)} is not a status (pending, running, done or failed)")
        return v
    if kind == "params":
        return _json_value(v, expect_object=True)
    if kind == "json":
        return _json_value(v, expect_object=False) if v else None
    raise AssertionError(kind)


class _Store:
    """A results store open for reading. Every failure — SQLite's (not a database, a malformed
    image, a missing table), a value that breaks the schema (NULL, a blob or a number where text
    belongs, text that is not UTF-8, JSON that does not parse) — is an InputError (marginlab's,
    _errors.py) whose one-line message names the file, and the table, row and column where known."""

    TABLES = ("meta", "runs", "trace", "final", "artifacts")

    def __init__(self, path):
        self.path = path
        self.con = None
        why = "unreadable"
        # Read-write where we may: the store is in WAL mode, and only a connection that can
        # write checkpoints the log and removes results.sqlite-wal/-shm when it closes (a
        # read-only one leaves them behind). Reading changes no row. A read-only folder falls
        # back to mode=ro, and a read-only mount (which cannot hold the WAL's -shm file, so even
        # mode=ro fails there) to immutable=1: the database file alone.
        for mode in ("mode=rw", "mode=ro", "mode=ro&immutable=1"):
            con = None
            try:
                con = sqlite3.connect(f"file:{path}?{mode}", uri=True)
                con.text_factory = _decode
                con.execute("SELECT count(*) FROM sqlite_master").fetchone()
                self.con = con
                break
            except sqlite3.OperationalError as e:  # cannot open or lock: try the next mode
                why = str(e)
                if con is not None:
                    con.close()
            except sqlite3.DatabaseError as e:  # not a database, or a malformed one
                if con is not None:
                    con.close()
                raise self.damaged(f"SQLite: {e}") from None
        if self.con is None:
            raise _errors.InputError(f"{path}: cannot open the results database ({why})")
        try:
            result = [r for (r,) in self.query("PRAGMA quick_check(1)")]
            if result != ["ok"]:
                finding = str(result[0]) if result else "no answer"
                finding = finding.removeprefix("*** in database main ***\n")
                raise self.damaged(f"SQLite's quick_check: {finding}")
            tables = {name for (name,) in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
            for t in self.TABLES:
                if t not in tables:
                    raise self.damaged(f"it has no table {t} (not a store of `marginlab run`, or damaged)")
        except BaseException:
            self.close()
            raise

    def damaged(self, what):
        what = " ".join(what.splitlines())  # one line, whatever SQLite says
        return _errors.InputError(f"{self.path}: the results store is damaged: {what}")

    def query(self, sql):
        """All rows of `sql`, as stored (SQLite's errors become the store's error)."""
        return [row for batch in self._batches(sql)[1] for row in batch]

    def _batches(self, sql):
        try:
            cur = self.con.execute(sql)
        except sqlite3.DatabaseError as e:
            raise self.damaged(f"SQLite: {e}") from None
        cols = [d[0] for d in cur.description]

        def batches():
            while True:
                try:
                    batch = cur.fetchmany(4096)
                except sqlite3.DatabaseError as e:
                    raise self.damaged(f"SQLite: {e}") from None
                if not batch:
                    return
                yield batch
        return cols, batches()

    def rows(self, table, sql, kinds):
        """The rows of `sql` over `table`, each value checked and converted by its kind (int,
        count (an integer >= 0), real, text, seed, status, params, json; '?' allows NULL). Column
        0 names the row."""
        cols, batches = self._batches(sql)
        for batch in batches:
            for row in batch:
                out = []
                for i, (kind, v) in enumerate(zip(kinds, row)):
                    try:
                        out.append(_check(kind, v))
                    except _Damage as e:
                        where = f"table {table}"
                        key = row[0]
                        if i != 0 and isinstance(key, (int, str)):
                            where += f", row {cols[0]} {key if isinstance(key, int) else _quote(key)}"
                        raise self.damaged(f"{where}, column {cols[i]}: {e}") from None
                yield tuple(out)

    def close(self):
        if self.con is not None:
            self.con.close()
            self.con = None


def load(directory):
    """The results store DIR/results.sqlite as a Results. Raises FileNotFoundError when the
    folder has no results.sqlite, and marginlab.InputError (with only the report side installed,
    marginlab._errors.InputError: a ValueError) for a store that cannot be read: one line naming
    the file and what is damaged (table, row and column where known). Reading changes nothing."""
    directory = pathlib.Path(directory)
    path = directory / "results.sqlite"
    if not path.exists():
        raise FileNotFoundError(f"{directory}: no results.sqlite here (run `marginlab run` first)")
    store = _Store(path)
    try:
        meta = dict(store.rows("meta", "SELECT key, value FROM meta", ("text", "text")))
        for key in ("experiment", "scale"):
            if not meta.get(key):
                raise store.damaged(f"table meta has no row '{key}'")
        runs = {}
        for rid, point, trial, seed, params, status, error, seconds in store.rows(
                "runs", "SELECT id, point, trial, seed, params, status, error, seconds FROM runs ORDER BY id",
                ("int", "count", "count", "seed", "params", "status", "text?", "real?")):
            runs[rid] = Run(rid, point, trial, seed, params, status, error or "", seconds or 0.0)

        def run_of(table, rid):
            if rid not in runs:
                raise store.damaged(f"table {table}, column run_id: no run {rid} in table runs")
            return runs[rid]

        for rid, metric, value in store.rows(
                "final", "SELECT run_id, metric, value FROM final ORDER BY run_id, ord", ("int", "text", "real?")):
            run_of("final", rid).finals[metric] = value
        for rid, step, metric, value in store.rows(
                "trace", "SELECT run_id, step, metric, value FROM trace ORDER BY run_id, metric, step",
                ("int", "count", "text", "real?")):
            steps, values = run_of("trace", rid).trace.setdefault(metric, ([], []))
            steps.append(step)
            values.append(value)
        for rid, name, value in store.rows(
                "artifacts", "SELECT run_id, name, json FROM artifacts", ("int", "text", "json?")):
            run_of("artifacts", rid).artifacts[name] = value
    finally:
        store.close()
    return Results(directory, meta, list(runs.values()))
