"""`marginlab run --shard i/N` and `marginlab merge`: shards of a real experiment, merged, store
exactly what one plain run stores (the scheduler-without-MPI path of docs/cluster.md)."""
import json
import sqlite3


def stored(directory):
    """The runs table (ids, seeds, parameters, status), the finals and the trace, without the
    wall-clock metrics (*seconds), which no two runs share."""
    con = sqlite3.connect(f"file:{directory}/results.sqlite?mode=ro", uri=True)
    runs = con.execute("SELECT id, point, trial, seed, params, status FROM runs ORDER BY id").fetchall()
    finals = con.execute("SELECT r.point, r.trial, f.metric, f.value, f.ord FROM final f JOIN runs r "
                         "ON r.id = f.run_id WHERE f.metric NOT LIKE '%seconds' AND f.metric NOT LIKE '%per_second' ORDER BY 1, 2, 3").fetchall()
    trace = con.execute("SELECT r.point, r.trial, t.step, t.metric, t.value FROM trace t JOIN runs r "
                        "ON r.id = t.run_id WHERE t.metric NOT LIKE '%seconds' AND t.metric NOT LIKE '%per_second' ORDER BY 1, 2, 3, 4").fetchall()
    con.close()
    return runs, finals, trace


def test_shards_merged_equal_a_plain_run(cli, tmp_path):
    cli("run", "fig4", "--scale", "smoke", "--out", tmp_path / "plain", "--threads", 2)
    for i in range(3):
        r = json.loads(cli("run", "fig4", "--scale", "smoke", "--shard", f"{i}/3", "--out", tmp_path / f"s{i}",
                           "--threads", 1, "--json").stdout)
        assert r["failed"] == 0
    m = json.loads(cli("merge", "--out", tmp_path / "merged", *(tmp_path / f"s{i}" for i in range(3)),
                       "--json").stdout)
    assert m["pending"] == 0 and m["copied"] == m["trials"]
    assert stored(tmp_path / "merged") == stored(tmp_path / "plain")
    assert (tmp_path / "merged" / "runs.csv").exists()
    # A shard folder is never resumed as something else; a bad --shard names the flag.
    r = cli("run", "fig4", "--scale", "smoke", "--out", tmp_path / "s0", check=False)
    assert r.returncode == 2 and "holds shard 0/3 of a sweep" in r.stderr
    r = cli("run", "fig4", "--scale", "smoke", "--shard", "3/3", check=False)
    assert r.returncode == 2 and "--shard: expected i/N with 0 <= i < N" in r.stderr
    r = cli("merge", "--out", tmp_path / "s1", tmp_path / "s1", check=False)
    assert r.returncode == 2 and "is also an input" in r.stderr


def _computed(directory, metric):
    con = sqlite3.connect(f"file:{directory}/results.sqlite?mode=ro", uri=True)
    n = con.execute("SELECT COUNT(*) FROM final WHERE metric = ? AND value > 0", (metric,)).fetchone()[0]
    con.close()
    return n


def test_a_resumed_run_reads_the_references_the_first_process_computed(cli, tmp_path):
    """fig2's trials share the max-margin net per training set (and Θ_λ per set and λ). A run
    stopped after one trial and resumed by a new process reads what the first one computed from
    the folder (DIR/.cache): each reference is computed once over both processes, and the store
    equals one plain run's."""
    cli("run", "fig2", "--scale", "smoke", "--out", tmp_path / "plain", "--threads", 1)
    cli("run", "fig2", "--scale", "smoke", "--out", tmp_path / "two", "--threads", 1, "--max-trials", 1)
    cli("run", "fig2", "--scale", "smoke", "--out", tmp_path / "two", "--threads", 1)
    assert stored(tmp_path / "two") == stored(tmp_path / "plain")
    for metric in ("mm_seconds", "opt_seconds"):  # > 0 only where a process computed it
        assert _computed(tmp_path / "two", metric) == _computed(tmp_path / "plain", metric) == 2, metric
    # Without the folder's values the second process computes its own (what the cache saves).
    import shutil
    cli("run", "fig2", "--scale", "smoke", "--out", tmp_path / "cold", "--threads", 1, "--max-trials", 1)
    shutil.rmtree(tmp_path / "cold" / ".cache")
    cli("run", "fig2", "--scale", "smoke", "--out", tmp_path / "cold", "--threads", 1)
    assert _computed(tmp_path / "cold", "mm_seconds") == 3
    assert stored(tmp_path / "cold") == stored(tmp_path / "plain")
