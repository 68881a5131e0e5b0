"""Damaged results stores (issue 33): every reader — `marginlab report`, `marginlab export`,
`marginlab run` (resuming), marginlab.results.load, marginlab.experiment.load and .report — either
gives one line naming DIR/results.sqlite (exit 2; marginlab.InputError in Python) or, where the
damage is in bytes no reader uses, exactly the undamaged output. Never a traceback, never an
output built from garbage, no file left behind, and the damaged store's bytes unchanged.

The campaign: a real fig5 smoke store, damaged by flipped bytes (fixed seeds), truncation,
stored values replaced by invalid UTF-8 or non-JSON, NULLs and wrong types where values are
expected, a file that is not a database, and a damaged stored config."""
import hashlib
import json
import math
import pathlib
import random
import shutil
import sqlite3
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "python"))
import marginlab  # noqa: E402
from marginlab import _errors, experiment, results  # noqa: E402

STORE = "results.sqlite"
# fig5 at smoke scale: 2 trials with finals, traces and artifacts, run in a second
EXPERIMENT = "fig5"


@pytest.fixture(scope="module")
def base(cli, tmp_path_factory):
    """The undamaged store and every reader's output on it."""
    root = tmp_path_factory.mktemp("damage")
    out = root / "base"
    cli("run", EXPERIMENT, "--scale", "smoke", "--out", out, "--json")
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(STORE)) == [STORE]
    # The recorded times fixed and the file rebuilt: the same bytes on every run of the test, so
    # that a seed flips the same bytes of the same values each time.
    con = sqlite3.connect(out / STORE)
    con.execute("UPDATE runs SET started_at = 0, finished_at = 0, seconds = 1")
    con.execute("UPDATE meta SET value = '0' WHERE key = 'created_at'")
    con.commit()
    con.execute("VACUUM")
    con.close()
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(STORE)) == [STORE]
    clean = copy_store(out, root / "clean")
    cli("export", clean)
    cli("report", clean)
    res = results.load(clean)
    return {"root": root, "store": out / STORE, "export": export_files(clean),
            "summary": json.loads((clean / "summary.json").read_text()), "records": records_of(res)}


def copy_store(src_dir, dest):
    dest.mkdir()
    shutil.copyfile(src_dir / STORE, dest / STORE)
    return dest


def export_files(d):
    return {name: (d / name).read_text() for name in ("runs.csv", "trace.csv")}


def records_of(res):
    """Everything results.load read, NaN-safe for comparison (the stored config text aside: only
    `run` parses it, and test_damaged_stored_config_blames_the_store damages it)."""
    def clean(v):
        return "nan" if isinstance(v, float) and math.isnan(v) else v
    runs = [{k: clean(v) for k, v in rec.items()} for rec in res.records()]
    trace = [{k: clean(v) for k, v in rec.items()} for rec in res.trace_records()]
    artifacts = {r.id: r.artifacts for r in res.runs}
    meta = {k: v for k, v in res.meta.items() if k != "config_text"}
    return json.dumps([meta, runs, trace, artifacts], sort_keys=True, default=str)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(r, store):
    """r failed with exit 2 and one line `marginlab: error: DIR/results.sqlite: …`, its last
    (`run` may have printed its progress lines before it)."""
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert lines and all(ln.startswith(f"{EXPERIMENT} [smoke]: ") for ln in lines[:-1]), r.stderr
    assert lines[-1].startswith(f"marginlab: error: {store}: "), lines[-1]
    return lines[-1]


def python_error(fn, store):
    """fn() raises marginlab's InputError with one line naming the store; returns the message."""
    with pytest.raises(_errors.InputError) as info:
        fn()
    e = info.value
    assert isinstance(e, marginlab.Error) and isinstance(e, ValueError), type(e).__mro__
    if _errors.HAVE_EXTENSION:
        from marginlab import _core
        assert isinstance(e, _core.InputError)
    message = str(e)
    assert "\n" not in message and message.startswith(f"{store}: "), message
    return message


