"""`mpirun -np N marginlab run`: rank 0 writes the store and hands trials out, workers run them.
The store holds what a plain run stores (bit for bit but wall-clock metrics) for any N and any
threads per rank; a bad config is one error from rank 0; a rank SIGKILLed mid-run loses nothing
that had finished, and the rerun completes the sweep exactly once."""
import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from test_shards import stored

ROOT = pathlib.Path(__file__).resolve().parents[2]
MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")


@pytest.fixture(scope="module")
def mpirun(cli):
    if "[x] mpi" not in cli("version").stdout:
        pytest.fail("this marginlab was built without MPI (scripts/setup installs Open MPI)")
    path = shutil.which("mpirun")
    if path is None:
        pytest.fail("mpirun not found: scripts/setup installs openmpi-bin")
    exe = os.environ.get("MARGINLAB_CLI")

    def run(n, *args, check=True, **kw):
        r = subprocess.run([path, "-np", str(n), "--oversubscribe", exe, *map(str, args)], env=MPI_ENV,
                           capture_output=True, text=True, timeout=600, **kw)
        if check and r.returncode != 0:
            raise AssertionError(f"mpirun -np {n} marginlab {' '.join(map(str, args))}: {r.returncode}\n{r.stderr}")
        return r

    return run


@pytest.mark.parametrize("experiment", ["fig4", "ji-rate", "thm33", "fig2"])
def test_any_rank_count_stores_what_a_plain_run_stores(cli, mpirun, tmp_path, experiment):
    cli("run", experiment, "--scale", "smoke", "--out", tmp_path / "plain")
    for n, threads in ((2, 1), (3, 1), (3, 2)):
        out = tmp_path / f"np{n}t{threads}"
        r = mpirun(n, "run", experiment, "--scale", "smoke", "--out", out, "--threads", threads)
        assert f"({n} MPI ranks)" in r.stdout
        assert stored(out) == stored(tmp_path / "plain"), (n, threads)
        # The references trials share (thm33's L*, fig2's Θ_λ and max-margin net per training set)
        # are kept once per run in its folder, under the same keys whatever the ranks.
        values = sorted(p.name for p in (out / ".cache").glob("*.value"))
        assert values == sorted(p.name for p in (tmp_path / "plain" / ".cache").glob("*.value")), values
        kinds = sorted({v.rsplit("-", 1)[0] for v in values})
        assert kinds == {"thm33": ["meanfield-Lstar"], "fig2": ["max-margin", "theta-lambda"]}.get(experiment, []), kinds
        if experiment == "thm33":
            assert len(values) == 1  # its trials share one training set


def test_resumes_a_plain_runs_folder_and_reports_errors_once(cli, mpirun, tmp_path):
    cli("run", "fig4", "--scale", "smoke", "--out", tmp_path / "plain")
    cli("run", "fig4", "--scale", "smoke", "--out", tmp_path / "part", "--max-trials", 2)
    r = mpirun(3, "run", "fig4", "--scale", "smoke", "--out", tmp_path / "part", "--json")
    assert '"already_done":2' in r.stdout and '"ran":2' in r.stdout
    assert stored(tmp_path / "part") == stored(tmp_path / "plain")
    bad = mpirun(3, "run", "fig4", "--scale", "nosuch", "--out", tmp_path / "bad", check=False)
    assert bad.returncode == 2
    assert bad.stderr.count("marginlab: error:") == 1 and "no scale 'nosuch'" in bad.stderr
    assert not (tmp_path / "bad").exists()


def finished(out):
    """(id, finished_at) of the done trials, read while a run may be writing (WAL)."""
    if not (out / "results.sqlite").exists():
        return []
    try:
        con = sqlite3.connect(f"file:{out}/results.sqlite?mode=ro", uri=True, timeout=5)
        rows = con.execute("SELECT id, finished_at FROM runs WHERE status = 'done' ORDER BY id").fetchall()
        con.close()
        return rows
    except sqlite3.OperationalError:
        return []


