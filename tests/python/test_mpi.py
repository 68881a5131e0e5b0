"""`mpirun -np N marginlab run`: rank 0 writes the store and hands trials out, workers run them.
The store holds what a plain run stores (bit for bit but wall-clock metrics) for any N and any
threads per rank; a bad config is one error from rank 0; a rank SIGKILLed mid-run loses nothing
that had finished, and the rerun completes the sweep exactly once."""
import os
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from test_shards import stored

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


@pytest.mark.parametrize("experiment", ["fig4", "ji-rate"])
def test_any_rank_count_stores_what_a_plain_run_stores(cli, mpirun, tmp_path, experiment):
    cli("run", experiment, "--scale", "smoke", "--out", tmp_path / "plain")
    for n, threads in ((2, 1), (3, 1), (3, 2)):
        out = tmp_path / f"np{n}t{threads}"
        r = mpirun(n, "run", experiment, "--scale", "smoke", "--out", out, "--threads", threads)
        assert f"({n} MPI ranks)" in r.stdout
        assert stored(out) == stored(tmp_path / "plain"), (n, threads)


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
    cli("run", "fig3-synthetic", "--scale", "smoke", "--out", tmp_path / "plain")
    out = tmp_path / "killed"
    proc = subprocess.Popen([shutil.which("mpirun"), "-np", "3", "--oversubscribe", os.environ["MARGINLAB_CLI"],
                             "run", "fig3-synthetic", "--scale", "smoke", "--out", str(out), "--threads", "1"],
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
    proc.wait(timeout=120)
    left = finished(out)
    assert done_before and len(left) < 4, "the kill came after the sweep had finished"
    mpirun(3, "run", "fig3-synthetic", "--scale", "smoke", "--out", out)
    assert stored(out) == stored(tmp_path / "plain")
    after = dict(finished(out))
    for run_id, finished_at in left:  # what had finished was kept, not run again
        assert after[run_id] == finished_at
