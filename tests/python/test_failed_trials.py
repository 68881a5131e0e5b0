"""Failed trials are never results (issue 18): a run stored as done but flagged diverged by an
older marginlab counts as failed, analyses see only real results, and the report lists every
failure with its reason."""
import json
import sqlite3
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "python"))
from marginlab import report, results  # noqa: E402


def make_store(path):
    con = sqlite3.connect(path / "results.sqlite")
    con.executescript("""
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE runs(id INTEGER PRIMARY KEY, point INTEGER, trial INTEGER, seed TEXT, params TEXT,
                          status TEXT, error TEXT, attempts INTEGER, started_at REAL, finished_at REAL,
                          seconds REAL);
        CREATE TABLE trace(run_id INTEGER, step INTEGER, metric TEXT, value REAL);
        CREATE TABLE final(run_id INTEGER, metric TEXT, value REAL, ord INTEGER);
        CREATE TABLE artifacts(run_id INTEGER, name TEXT, json TEXT);
    """)
    con.executemany("INSERT INTO meta VALUES(?, ?)", [("experiment", "fig2"), ("scale", "smoke")])
    runs = [(1, "done", None, 0.0, 0.10), (2, "done", None, 1.0, 0.0),  # 2: diverged, scored 0
            (3, "failed", "the network diverged: the loss became NaN at step 7", None, None)]
    for rid, status, error, diverged, test_error in runs:
        con.execute("INSERT INTO runs VALUES(?, 0, ?, '1', ?, ?, ?, 1, 0, 0, 1)",
                    (rid, rid - 1, json.dumps({"lambda": "0"}), status, error))
        if diverged is not None:
            con.executemany("INSERT INTO final VALUES(?, ?, ?, ?)",
                            [(rid, "test_error", test_error, 0), (rid, "diverged", diverged, 1)])
    con.commit()
    con.close()


def test_diverged_and_failed_runs_are_not_results(tmp_path):
    make_store(tmp_path)
    res = results.load(tmp_path)
    assert [r.id for r in res.done()] == [1]
    assert [r.id for r in res.failed()] == [2, 3]
    assert "diverged" in res.failed()[0].error
    assert all(r.final("test_error") != 0.0 for r in res.done())


def test_report_lists_failed_trials_with_their_reasons(tmp_path):
    make_store(tmp_path)
    res = results.load(tmp_path)

    class NoAnalysis:
        claims, figures, tables, notes = [], [], [], []

    md = report.markdown(res, NoAnalysis(), "")
    assert "1 of 3 trials done" in md
    assert "## Failed trials" in md
    assert "2 trial(s) failed" in md
    assert "the loss became NaN at step 7" in md