@pytest.mark.parametrize("victim", [0, 1], ids=["rank 0", "a worker"])
def test_a_rank_killed_mid_run_loses_nothing(cli, mpirun, tmp_path, victim):
    # fig3-synthetic's smoke sweep with 12 trials instead of 4: with three ranks running trials,
    # 4 trials of about a second could all be done by the time the kill lands (seen in a run).
    toml = tmp_path / "fig3-synthetic.toml"
    text = (ROOT / "experiments" / "fig3-synthetic.toml").read_text()
    assert "[scale.smoke]\ntrials = 2\n" in text
    toml.write_text(text.replace("[scale.smoke]\ntrials = 2\n", "[scale.smoke]\ntrials = 6\n"))
    cli("run", toml, "--scale", "smoke", "--out", tmp_path / "plain", "--threads", "2")
    out = tmp_path / "killed"
    proc = subprocess.Popen([shutil.which("mpirun"), "-np", "3", "--oversubscribe", os.environ["MARGINLAB_CLI"],
                             "run", str(toml), "--scale", "smoke", "--out", str(out), "--threads", "1"],
                            env=MPI_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ranks = []
    deadline = time.time() + 30
    while len(ranks) < 3 and time.time() < deadline:  # the ranks are mpirun's children
        r = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
        ranks = sorted(int(p) for p in r.stdout.split())
        time.sleep(0.05)
    assert len(ranks) == 3, ranks
    done_before = []
    while not done_before and time.time() < deadline + 60:  # kill once a trial is committed
        time.sleep(0.05)
        done_before = finished(out)
    os.kill(ranks[victim], signal.SIGKILL)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        # Seen once in CI (2026-12-01): mpirun had not ended the job 120 s after rank 0's SIGKILL.
        # What this test checks is the store after a rank dies, however the others end: end them
        # as a lost node would.
        for pid in ranks:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.kill()
        proc.wait(timeout=60)
    left = finished(out)
    assert done_before and len(left) < 12, "the kill came after the sweep had finished"
    mpirun(3, "run", toml, "--scale", "smoke", "--out", out)
    assert stored(out) == stored(tmp_path / "plain")
    after = dict(finished(out))
    for run_id, finished_at in left:  # what had finished was kept, not run again
        assert after[run_id] == finished_at


def _arrays(path):
    import numpy as np
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


TRAIN = ("train", "--data", "wei-d:n=120,d=8,seed=3", "--test-data", "wei-d:n=60,d=8,seed=4",
         "--width", 48, "--lambda", 1e-3, "--steps", 120, "--lr", 0.2, "--log-points", 3)


@pytest.mark.parametrize("extra", [(), ("--optimizer", "sgd", "--batch-size", 17, "--loss", "cross-entropy")])
def test_train_data_parallel_repeats_and_matches_one_process(cli, mpirun, tmp_path, extra):
    """`mpirun -np N marginlab train`: the ranks train one network together (gradients summed in
    rank order); rank 0 saves it. For a given N a run repeats bit for bit; against one process
    only the summation order differs, so the parameters agree to rounding (and are not the same
    bits: the test sees the sum)."""
    import numpy as np
    cli(*TRAIN, *extra, "--save", tmp_path / "one.npz")
    one = _arrays(tmp_path / "one.npz")
    for n in (2, 3):
        r = mpirun(n, *TRAIN, *extra, "--save", tmp_path / f"np{n}.npz")
        assert f"data-parallel on {n} MPI ranks" in r.stdout and r.stdout.count("saved parameters") == 1
        mpirun(n, *TRAIN, *extra, "--save", tmp_path / f"np{n}-again.npz")
        assert (tmp_path / f"np{n}.npz").read_bytes() == (tmp_path / f"np{n}-again.npz").read_bytes()
        got = _arrays(tmp_path / f"np{n}.npz")
        finals = [k for k in one if k.startswith("final") and one[k].dtype.kind == "f"]
        assert finals
        for k in finals:
            scale = np.abs(one[k]).max()
            assert np.abs(got[k] - one[k]).max() <= 1e-11 * scale, (n, k)
        assert any(not np.array_equal(got[k], one[k]) for k in finals), n


def test_train_data_parallel_refusals_are_one_error(mpirun, tmp_path):
    r = mpirun(2, *TRAIN, "--optimizer", "normalized-gd", check=False)
    assert r.returncode == 2 and r.stderr.count("marginlab: error:") == 1, r.stderr
    assert "normalized-gd cannot train data-parallel" in r.stderr
    r = mpirun(3, *TRAIN, "--optimizer", "sgd", "--batch-size", 2, check=False)
    assert r.returncode == 2 and r.stderr.count("marginlab: error:") == 1, r.stderr
    assert "3 members" in r.stderr


def test_groups_of_ranks_train_each_trial_together(cli, mpirun, tmp_path):
    """`--ranks-per-trial K`: rank 0 dispatches, groups of K ranks train each network data-parallel.
    The store holds the plain run's sweep with each trial marked data_parallel_ranks = K and its
    numbers equal to rounding; they depend on K only, not on how many groups ran (-np 3 and 5)."""
    cli("run", "fig3-mnist", "--scale", "smoke", "--out", tmp_path / "plain")
    for n in (3, 5):
        r = mpirun(n, "run", "fig3-mnist", "--scale", "smoke", "--out", tmp_path / f"np{n}", "--ranks-per-trial", 2,
                   "--threads", 1)
        assert f"({n} MPI ranks)" in r.stdout
    assert stored(tmp_path / "np3") == stored(tmp_path / "np5")
    plain_runs, plain_finals, plain_trace = stored(tmp_path / "plain")
    runs, finals, trace = stored(tmp_path / "np3")
    assert runs == plain_runs
    marks = [f for f in finals if f[2] == "data_parallel_ranks"]
    assert len(marks) == len(runs) and all(f[3] == 2.0 for f in marks)
    rest = [f for f in finals if f[2] != "data_parallel_ranks"]
    assert [f[:3] for f in rest] == [f[:3] for f in plain_finals]
    assert [t[:4] for t in trace] == [t[:4] for t in plain_trace]
    for got, want in zip(rest, plain_finals):
        assert got[3] == pytest.approx(want[3], rel=1e-9, abs=1e-12), got
    for got, want in zip(trace, plain_trace):
        assert got[4] == pytest.approx(want[4], rel=1e-9, abs=1e-12, nan_ok=True), got
    # What cannot be grouped is refused before the folder exists.
    for n, exp in ((4, "fig3-mnist"), (3, "fig4")):
        bad = mpirun(n, "run", exp, "--scale", "smoke", "--out", tmp_path / "bad", "--ranks-per-trial", 2, check=False)
        assert bad.returncode == 2 and bad.stderr.count("marginlab: error:") == 1, bad.stderr
        assert "--ranks-per-trial 2" in bad.stderr
        assert not (tmp_path / "bad").exists()
    r = cli("run", "fig3-mnist", "--scale", "smoke", "--out", tmp_path / "bad", "--ranks-per-trial", 2, check=False)
    assert r.returncode == 2 and "needs an MPI launch" in r.stderr and not (tmp_path / "bad").exists()
