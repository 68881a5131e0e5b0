"""The theorems' objects stored beside every trained net (experiment/reference.hpp) are the same
objects `marginlab certify --global` and `marginlab margin l1svm` compute by hand on the trial's
data, do not depend on the thread count, and bad reference options are clear errors."""
import json
import sqlite3

import pytest


def finals_by_run(out):
    con = sqlite3.connect(out / "results.sqlite")
    rows = {}
    for rid, params in con.execute("SELECT id, params FROM runs WHERE status = 'done'"):
        rows[rid] = {"params": json.loads(params), "finals": {}}
    for rid, metric, value in con.execute("SELECT run_id, metric, value FROM final"):
        if rid in rows:
            rows[rid]["finals"][metric] = value
    con.close()
    return list(rows.values())


def test_thm21_optimum_agrees_with_certify_global(cli, tmp_path):
    out = tmp_path / "thm21"
    cli("run", "thm21", "--scale", "smoke", "--out", out)
    runs = finals_by_run(out)
    assert runs
    for r in runs:
        p, f = r["params"], r["finals"]
        j = json.loads(cli("certify", "--global", "--data", p["data"], "--test-data", p["test_data"],
                           "--lambda", p["lambda"], "--json").stdout)["global"]
        assert f["opt_objective"] == pytest.approx(j["objective"], rel=1e-12)
        assert f["opt_lower"] == pytest.approx(j["bracket"][0], rel=1e-12)
        assert f["opt_certified"] == (1.0 if j["certified"] else 0.0)
        assert f["opt_test_error"] == pytest.approx(j["network"]["test_error"], abs=0)
        assert f["opt_width"] == j["network"]["width"]
        # The trained net's objective is never below the attained optimum by more than the
        # optimum's own estimated gap, and its stored gap is objective − lower end.
        assert f["net_gap"] == pytest.approx(f["net_objective"] - f["net_dual"], rel=1e-9, abs=1e-15)
        assert f["net_objective"] >= f["opt_lower"] - 1e-12
        m = json.loads(cli("margin", "l1svm", "--data", p["data"], "--test-data", p["test_data"], "--json").stdout)
        assert f["mm_gamma_lo"] == pytest.approx(m["lower"], rel=1e-12)
        assert f["mm_target"] == pytest.approx(m["lower"] / 2, rel=1e-12)


def test_fig5_optimum_margin_agrees_with_certify_global(cli, tmp_path):
    out = tmp_path / "fig5"
    cli("run", "fig5", "--scale", "smoke", "--out", out)
    runs = finals_by_run(out)
    checked = 0
    for r in runs:
        p, f = r["params"], r["finals"]
        j = json.loads(cli("certify", "--global", "--data", p["data"], "--lambda", p["lambda"], "--json").stdout)["global"]
        assert j["certified"] and f["opt_certified"] == 1.0  # exact oracle in d = 2
        assert f["opt_objective"] == pytest.approx(j["objective"], rel=1e-12)
        if "opt_margin" in f and f["opt_margin"] is not None and j["network"]["width"] > 0:
            assert f["opt_margin"] == pytest.approx(j["network"]["normalized_margin"], rel=1e-12)
            checked += 1
    assert checked >= 1


def test_references_do_not_depend_on_the_thread_count(cli, tmp_path):
    finals = []
    for threads in (1, 2):
        out = tmp_path / f"t{threads}"
        cli("run", "fig2", "--scale", "smoke", "--out", out, "--threads", threads)
        runs = sorted(finals_by_run(out), key=lambda r: (r["params"]["lambda"], r["params"]["data"]))
        finals.append([{k: v for k, v in r["finals"].items() if k.startswith(("opt_", "mm_", "net_"))
                        and not k.endswith("seconds")} for r in runs])
    assert finals[0] == finals[1]
    assert any("opt_objective" in f for f in finals[0]) and any("mm_target" in f for f in finals[0])


@pytest.mark.parametrize("setting, message", [
    ("optimum=maybe", "optimum"), ("reference_oracle=magic", "reference_oracle"),
    ("optimum_max_rounds=0", "optimum_max_rounds must be >= 1")])
def test_bad_reference_options_are_clear_errors(cli, tmp_path, setting, message):
    out = tmp_path / "bad"
    r = cli("run", "fig2", "--scale", "smoke", "--out", out, "--set", setting, check=False)
    assert r.returncode == 2 and message in r.stderr, r.stderr
    assert not out.exists() or not list(out.iterdir())
