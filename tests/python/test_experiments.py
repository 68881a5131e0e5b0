"""Every built-in experiment runs at smoke scale, resumes without re-running anything, and
its report writes figures, report.md/html and a summary.json whose claims have verdicts."""
import json
import pathlib
import sqlite3

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXPERIMENTS = sorted(p.stem for p in (ROOT / "experiments").glob("*.toml"))
VERDICTS = {"supported", "not supported", "inconclusive", "not measured"}


def test_list_shows_every_experiment(cli):
    out = json.loads(cli("list", "--json").stdout)
    assert sorted(e["name"] for e in out) == EXPERIMENTS
    for e in out:
        assert {"smoke", "quick", "paper"} <= set(e["scales"]), e["name"]


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_smoke_run_and_report(cli, tmp_path, name):
    out = tmp_path / name
    summary = json.loads(cli("run", name, "--scale", "smoke", "--out", out, "--json").stdout)
    assert summary["remaining"] == 0 and summary["failed"] == 0 and summary["ran"] == summary["total"] > 0
    # Re-running the finished experiment runs nothing and changes nothing.
    db = sqlite3.connect(out / "results.sqlite")
    before = db.execute("SELECT id, finished_at FROM runs ORDER BY id").fetchall()
    again = json.loads(cli("run", name, "--scale", "smoke", "--out", out, "--json").stdout)
    assert again["ran"] == 0 and again["already_done"] == summary["total"]
    assert db.execute("SELECT id, finished_at FROM runs ORDER BY id").fetchall() == before
    db.close()
    assert (out / "runs.csv").exists() and (out / "trace.csv").exists()

    cli("report", out)
    result = json.loads((out / "summary.json").read_text())
    assert result["experiment"] == name and result["claims"], result
    for claim in result["claims"]:
        assert claim["verdict"] in VERDICTS, claim
        assert claim["source"] and claim["metric"], claim
    assert (out / "report.md").read_text().startswith(f"# {name}")
    # Neither the run nor the report leaves SQLite's write-ahead log behind.
    assert not list(out.glob("results.sqlite-*")), sorted(p.name for p in out.iterdir())
    assert (out / "report.html").exists()
    pngs = list((out / "figures").glob("*.png"))
    assert pngs and all(p.stat().st_size > 5000 for p in pngs)
    assert len(list((out / "figures").glob("*.svg"))) == len(pngs)


def test_bad_config_is_a_clear_error(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[experiment]\nname = "x"\nkind = "nn-train"\ncolour = 1\n[scale.smoke]\n')
    r = cli("run", bad, "--scale", "smoke", "--out", tmp_path / "o", check=False)
    assert r.returncode == 2 and "bad.toml:4: unknown key 'colour'" in r.stderr, r.stderr
    r = cli("run", "fig2", "--scale", "huge", "--out", tmp_path / "o2", check=False)
    assert r.returncode == 2 and "no scale 'huge'" in r.stderr, r.stderr
