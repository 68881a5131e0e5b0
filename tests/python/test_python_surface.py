"""The Python surface as hard to break as the CLI (issue 33): every defect a reviewer found is a
regression test here — crashes and hangs, allocation before validation, layouts, values accepted
that should not be, errors that did not name their argument — and the new behaviour: Ctrl-C,
progress and callbacks, real signatures (inspect, help, mypy), one λ, options that do not apply,
result keys that do not depend on certification. (The estimators' habits are in
test_estimators.py, damaged stores in test_damaged_stores.py, the broad campaign in
test_module_campaign.py.)"""
import inspect
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import marginlab as ml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
D = ml.data.generate("wei-d", d=6, n=40, seed=2)


def run_python(code, timeout=60):
    """Runs `code` in a fresh interpreter (a crash there cannot take pytest down)."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout)


def misaligned(a):
    """A float64 view of `a`'s values at a byte offset of 1 (not aligned to 8), Fortran order."""
    a = np.asfortranarray(a, dtype=float)
    buf = np.zeros(a.nbytes + 1, dtype=np.uint8)
    view = np.frombuffer(buf.data, dtype=np.float64, count=a.size, offset=1).reshape(a.shape, order="F")
    view[...] = a
    assert view.ctypes.data % 8 != 0
    return view


# --- 1. crashes and hangs ------------------------------------------------------------------------

def test_huge_thread_counts_are_refused_not_a_crash(cli):
    r = run_python("""
        import marginlab as ml
        d = ml.data.generate("wei-d", d=4, n=10, seed=1)
        for call in (lambda: ml.meanfield.flow(d.X, d.y, threads=10**6, steps=3, particles=10, oracle="none",
                                                reference="none", lambda_=1e-3),
                     lambda: ml.set_threads(10**9), lambda: ml.set_threads(100000)):
            try:
                call()
                print("accepted")
            except ValueError as e:
                print("refused:", e)
        print("threads now", ml.threads())
        """)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("refused: flow: threads: expected a thread count from 0 (all cores) to 1024")
    assert lines[1].startswith("refused: n: expected an integer from 0 to 1024") and lines[2].startswith("refused")
    res = cli("meanfield", "--data", "wei-d:d=4,n=10", "--threads", 1000000, "--steps", 3, check=False)
    assert res.returncode == 2 and "threads" in res.stderr and res.stderr.count("\n") == 1, res.stderr


# --- 2. sizes checked before anything is allocated or copied --------------------------------------

def test_sizes_are_checked_before_allocating():
    for kw in (dict(width=10 ** 12), dict(samples=10 ** 12)):
        with pytest.raises(ValueError, match="Monte-Carlo NTK .* memory budget"):
            ml.kernel.monte_carlo_ntk(D.X[:3], **kw)
    huge = np.broadcast_to(np.ones((1, 1)), (10 ** 12, 1))      # a view of one number
    with pytest.raises(ValueError, match=r"^X \(1000000000000 elements as float64\) would need 7.28 TiB"):
        ml.kernel.gram(huge)
    with pytest.raises(ValueError, match=r"^X1 .* would need"):
        ml.kernel.empirical_ntk([np.ones((2, 1)), np.ones((1, 2))], huge)


# --- 3. every float64 layout works, with the numbers of a contiguous copy -------------------------

def test_misaligned_arrays_give_the_numbers_of_a_contiguous_copy():
    X, y = D.X, D.y
    Xm = misaligned(X)
    K = ml.kernel.gram(X)
    same = lambda a, b: all(np.array_equal(u, v) for u, v in zip(a, b))  # noqa: E731
    assert same(ml.nn.train(Xm, y, width=8, steps=20)[0]["final"], ml.nn.train(X, y, width=8, steps=20)[0]["final"])
    fit = lambda A: ml.kernel.fit(A, y, predictor="ridge", lambda_=1e-3)["fits"][0]["coefficients"]  # noqa: E731
    assert np.array_equal(fit(Xm), fit(X))
    assert np.array_equal(ml.kernel.kernel_svm(misaligned(K), y)["beta"], ml.kernel.kernel_svm(K, y)["beta"])
    assert ml.margin.l1svm(Xm, y)["lower"] == ml.margin.l1svm(X, y)["lower"]
    assert np.array_equal(ml.kernel.ridge_solve(misaligned(K), y, 1e-3), ml.kernel.ridge_solve(K, y, 1e-3))
    assert np.array_equal(ml.kernel.gram(X[::-1]), ml.kernel.gram(np.ascontiguousarray(X[::-1])))
    ro = X.copy()
    ro.flags.writeable = False
    assert np.array_equal(ml.kernel.gram(ro), K)