class Outcome:
    """What each reader did with one damaged store: None (succeeded with the undamaged output), or
    its one-line error; `differs` lists readers that succeeded with another output."""

    def __init__(self):
        self.errors, self.differs = {}, []


def read_everything(cli, base, d, check_run=True):
    """Runs every reader on folder d (its results.sqlite damaged) and checks the promises that
    hold whatever the damage: exit 0 or one line with exit 2, no traceback, no files left by a
    failure, the store's bytes unchanged."""
    store = d / STORE
    before, files = digest(store), sorted(p.name for p in d.iterdir())
    out = Outcome()

    def unchanged(reader, allowed=()):
        assert digest(store) == before, f"{reader} changed the damaged store"
        left = sorted(p.name for p in d.iterdir() if p.name not in allowed)
        assert left == files, f"{reader} left files behind: {left}"

    r = cli("export", d, check=False)
    if r.returncode == 0:
        if export_files(d) != base["export"]:
            out.differs.append("export")
        for name in ("runs.csv", "trace.csv"):
            (d / name).unlink()
    else:
        out.errors["export"] = one_line_error(r, store)
    unchanged("export")

    r = cli("report", d, check=False)
    if r.returncode == 0:
        if json.loads((d / "summary.json").read_text()) != base["summary"]:
            out.differs.append("report")
        shutil.rmtree(d / "figures")
        for name in ("summary.json", "report.md", "report.html"):
            (d / name).unlink()
    else:
        assert "Traceback" not in r.stderr, r.stderr
        out.errors["report"] = one_line_error(r, store)
    unchanged("report")

    try:
        got = records_of(results.load(d))
        if got != base["records"]:
            out.differs.append("results.load")
    except _errors.InputError:
        out.errors["results.load"] = python_error(lambda: results.load(d), store)
        # experiment.load and experiment.report read through results.load: the same error
        assert python_error(lambda: experiment.load(d), store) == out.errors["results.load"]
        assert python_error(lambda: experiment.report(d), store) == out.errors["results.load"]
    unchanged("results.load")

    if check_run:  # resuming a finished sweep: nothing to run, so nothing may change
        r = cli("run", EXPERIMENT, "--scale", "smoke", "--out", d, check=False)
        if r.returncode == 0:
            if export_files(d) != base["export"]:
                out.differs.append("run")
            for name in ("runs.csv", "trace.csv"):
                (d / name).unlink()
        else:
            out.errors["run"] = one_line_error(r, store)
        unchanged("run", allowed=(".marginlab.lock",))
    return out


def expect_errors(out, readers=("export", "report", "results.load", "run"), fragment=""):
    assert not out.differs, f"{out.differs} accepted a damaged store and wrote other output"
    for reader in readers:
        assert reader in out.errors, f"{reader} accepted the damaged store"
        assert "the results store is damaged" in out.errors[reader], out.errors[reader]
        assert fragment in out.errors[reader], (reader, out.errors[reader])


# What each table's columns must hold (results._check's kinds) and which readers read them.
KINDS = {"meta": ("text", "text"),
         "runs": ("int", "count", "count", "seed", "params", "status", "text?", "int?", "real?", "real?", "real?"),
         "trace": ("int", "count", "text", "real?"),
         "final": ("int", "text", "real?", "int"),
         "artifacts": ("int", "text", "json?")}
READS = {"export": ("runs", "trace", "final"), "run": ("runs", "trace", "final"),
         "report": tuple(KINDS), "results.load": tuple(KINDS)}