# --- 4. values that must be refused ---------------------------------------------------------------

def test_bad_values_are_refused_naming_the_argument(tmp_path):
    W = [np.ones((3, 6)), np.ones((1, 3))]
    for call in (lambda: ml.nn.outputs(W, D.X, output_scale=np.nan),
                 lambda: ml.margin.normalized_margin(W, D.X, D.y, output_scale=np.nan),
                 lambda: ml.kernel.empirical_ntk(W, D.X, output_scale=np.nan),
                 lambda: ml.nn.save_network(tmp_path / "net.npz", W, output_scale=np.inf)):
        with pytest.raises(ValueError, match=r"^output_scale: expected a finite number"):
            call()
    assert not (tmp_path / "net.npz").exists()
    with pytest.raises(ValueError, match=r"^global_optimum: lambda must be finite and > 0"):
        ml.margin.global_optimum(D.X, D.y, lambda_=np.inf)
    K = ml.kernel.gram(D.X)
    K[0, 1] += 1.0
    with pytest.raises(ValueError, match=r"^K: expected a symmetric kernel matrix, but K\[1, 0\]"):
        ml.kernel.RidgePath(K, D.y)
    with pytest.raises(ValueError, match=r"^K: expected a symmetric kernel matrix"):
        ml.kernel.kernel_svm(K, D.y)
    with pytest.raises(TypeError, match=r"^save: expected a path \(str or os.PathLike\), got int"):
        ml.nn.train(D.X, D.y, width=4, steps=2, save=5)
    assert not os.path.exists("5")
    with pytest.raises(ValueError, match=r"parameter 'd': expected an integer, got '5,seed=7'"):
        ml.data.generate("wei-d", d="5,seed=7", n=20)    # never pasted into a spec string


def test_files_with_commas_and_npz_archives_load(tmp_path):
    X, y = D.X, D.y
    path = tmp_path / "a,b=c.csv"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=",".join([f"x{i}" for i in range(6)] + ["y"]),
               comments="")
    by_path = ml.data.load(path)                              # an existing path is a path
    by_source = ml.data.load("csv", path=str(path))           # a keyword value is used as it is
    for d in (by_path, by_source):
        assert np.array_equal(d.X, X) and np.array_equal(d.y, y)
    np.savez(tmp_path / "data.npz", X=X, y=y)
    archive = ml.data.load(tmp_path / "data.npz")             # members X and y, as numpy.savez writes
    assert np.array_equal(archive.X, X) and np.array_equal(archive.y, y) and archive.kind == "binary"
    np.savez(tmp_path / "other.npz", A=X)
    with pytest.raises(ValueError, match=r"other.npz: no member 'X.npy'"):
        ml.data.load(tmp_path / "other.npz")


# --- 5. errors that name their argument, with the right type ----------------------------------------

def test_integers_beyond_64_bits_name_their_argument():
    with pytest.raises(ValueError, match=r"^train: steps: 10{30} is out of range \(a 64-bit integer\)"):
        ml.nn.train(D.X, D.y, steps=10 ** 30)
    with pytest.raises(ValueError, match=r"^train: seed: 18446744073709551616 is out of range"):
        ml.nn.train(D.X, D.y, seed=2 ** 64)
    with pytest.raises(ValueError, match=r"^global_optimum: max_rounds: .* out of range"):
        ml.margin.global_optimum(D.X, D.y, lambda_=1e-3, max_rounds=10 ** 30)
    with pytest.raises(TypeError, match=r"^train: steps: expected an integer, got bool"):
        ml.nn.train(D.X, D.y, steps=True)


def test_ntk_regime_predict_and_ridge_path_name_their_arguments():
    K = ml.kernel.gram(D.X[:20])
    y = D.y[:20]
    with pytest.raises(TypeError, match=r"^steps: expected a number, got str"):
        ml.kernel.ntk_regime_predict(K, y, 1.0, "10")
    with pytest.raises(TypeError, match=r"^y: expected an array of real numbers"):
        ml.kernel.ntk_regime_predict(K, ["a"] * 20, 1.0, 10)
    with pytest.raises(TypeError, match=r"^y: expected an array of real numbers"):
        ml.kernel.ntk_regime_predict(K, None, 1.0, 10)
    with pytest.raises((TypeError, ValueError), match=r"^Y: expected an array of numbers"):
        ml.kernel.RidgePath(np.eye(3), [[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match=r"^init: expected a list of layers"):
        ml.nn.train(D.X, D.y, init="abc")
    with pytest.raises(ValueError, match=r"^certify: oracle must be auto, exact, bnb or ascent \(got .magic.\)"):
        ml.margin.certify([np.ones((3, 6)), np.ones((1, 3))], D.X, D.y, lambda_=1e-3, oracle="magic")


# --- 7. Ctrl-C ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    "ml.nn.train(d.X, d.y, width=64, steps=10**9)",
    "ml.kernel.gram(np.random.default_rng(0).standard_normal((30000, 40)))",
    "ml.meanfield.flow(d.X, d.y, lambda_=1e-3, steps=10**8, oracle='none', reference='none')",
    "ml.margin.global_optimum(*ml.data.load('teacher:d=10,n=2000,k=10,seed=1'), lambda_=1e-6, oracle='ascent',"
    " max_rounds=20000)",   # minutes of column generation
])
def test_sigint_stops_a_long_call_with_keyboard_interrupt_within_two_seconds(call):
    r = run_python(f"""
        import os, signal, threading, time
        import numpy as np
        import marginlab as ml
        d = ml.data.generate("wei-d", d=8, n=200, seed=1)
        threading.Timer(2.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        t0 = time.monotonic()
        try:
            {call}
            print("finished", time.monotonic() - t0)
        except KeyboardInterrupt:
            print("interrupted", time.monotonic() - t0)
        """, timeout=120)
    assert r.returncode == 0, r.stderr
    word, seconds = r.stdout.split()
    assert word == "interrupted", r.stdout
    assert float(seconds) < 4.0, f"stopped {float(seconds) - 2:.2f} s after the SIGINT"


def test_sigint_during_an_experiment_keeps_the_store_and_the_rerun_finishes(tmp_path):
    out = tmp_path / "fig2"
    r = run_python(f"""
        import os, signal, threading
        import marginlab as ml
        threading.Timer(3.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        try:
            ml.experiment.run("fig2", scale="smoke", out={str(out)!r}, threads=1)
            print("finished")
        except KeyboardInterrupt:
            print("interrupted")
        """, timeout=300)
    assert r.returncode == 0, r.stderr
    leftovers = [p.name for p in out.iterdir() if ".tmp-" in p.name]
    assert not leftovers, leftovers
    s = ml.experiment.run("fig2", scale="smoke", out=out, threads=1)
    assert s["remaining"] == 0 and s["failed"] == 0
    if r.stdout.strip() == "interrupted":
        assert s["already_done"] < s["total"]          # the rerun ran what the interrupt left
    res = ml.experiment.load(out)
    assert all(run.status == "done" for run in res.runs)