def cells(path):
    """Every table's rows, read from the file alone (immutable), or None when SQLite cannot."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        con.text_factory = results._decode
        out = {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in KINDS}
        con.close()
        return out
    except sqlite3.DatabaseError:
        return None


def valid(kind, value):
    try:
        results._check(kind, value)
        return True
    except results._Damage:
        return False


def short(value):
    """A stored value for a message: where it changed, not all 8 KB of it."""
    text = repr(value.raw if isinstance(value, results._BadText) else value)
    return text if len(text) <= 60 else text[:57] + "..."


def changed_values(base_store, damaged_store):
    """The cells that differ, as (table, column, old, new, still valid), when the damaged store
    still reads row for row; None when rows appeared, vanished or the file does not read."""
    a, b = cells(base_store), cells(damaged_store)
    if a is None or b is None:
        return None
    out = []
    for table in a:
        if len(a[table]) != len(b[table]):
            return None
        for ra, rb in zip(a[table], b[table]):
            out += [(table, i, x, y, valid(KINDS[table][i], y)) for i, (x, y) in enumerate(zip(ra, rb)) if x != y]
    return out


def damage_with_sql(d, *statements, relax=None):
    con = sqlite3.connect(d / STORE)
    if relax:  # drop a NOT NULL from the schema, as an older or damaged store may lack it
        con.execute("PRAGMA writable_schema = ON")
        con.execute("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = 'runs'", relax)
        con.commit()
        con.close()
        con = sqlite3.connect(d / STORE)
    con.execute("PRAGMA ignore_check_constraints = ON")
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.close()
    assert not list(d.glob(STORE + "-*"))


# (a) bytes flipped at fixed seeds: an error, or (bytes no reader uses) the undamaged output.
@pytest.mark.parametrize("seed", range(24))
def test_flipped_bytes_are_an_error_or_change_nothing(cli, base, seed):
    d = copy_store(base["store"].parent, base["root"] / f"flip{seed}")
    data = bytearray((d / STORE).read_bytes())
    rng = random.Random(seed)
    offsets = sorted(rng.sample(range(len(data)), 4))  # four bytes, each XORed with a non-zero mask
    for at in offsets:
        data[at] ^= rng.randrange(1, 256)
    (d / STORE).write_bytes(bytes(data))
    out = read_everything(cli, base, d)
    for reader, message in out.errors.items():
        assert "results store is damaged" in message or "cannot open" in message, (reader, message)
    if out.differs:
        # SQLite keeps no checksums: a flip inside a stored number or a still-valid text changes
        # the value and nothing else. Only that is excused, and only by name: every changed value
        # that breaks its column's kind must have stopped every reader that reads its table.
        changed = changed_values(base["store"], d / STORE)
        assert changed, f"offsets {offsets}: {out.differs} wrote other output, and the damage is not in a value"
        for table, col, old, new, ok in changed:
            if not ok:
                missed = [r for r, tables in READS.items() if table in tables and r not in out.errors]
                assert not missed, f"{missed} accepted {table} column {col} = {short(new)}"
        shown = "; ".join(f"{t} column {c}: {short(x)} -> {short(y)}" for t, c, x, y, ok in changed if ok)
        pytest.skip(f"offsets {offsets} changed stored values that keep their type ({shown}): undetectable "
                    f"without checksums; {', '.join(out.differs)} show the changed value")


# (b) a truncated file
@pytest.mark.parametrize("keep", [0.5, 0.9, 100])
def test_truncated_store_is_an_error(cli, base, keep):
    d = copy_store(base["store"].parent, base["root"] / f"trunc{keep}")
    data = (d / STORE).read_bytes()
    (d / STORE).write_bytes(data[:int(len(data) * keep)] if keep < 1 else data[:keep])
    expect_errors(read_everything(cli, base, d))


# (c) stored text that is not UTF-8, not JSON, or not what the schema promises
@pytest.mark.parametrize("sql, fragment", [
    ("UPDATE runs SET params = CAST(X'7b22ff223a2231227d' AS TEXT) WHERE id = 2",
     "table runs, row id 2, column params: the text is not valid UTF-8"),
    ("UPDATE runs SET params = 'lambda=1e-8' WHERE id = 1", "table runs, row id 1, column params: not valid JSON"),
    ("UPDATE runs SET params = '[1, 2]' WHERE id = 1", "column params: expected a JSON object"),
    ("UPDATE runs SET params = '{\"lr\": 0.1}' WHERE id = 2", "parameter 'lr' is not a text"),
    ("UPDATE runs SET seed = '12x' WHERE id = 1", "column seed: '12x' is not a seed"),

    ("UPDATE runs SET point = 'zero' WHERE id = 1", "table runs, row id 1, column point: expected an integer"),
    ("UPDATE final SET value = 'abc' WHERE run_id = 1 AND ord = 0", "table final, row run_id 1, column value"),
    ("UPDATE final SET metric = CAST(X'74657374ff' AS TEXT) WHERE run_id = 2 AND ord = 0",
     "table final, row run_id 2, column metric: the text is not valid UTF-8"),
    ("UPDATE trace SET metric = X'6c6f7373' WHERE run_id = 1 AND step = 0 AND metric = "
     "(SELECT min(metric) FROM trace WHERE run_id = 1 AND step = 0)",
     "table trace, row run_id 1, column metric: expected text, found a blob"),
    ("UPDATE trace SET run_id = 99 WHERE run_id = 1", "no run 99 in table runs"),
])
def test_bad_stored_values_are_named(cli, base, sql, fragment):
    d = copy_store(base["store"].parent, base["root"] / f"value{abs(hash(sql))}")
    damage_with_sql(d, sql)
    # run checks the stored trials before resuming, and exports the CSVs (every row) after
    expect_errors(read_everything(cli, base, d), fragment=fragment)


def test_unparseable_artifact_is_named(cli, base):
    d = copy_store(base["store"].parent, base["root"] / "artifact")
    damage_with_sql(d, "INSERT INTO artifacts VALUES(1, 'weights', '{\"w\": [1, 2')")
    out = read_everything(cli, base, d)
    expect_errors(out, ("report", "results.load"), "table artifacts, row run_id 1, column json: not valid JSON")


def test_unknown_status_is_named(cli, base):
    # SQLite's quick_check finds it against the CHECK of the schema; without that CHECK (an
    # older store) the reader's own check does
    d = copy_store(base["store"].parent, base["root"] / "status")
    damage_with_sql(d, "UPDATE runs SET status = 'dome' WHERE id = 1")
    expect_errors(read_everything(cli, base, d), fragment="CHECK constraint failed in runs")
    d = copy_store(base["store"].parent, base["root"] / "status2")
    damage_with_sql(d, "UPDATE runs SET status = 'dome' WHERE id = 1",
                    relax=("CHECK(status IN ('pending','running','done','failed'))", ""))
    expect_errors(read_everything(cli, base, d), fragment="table runs, row id 1, column status: 'dome' is not a status")


# (d) NULL where a value is expected
@pytest.mark.parametrize("sql, relax, readers, fragment", [
    ("UPDATE runs SET params = NULL WHERE id = 2", ("params TEXT NOT NULL", "params TEXT"),
     ("export", "report", "results.load", "run"), "table runs, row id 2, column params: expected text, found NULL"),
    ("UPDATE runs SET seed = NULL WHERE id = 2", ("seed TEXT NOT NULL", "seed TEXT"),
     ("export", "report", "results.load", "run"), "table runs, row id 2, column seed: expected text, found NULL"),
    ("UPDATE meta SET value = NULL WHERE key = 'experiment'", None, ("report", "results.load", "run"),
     "table meta, row key 'experiment', column value: expected text, found NULL"),
])
def test_nulls_where_values_belong_are_named(cli, base, sql, relax, readers, fragment):
    d = copy_store(base["store"].parent, base["root"] / f"null{abs(hash(sql))}")
    damage_with_sql(d, sql, relax=relax)
    expect_errors(read_everything(cli, base, d), readers, fragment)


# (e) not a database at all
@pytest.mark.parametrize("content", [b"not a database\n", b"SQLite format 3\x00" + bytes(200), bytes(4096)])
def test_a_file_that_is_not_a_store_is_named(cli, base, content):
    d = base["root"] / f"notdb{abs(hash(content))}"
    d.mkdir()
    (d / STORE).write_bytes(content)
    out = read_everything(cli, base, d, check_run=False)
    assert not out.differs
    for reader in ("export", "report", "results.load"):
        assert reader in out.errors, reader
    # run: an empty 4096-byte file of zeros is "not a database" to SQLite as well
    r = cli("run", EXPERIMENT, "--scale", "smoke", "--out", d, check=False)
    one_line_error(r, d / STORE)
    assert (d / STORE).read_bytes() == content


# (f) a damaged stored config: the store is blamed, not experiments/fig5.toml
@pytest.mark.parametrize("text, fragment", [
    ("[experiment\nname = 'fig5'", "meta config_text:1: invalid TOML"),
    (b"[experiment]\nname = \"fig5\xff\"\n", "column value: the text is not valid UTF-8"),
    (None, "column value: expected text, found NULL"),
])
def test_damaged_stored_config_blames_the_store(cli, base, text, fragment):
    d = copy_store(base["store"].parent, base["root"] / f"config{abs(hash(text))}")
    con = sqlite3.connect(d / STORE)
    value = sqlite3.Binary(text) if isinstance(text, bytes) else text
    con.execute("UPDATE meta SET value = " + ("CAST(? AS TEXT)" if isinstance(text, bytes) else "?")
                + " WHERE key = 'config_text'", (value,))
    con.commit()
    con.close()
    before = digest(d / STORE)
    r = cli("run", EXPERIMENT, "--scale", "smoke", "--out", d, check=False)
    line = one_line_error(r, d / STORE)
    assert "the results store is damaged" in line and "config_text" in line and fragment in line, line
    assert "it was not changed" in line, line
    assert digest(d / STORE) == before
    assert sorted(p.name for p in d.iterdir()) == [".marginlab.lock", STORE]
    # export checks the stored trials against the stored config's sweep, so it parses the copy
    # too; the Python readers (no extension to expand a sweep) check only that it is text
    out = read_everything(cli, base, d, check_run=False)
    readers = {"export"} if isinstance(text, str) else {"export", "report", "results.load"}
    assert not out.differs and set(out.errors) == readers, (out.errors, out.differs)
    for reader in readers:
        assert "config_text" in out.errors[reader], out.errors[reader]


def test_a_changed_parameter_is_not_exported(cli, base):
    """A stored parameter text that still parses (a flipped digit) is not what the stored
    config gives the trial: run and export refuse it; the report cannot use it (not a number)."""
    d = copy_store(base["store"].parent, base["root"] / "param")
    con = sqlite3.connect(d / STORE)
    params = json.loads(con.execute("SELECT params FROM runs WHERE id = 1").fetchone()[0])
    params["lambda"] = "0.2x"
    con.execute("UPDATE runs SET params = ? WHERE id = 1", (json.dumps(params),))
    con.commit()
    con.close()
    out = read_everything(cli, base, d)
    assert out.differs == ["results.load"], out.differs  # it reads what is stored: '0.2x'
    for reader in ("export", "run"):
        assert "table runs, row id 1, column params: not the parameters the config gives this trial" \
            in out.errors[reader], out.errors[reader]
    assert "the fig5 analysis cannot use the stored values (ValueError: could not convert string to float: " \
        "'0.2x'); the store may be damaged" in out.errors["report"], out.errors["report"]


def test_missing_store_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no results.sqlite here"):
        results.load(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="no results.sqlite here"):
        experiment.load(tmp_path)


def test_the_error_classes_are_marginlabs():
    assert marginlab.Error is _errors.Error and marginlab.InputError is _errors.InputError
    assert issubclass(_errors.InputError, _errors.Error) and issubclass(_errors.InputError, ValueError)
    if _errors.HAVE_EXTENSION:
        from marginlab import _core
        assert _errors.Error is _core.Error and _errors.InputError is _core.InputError