def test_a_callers_own_sigint_handler_is_respected():
    r = run_python("""
        import os, signal, threading
        import marginlab as ml
        d = ml.data.generate("wei-d", d=8, n=200, seed=1)
        seen = []
        signal.signal(signal.SIGINT, lambda s, f: seen.append(s))
        threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        try:
            ml.nn.train(d.X, d.y, width=64, steps=10**9)
        except KeyboardInterrupt:
            print("interrupted", seen)
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "interrupted [2]"      # the handler ran once; the call still ended


# --- progress and callbacks ------------------------------------------------------------------------

def test_train_callback_sees_logged_steps_and_false_stops_early():
    seen = []
    full = ml.nn.train(D.X, D.y, width=8, steps=200, log_points=10)[0]
    trial = ml.nn.train(D.X, D.y, width=8, steps=200, log_points=10, callback=seen.append)[0]
    assert [r["step"] for r in seen] == [r["step"] for r in trial["trace"]]
    assert all(np.array_equal(a, b) for a, b in zip(trial["final"], full["final"]))   # observing changes nothing
    stopped = ml.nn.train(D.X, D.y, width=8, steps=200, log_points=10, callback=lambda r: r["step"] < 50)[0]
    assert stopped["termination"] == "stopped" and stopped["steps"] < 200 and "observer" in stopped["message"]

    def bad(record):
        raise RuntimeError("from the callback")
    with pytest.raises(RuntimeError, match="from the callback"):
        ml.nn.train(D.X, D.y, width=8, steps=200, callback=bad)
    with pytest.raises(TypeError, match=r"^callback: expected a callable"):
        ml.nn.train(D.X, D.y, width=8, steps=10, callback=3)


def test_progress_prints_and_callbacks_reach_every_long_call(tmp_path, capsys):
    rounds, steps, trials = [], [], []
    g = ml.margin.global_optimum(D.X, D.y, lambda_=1e-4, callback=rounds.append, progress=True)
    assert rounds and rounds[-1]["round"] == g["rounds"] and rounds[-1]["upper"] == pytest.approx(g["objective"])
    l1 = ml.margin.l1svm(D.X, D.y, callback=rounds.append)
    assert rounds[-1]["lower"] == l1["lower"]
    f = ml.meanfield.flow(D.X, D.y, lambda_=1e-3, steps=100, particles=20, oracle="none", reference="none",
                          callback=steps.append)
    assert [r["step"] for r in steps] == [r["step"] for r in f["trace"]][:-1]   # every logged step but the last
    ml.experiment.run("fig4", scale="smoke", out=tmp_path / "fig4", callback=trials.append, threads=1)
    assert len(trials) > 0 and trials[-1]["done"] == trials[-1]["total"]
    s = ml.experiment.run("fig4", scale="smoke", out=tmp_path / "again", callback=lambda e: False, threads=1)
    assert s["termination"] == "stopped" and s["ran"] == 1 and s["remaining"] == s["total"] - 1
    err = capsys.readouterr().err
    assert "global_optimum" in err                      # the progress bar or line


# --- visible to tools -------------------------------------------------------------------------------

def test_every_public_function_has_a_real_signature_and_a_docstring():
    sig = inspect.signature(ml.kernel.gram)
    assert "kernel" in sig.parameters and sig.parameters["kernel"].default == "ntk"
    assert sig.parameters["kernel"].kind is inspect.Parameter.KEYWORD_ONLY
    for mod in (ml.data, ml.kernel, ml.nn, ml.margin, ml.meanfield, ml.experiment):
        for name in mod.__all__:
            fn = getattr(mod, name)
            if not callable(fn):
                continue
            inspect.signature(fn)                        # never a ValueError
            doc = inspect.getdoc(fn)
            assert doc and not doc.startswith(("(", "_", "marginlab._core")), f"{mod.__name__}.{name}: {doc[:60]!r}"
    train = inspect.signature(ml.nn.train)
    assert {"lambda_", "width", "steps", "progress", "callback"} <= set(train.parameters)
    assert "lambda_" in inspect.signature(ml.margin.global_optimum).parameters
    assert inspect.signature(ml.margin.global_optimum).parameters["lambda_"].default is inspect.Parameter.empty
    import pydoc
    assert pydoc.render_doc(ml.kernel.gram, renderer=pydoc.plaintext).splitlines()[2].startswith("gram(X")


def test_mypy_sees_the_module_typed_under_import_marginlab_as_ml(tmp_path):
    pytest.importorskip("mypy")
    (tmp_path / "good.py").write_text(textwrap.dedent("""
        import numpy as np
        import marginlab as ml
        d = ml.data.generate("wei-d", d=4, n=10)
        K = ml.kernel.gram(d.X, kernel="relu", dtype="float32")
        t = ml.nn.train(d.X, d.y, width=8, lambda_=1e-3)
        c = ml.margin.certify(t[0], d.X, d.y)
        reveal_type(ml.kernel.gram)
        """))
    (tmp_path / "bad.py").write_text(textwrap.dedent("""
        import marginlab as ml
        ml.kernel.gram([[1.0]], kernle="relu")
        ml.kernel.gram([[1.0]], kernel="rleu")
        ml.nn.train([[1.0]], [1.0], steps="10")
        """))
    env = dict(os.environ, MYPYPATH=os.path.join(ROOT, "python"))
    args = [sys.executable, "-m", "mypy", "--no-incremental", "--follow-imports=silent", "--ignore-missing-imports",
            "--cache-dir", str(tmp_path / ".mypy")]
    good = subprocess.run(args + [str(tmp_path / "good.py")], capture_output=True, text=True, env=env, timeout=300)
    assert "error" not in good.stdout, good.stdout
    assert "def (X:" in good.stdout and "kernel: Literal[" in good.stdout, good.stdout   # not Any
    bad = subprocess.run(args + [str(tmp_path / "bad.py")], capture_output=True, text=True, env=env, timeout=300)
    assert 'Unexpected keyword argument "kernle"' in bad.stdout, bad.stdout
    assert "rleu" in bad.stdout and '"steps"' in bad.stdout, bad.stdout


# --- one λ, options that apply, stable keys --------------------------------------------------------

def test_one_lambda_is_the_mean_loss_lambda_everywhere(cli, tmp_path):
    X, y = D.X, D.y
    n = len(y)
    K = ml.kernel.gram(X)
    lam = 2.0 ** -10
    beta = np.linalg.solve(K + n * lam * np.eye(n), y)      # (1/n) Σ (f − y)² + λ‖f‖²_H
    assert np.allclose(ml.kernel.RidgePath(K, y).coefficients(lam)[:, 0], beta, rtol=1e-9, atol=1e-12)
    assert np.allclose(ml.kernel.ridge_solve(K, y, lam)[:, 0], beta, rtol=1e-9, atol=1e-12)
    r = ml.kernel.fit(X, y, predictor="ridge", lambda_=lam)["fits"][0]
    assert r["lambda"] == lam and np.allclose(r["coefficients"][:, 0], beta, rtol=1e-9, atol=1e-12)
    # the flow sums its loss: lambda_ = λ runs λ_sum = n·λ, the CLI's meanfield --lambda
    a = ml.meanfield.flow(X, y, lambda_=lam, steps=30, particles=10, oracle="none", reference="none")
    b = ml.meanfield.flow(X, y, lambda_sum=n * lam, steps=30, particles=10, oracle="none", reference="none")
    assert a["lambda_sum"] == n * lam and np.array_equal(a["measure"]["U"], b["measure"]["U"])
    j = [json.loads(line) for line in cli("meanfield", "--data", "wei-d:d=6,n=40,seed=2", "--lambda", n * lam,
                                          "--steps", 30, "--particles", 10, "--oracle", "none", "--reference",
                                          "none", "--json").stdout.splitlines() if line.startswith("{")]
    assert [r["objective"] for r in j if r["type"] == "trace"][-1] == b["trace"][-1]["objective"]
    with pytest.raises(TypeError, match=r"exactly one of lambda_ .* and lambda_sum"):
        ml.meanfield.flow(X, y, steps=3)
    # certify: λ is required for a bare list of layers; a network dict carries its own
    t = ml.nn.train(X, y, width=8, lambda_=1e-2, steps=50)
    with pytest.raises(TypeError, match=r"missing required argument 'lambda_'"):
        ml.margin.certify(t[0]["final"], X, y)
    assert ml.margin.certify(t[0], X, y)["lambda"] == 1e-2
    with pytest.raises(ValueError, match=r"^lambda_: the network was trained with λ = 0.01, not 0.02"):
        ml.margin.certify(t[0], X, y, lambda_=2e-2)
    assert ml.margin.certify(t[0], X, y, lambda_=2e-2, other_objective=True)["lambda"] == 2e-2


def test_options_that_do_not_apply_are_refused(cli):
    with pytest.raises(ValueError, match=r"^gram: depth is only used by the deep kernels .*kernel = ntk"):
        ml.kernel.gram(D.X, kernel="ntk", depth=3)
    with pytest.raises(ValueError, match=r"^gram: width is only used by the deep kernels with parameterization standard"):
        ml.kernel.gram(D.X, kernel="deep-ntk", width=64)
    assert np.array_equal(ml.kernel.gram(D.X, kernel="ntk", depth=2), ml.kernel.gram(D.X))   # the default: fine
    with pytest.raises(ValueError, match=r"^train: momentum is only used by optimizers momentum and nesterov"):
        ml.nn.train(D.X, D.y, optimizer="gd", momentum=0.5)
    with pytest.raises(ValueError, match=r"^flow: budget is only used by injection append"):
        ml.meanfield.flow(D.X, D.y, lambda_=1e-3, injection="redraw", budget=10)
    r = cli("kernel", "gram", "--data", "wei-d:d=4,n=10", "--kernel", "ntk", "--depth", 3, "--out", "/dev/null/K.npy",
            check=False)
    assert r.returncode == 2 and "--depth is only used by the deep kernels" in r.stderr


def test_result_keys_do_not_depend_on_certification():
    line = ml.data.generate("line1d", n=8)
    exact = ml.margin.global_optimum(line.X, line.y, lambda_=1e-2)             # d = 2: certified
    estimate = ml.margin.global_optimum(line.X, line.y, lambda_=1e-2, oracle="ascent")
    assert exact["certified"] and not estimate["certified"]
    assert set(exact) == set(estimate)
    W = exact["weights"]
    c1 = ml.margin.certify(W, line.X, line.y, lambda_=1e-2)
    c2 = ml.margin.certify(W, line.X, line.y, lambda_=1e-2, oracle="ascent")
    assert c1["certified"] and not c2["certified"] and set(c1) == set(c2)
    assert c2["oracle_upper"] is None and c1["oracle_upper"] is not None
    assert c1["lower"] <= c1["objective"] and c1["gap"] == pytest.approx(c1["objective"] - c1["lower"])


# --- neural-tangents habits ---------------------------------------------------------------------------

def test_ntk_regime_predict_over_an_array_of_times_and_float32_gram():
    K = ml.kernel.gram(D.X)
    Kt = ml.kernel.gram(D.X[:5] * 1.1, D.X)
    times = np.array([0, 10, 100, np.inf])
    f_t, f_test = ml.kernel.ntk_regime_predict(K, D.y, 0.5, times, K_test=Kt)
    assert f_t.shape == (4, len(D.y)) and f_test.shape == (4, 5)
    for i, t in enumerate(times):
        one, one_test = ml.kernel.ntk_regime_predict(K, D.y, 0.5, t, K_test=Kt)
        assert np.array_equal(f_t[i], one) and np.array_equal(f_test[i], one_test)
    assert np.array_equal(f_t[0], np.zeros(len(D.y)))
    K32 = ml.kernel.gram(D.X, dtype="float32")
    assert K32.dtype == np.float32 and np.array_equal(K32, K32.T)
    assert np.array_equal(K32, K.astype(np.float32))
    assert np.array_equal(ml.kernel.gram(D.X[:7], D.X, dtype="float32"), ml.kernel.gram(D.X[:7], D.X).astype(np.float32))


def test_results_records_are_typed(tmp_path):
    out = tmp_path / "fig5"
    ml.experiment.run("fig5", scale="smoke", out=out, threads=1)
    df = ml.experiment.load(out).dataframe()
    assert df["optimum"].dtype == bool and df["depth"].dtype.kind == "i" and df["lr"].dtype.kind == "f"
    assert df["data"].iloc[0].startswith("line1d")
    for flag in ("diverged", "opt_certified", "opt_converged", "gamma_l1_certified", "net_gap_certified"):
        assert df[flag].dtype == bool, flag
    assert df["opt_objective"].dtype.kind == "f"
