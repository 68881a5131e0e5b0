"""`import marginlab`: the extension against the CLI (bitwise), against numpy / scipy /
scikit-learn / torch references (explicit tolerances), its zero-copy rule, and its errors."""
import json
import threading
import time

import numpy as np
import pytest

import marginlab as ml
from marginlab import _core

SPEC = "wei-d:d=6,n=48,seed=5"


@pytest.fixture(scope="module")
def data():
    return ml.data.load(SPEC)


# --- the same numbers as the CLI -------------------------------------------------------------

def test_data_generate_is_the_cli_spec(data):
    g = ml.data.generate("wei-d", d=6, n=48, seed=5)
    assert g.source == data.source and g.kind == "binary"
    assert np.array_equal(g.X, data.X) and np.array_equal(g.y, data.y)
    X, y = g
    assert X.shape == (48, 6) and y.shape == (48,)


def test_train_final_parameters_bitwise_equal_to_cli(cli, tmp_path, data):
    opts = dict(width=16, lr=0.2, steps=40, seed=3, trials=2)
    cli("train", "--data", SPEC, "--width", 16, "--lambda", 1e-3, "--lr", 0.2, "--steps", 40,
        "--seed", 3, "--trials", 2, "--save", tmp_path / "cli.npz")
    trials = ml.nn.train(data.X, data.y, lambda_=1e-3, save=tmp_path / "py.npz", data=SPEC, **opts)
    saved = np.load(tmp_path / "cli.npz")
    for t, trial in enumerate(trials):
        for k, W in enumerate(trial["final"], start=1):
            assert np.array_equal(W, saved[f"final/W{k}"][t]), f"trial {t} W{k}"
    py = np.load(tmp_path / "py.npz")
    assert sorted(py.files) == sorted(saved.files)
    for name in saved.files:
        assert np.array_equal(py[name], saved[name]), name
    net = ml.nn.load_network(tmp_path / "py.npz", key="final", trial=1)
    assert net["objective"]["lambda"] == 1e-3 and net["objective"]["data"] == SPEC
    assert all(np.array_equal(a, b) for a, b in zip(net["weights"], trials[1]["final"]))


def test_gram_bitwise_equal_to_cli(cli, tmp_path, data):
    for kernel in ("ntk", "relu", "deep-ntk"):
        cli("kernel", "gram", "--data", SPEC, "--kernel", kernel, "--out", tmp_path / "K.npy")
        assert np.array_equal(ml.kernel.gram(data.X, kernel=kernel), np.load(tmp_path / "K.npy")), kernel


def test_certify_and_global_optimum_bitwise_equal_to_cli(cli, tmp_path, data):
    cli("train", "--data", SPEC, "--width", 12, "--lambda", 0.01, "--steps", 200, "--save", tmp_path / "n.npz")
    j = json.loads(cli("certify", "--params", tmp_path / "n.npz", "--data", SPEC, "--global", "--json").stdout)
    net = ml.nn.load_network(tmp_path / "n.npz")
    c = ml.margin.certify(net["weights"], data.X, data.y, net["output_scale"], lambda_=0.01)
    # one key per value, whether certified or not; `certified` says whether lower and gap are bounds
    for key in ("objective", "data_loss", "lower", "gap", "certified", "oracle", "oracle_value", "oracle_upper",
                "dual_scale"):
        assert c[key] == j[key], key
    assert list(c["bracket"]) == j["bracket"]
    assert ml.margin.certify(net, data.X, data.y)["gap"] == c["gap"]   # the file's own objective
    g = ml.margin.global_optimum(data.X, data.y, lambda_=0.01)
    assert list(g["bracket"]) == j["global"]["bracket"] and g["objective"] == j["global"]["objective"]
    for key in ("objective", "lower", "certified", "oracle", "rounds", "columns", "oracle_evaluations", "termination"):
        assert g[key] == j["global"][key], key
    assert ml.margin.normalized_margin(g["weights"], data.X, data.y, g["output_scale"]) == \
        j["global"]["network"]["normalized_margin"]


# --- arrays: zero copy where the layout allows, the same result whatever the layout ----------

def test_gram_reads_fortran_float64_in_place_and_returns_without_copy(data):
    Xf = np.asfortranarray(data.X)
    info = _core._array_info(Xf)
    assert info["address"] == Xf.ctypes.data and not info["copied"]
    Xc = np.ascontiguousarray(data.X)
    assert _core._array_info(Xc)["copied"]            # numpy's default C order: one copy
    K = ml.kernel.gram(Xf)
    assert K.flags.f_contiguous and not K.flags.owndata and not isinstance(K.base, np.ndarray)
    path = ml.kernel.RidgePath(K, data.y)
    ev1, ev2 = path.eigenvalues, path.eigenvalues       # a view of the C++ object, not a copy
    assert np.shares_memory(ev1, ev2)


def test_fortran_c_order_views_and_dtypes_give_the_same_result(data):
    X = data.X
    K = ml.kernel.gram(np.asfortranarray(X))
    assert np.array_equal(ml.kernel.gram(np.ascontiguousarray(X)), K)
    big = np.zeros((X.shape[0] * 2, X.shape[1] * 3))
    big[::2, ::3] = X
    view = big[::2, ::3]                                # non-contiguous: copied once, same numbers
    assert not view.flags.c_contiguous and not view.flags.f_contiguous
    assert np.array_equal(ml.kernel.gram(view), K)
    assert np.array_equal(ml.kernel.gram(X.tolist()), K)
    Xi = np.round(X * 4).astype(np.int32)
    assert np.array_equal(ml.kernel.gram(Xi), ml.kernel.gram(Xi.astype(float)))
    a = ml.nn.train(np.asfortranarray(X), data.y, width=8, steps=20)[0]["final"]
    b = ml.nn.train(np.ascontiguousarray(X), data.y, width=8, steps=20)[0]["final"]
    assert all(np.array_equal(u, v) for u, v in zip(a, b))


# --- references --------------------------------------------------------------------------------

def test_ntk_ridge_agrees_with_sklearn_kernel_ridge(data):
    from sklearn.kernel_ridge import KernelRidge

    Xt = ml.data.load("wei-d:d=6,n=20,seed=9").X
    yr = data.X[:, 0] * data.X[:, 1] + data.y
    for alpha in (1e-6, 1e-3, 1.0):
        ours = ml.estimators.NTKRidge(alpha=alpha).fit(data.X, yr)
        K, Kt = ml.kernel.gram(data.X), ml.kernel.gram(Xt, data.X)
        ref = KernelRidge(alpha=alpha, kernel="precomputed").fit(K, yr)
        scale = np.max(np.abs(ref.predict(Kt)))
        assert np.max(np.abs(ours.predict(Xt) - ref.predict(Kt))) <= 1e-10 * max(scale, 1), alpha
    K = ml.kernel.gram(data.X)
    n = len(yr)
    chol = ml.kernel.ridge_solve(K, yr, 1e-3)[:, 0]               # one Cholesky
    eig = ml.kernel.RidgePath(K, yr).coefficients(1e-3)[:, 0]     # the eigendecomposition
    assert np.max(np.abs(chol - eig)) <= 1e-9 * np.max(np.abs(eig))
    # the mean-loss λ: (1/n) Σ (f − y)² + λ‖f‖²_H, so β = (K + nλI)⁻¹ y
    ref = np.linalg.solve(K + n * 1e-3 * np.eye(n), yr)
    assert np.max(np.abs(chol - ref)) <= 1e-9 * np.max(np.abs(ref))
    with pytest.raises(ValueError, match=r"^lambda_: expected a finite value > 0"):
        ml.kernel.ridge_solve(K, yr, 0.0)
    interp = ml.estimators.NTKRidge(alpha=0.0).fit(data.X, yr)   # λ = 0: the minimum-norm interpolant
    assert np.max(np.abs(interp.predict(data.X) - yr)) <= 1e-6
    path = ours.predict_path(Xt, [1e-6, 1e-3, 1.0])
    assert path.shape == (3, 20)
    assert np.allclose(path[2], ours.predict(Xt), rtol=0, atol=1e-12)


def test_empirical_ntk_of_a_torch_mlp_agrees_with_autograd():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(5, 7, bias=False), torch.nn.ReLU(),
                                torch.nn.Linear(7, 6, bias=False), torch.nn.ReLU(),
                                torch.nn.Linear(6, 1, bias=False)).double()
    X = np.random.default_rng(1).standard_normal((9, 5))
    ours = ml.kernel.empirical_ntk_torch(model, X)
    jac = []
    for x in torch.from_numpy(X):
        model.zero_grad()
        model(x[None])[0, 0].backward()
        jac.append(torch.cat([p.grad.reshape(-1) for p in model.parameters()]).clone())
    J = torch.stack(jac).numpy()
    assert np.max(np.abs(ours - J @ J.T)) <= 1e-10 * np.max(np.abs(J @ J.T))
    with pytest.raises(ValueError, match=r"model\[0\]: Linear layers must have bias=False"):
        ml.kernel.empirical_ntk_torch(torch.nn.Sequential(torch.nn.Linear(5, 1)), X)
    with pytest.raises(ValueError, match=r"model\[1\]: expected torch.nn.ReLU"):
        ml.kernel.empirical_ntk_torch(torch.nn.Sequential(torch.nn.Linear(5, 3, bias=False), torch.nn.Tanh(),
                                                          torch.nn.Linear(3, 1, bias=False)), X)


def test_ntk_regime_prediction_matches_the_matrix_exponential(data):
    from scipy.linalg import expm

    K = ml.kernel.gram(data.X)
    Kt = ml.kernel.gram(data.X[:7] * 1.1, data.X)
    n = len(data.y)
    f0 = np.random.default_rng(2).standard_normal(n) * 0.1
    eta, steps = 2.0, 30
    f_t, f_test = ml.kernel.ntk_regime_predict(K, data.y, eta, steps, f0=f0, K_test=Kt)
    E = expm(-eta * steps / n * K)
    ref = f0 + (np.eye(n) - E) @ (data.y - f0)
    assert np.max(np.abs(f_t - ref)) <= 1e-10
    # f_t(x) − f_0(x) = K(x, X) ∫_0^τ e^{−sK} ds (y − f_0): the integral is the top-right block of
    # exp([[−K, I], [0, 0]] τ) (K is singular here: no inverse)
    tau = eta * steps / n
    Z = np.zeros((2 * n, 2 * n))
    Z[:n, :n], Z[:n, n:] = -K * tau, np.eye(n) * tau
    ref_test = Kt @ (expm(Z)[:n, n:] @ (data.y - f0))
    assert np.max(np.abs(f_test - ref_test)) <= 1e-8 * np.max(np.abs(ref_test))
    interp = ml.kernel.ntk_regime_predict(K, data.y, eta, np.inf)
    assert np.max(np.abs(interp - data.y)) <= 1e-8


def test_gradient_descent_steps_follow_the_ntk_regime_flow_for_a_linear_model(data):
    """A linear model f(x) = w·x is its own NTK (K = XXᵀ); gradient flow solves it exactly."""
    X, y = data.X, data.y
    n = len(y)
    K = X @ X.T
    eta, steps = 0.05, 400
    w = np.zeros(X.shape[1])
    for _ in range(steps // 100 * 100):  # small steps of the flow: gradient descent with η/100
        w -= (eta / 100) * X.T @ (X @ w - y) / n
    f_gd = X @ w
    f_flow = ml.kernel.ntk_regime_predict(K, y, eta, steps / 100)
    assert np.max(np.abs(f_gd - f_flow)) < 1e-2 * np.max(np.abs(f_flow))


# --- errors ------------------------------------------------------------------------------------

def test_bad_input_raises_errors_naming_the_argument(data):
    X, y = data.X, data.y
    with pytest.raises(ValueError, match=r"^X: expected a 2-D array, got 1-D"):
        ml.kernel.gram(X[:, 0])
    with pytest.raises(ValueError, match=r"^Y: expected 6 columns, got 5"):
        ml.kernel.gram(X, X[:, :5])
    with pytest.raises(TypeError, match=r"^X: expected an array of real numbers, got dtype <U1"):
        ml.kernel.gram(np.array([["a", "b"]]))
    with pytest.raises(TypeError, match=r"^X: expected an array of real numbers, got dtype complex128"):
        ml.kernel.gram(X + 1j)
    bad = X.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"^X: entry \(3, 2\) is not finite"):
        ml.kernel.gram(bad)
    with pytest.raises(ml.InputError, match=r"^y: expected labels -1 and \+1"):
        ml.margin.global_optimum(X, (y > 0).astype(float), lambda_=0.1)
    with pytest.raises(ValueError, match=r"^y: expected 48 entries, got 47"):
        ml.nn.train(X, y[:-1], steps=1)
    with pytest.raises(TypeError, match=r"^train\(\) got an unexpected keyword argument 'widht'"):
        ml.nn.train(X, y, widht=3)
    with pytest.raises(TypeError, match=r"^train: steps: expected an integer, got float"):
        ml.nn.train(X, y, steps=1.5)
    with pytest.raises(ml.InputError, match=r"^train: .*lr"):
        ml.nn.train(X, y, lr=-1.0)
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'lambda'"):
        ml.margin.certify([np.ones((2, 6)), np.ones((1, 2))], X, y, lambda_=0.1, **{"lambda": 0.2})
    with pytest.raises(ValueError, match=r"weights: W2 has 3 columns but W1 has 2 rows"):
        ml.nn.outputs([np.ones((2, 6)), np.ones((1, 3))], X)
    with pytest.raises(ml.InputError):
        ml.data.generate("wei-d", d=0)
    with pytest.raises(ml.InputError, match="not a known data source"):
        ml.data.load("no-such-source:n=3")
    assert issubclass(ml.InputError, ml.Error) and issubclass(ml.InputError, ValueError)


def test_a_diverged_run_raises_failed_run_error(data):
    with pytest.raises(ml.FailedRunError, match=r"diverged .*a diverged run is a failure, not a result"):
        ml.nn.train(data.X * 1e3, data.y, width=64, lr=1e6, steps=200, loss="squared")


# --- the GIL -----------------------------------------------------------------------------------

def test_long_calls_release_the_gil():
    """While one thread is inside a long C++ call the main thread keeps running Python: its
    ticks cover the call's whole span (with the GIL held they would stop until it returns)."""
    X = np.random.default_rng(0).standard_normal((200, 20))
    y = np.where(X[:, 0] > 0, 1.0, -1.0)
    span = {}

    def work():  # about 0.6 s of gradient descent in C++
        span["start"] = time.perf_counter()
        ml.nn.train(X, y, width=256, steps=8000, log_points=5)
        span["end"] = time.perf_counter()

    ticks = []
    t = threading.Thread(target=work)
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    t.join()
    length = span["end"] - span["start"]
    inside = [s for s in ticks if span["start"] + 0.1 * length < s < span["end"] - 0.1 * length]
    assert length > 0.1, "the call is too short to tell"
    assert len(inside) >= 10, f"{len(inside)} ticks in a {length:.3f} s call"


# --- experiments -------------------------------------------------------------------------------

def test_experiment_run_load_records_dataframe_and_report(cli, tmp_path):
    out = tmp_path / "fig4"
    s = ml.experiment.run("fig4", scale="smoke", out=out)
    assert s["ran"] == s["total"] > 0 and s["failed"] == 0 and s["remaining"] == 0
    again = ml.experiment.run("fig4", scale="smoke", out=out)   # resumable: nothing left to run
    assert again["ran"] == 0 and again["already_done"] == s["total"]
    res = ml.experiment.load(out)
    recs = res.records()
    assert len(recs) == s["total"] and all(r["status"] == "done" for r in recs)
    df = res.dataframe()
    assert len(df) == s["total"] and {"point", "trial", "seed", "status"} <= set(df.columns)
    assert len(res.dataframe(trace=True)) == len(res.trace_records())
    claims = ml.experiment.report(out)
    assert (out / "report.md").exists() and (out / "summary.json").exists()
    assert {c["verdict"] for c in claims} <= {"supported", "not supported", "inconclusive"}
    # the same store the CLI reads
    exported = cli("export", out)
    assert exported.returncode == 0
    with pytest.raises(ml.InputError):
        ml.experiment.run("no-such-experiment")
    with pytest.raises(FileNotFoundError, match="no results.sqlite"):
        ml.experiment.load(tmp_path)


def test_concurrent_calls_from_python_threads_give_the_serial_results(data):
    from concurrent.futures import ThreadPoolExecutor

    X = ml.data.load("teacher:d=30,n=700,seed=4").X
    serial = [ml.kernel.gram(X, kernel=k) for k in ("ntk", "relu", "arccos0", "ntk")]
    trained = ml.nn.train(data.X, data.y, width=32, steps=100)[0]["final"]
    with ThreadPoolExecutor(4) as pool:
        grams = list(pool.map(lambda k: ml.kernel.gram(X, kernel=k), ("ntk", "relu", "arccos0", "ntk")))
        nets = list(pool.map(lambda _: ml.nn.train(data.X, data.y, width=32, steps=100)[0]["final"], range(3)))
    assert all(np.array_equal(a, b) for a, b in zip(grams, serial))
    assert all(np.array_equal(a, b) for net in nets for a, b in zip(net, trained))


def test_kernel_fit_is_the_cli_kernel_fit_bitwise(cli, tmp_path):
    train, test = "wei-d:d=8,n=100,seed=1", "wei-d:d=8,n=200,seed=1,sample=1"
    d, t = ml.data.load(train), ml.data.load(test)
    # the module's λ is the mean-loss one: the CLI's --lambdas is n·λ for ridge and falkon (n = 100 here),
    # 2·λ for logistic (each conversion exact for these values)
    for predictor, flags, kw in (("ridge", ["--lambdas", "0.001,0.1"], {"lambda_": [1e-5, 1e-3]}),
                                 ("svm", ["--C", "10"], {"C": 10.0}),
                                 ("logistic", ["--lambda", "0.01", "--logistic-tol", "1e-9"],
                                  {"lambda_": 0.005, "logistic_tol": 1e-9}),
                                 ("falkon", ["--lambda", "0.001", "--centers", "50"], {"lambda_": 1e-5, "centers": 50})):
        out = tmp_path / f"{predictor}.npy"
        j = json.loads(cli("kernel", "fit", "--data", train, "--test-data", test, "--predictor", predictor, *flags,
                           "--save-predictions", out, "--json").stdout)
        r = ml.kernel.fit(d.X, d.y, t.X, t.y, predictor=predictor, **kw)
        assert np.array_equal(r["test_scores"], np.load(out)), predictor
        for mine, theirs in zip(r["fits"], j["fits"]):
            assert mine["test_error"] == theirs["test_error"] and mine["rkhs_norm"] == theirs["rkhs_norm"]
    with pytest.raises(ValueError, match=r"^fit: centers, tol, max_iterations and seed are only used with predictor='falkon'"):
        ml.kernel.fit(d.X, d.y, predictor="ridge", lambda_=1e-3, centers=3)
    with pytest.raises(TypeError, match=r"missing required argument 'lambda_' for predictor='ridge'"):
        ml.kernel.fit(d.X, d.y, predictor="ridge")
    with pytest.raises(ValueError, match=r"^fit: lambda_ is not used by predictor='svm'"):
        ml.kernel.fit(d.X, d.y, predictor="svm", lambda_=1e-3)


def test_save_network_is_read_by_the_cli(cli, tmp_path, data):
    g = ml.margin.global_optimum(data.X, data.y, lambda_=0.05)
    path = tmp_path / "opt.npz"
    ml.nn.save_network(path, g["weights"], g["output_scale"], objective={"loss": "logistic", "lambda": 0.05, "data": SPEC})
    j = json.loads(cli("certify", "--params", path, "--data", SPEC, "--json").stdout)
    assert j["objective"] == g["objective"]                 # the CLI reads the same network and objective
    back = ml.nn.load_network(path)
    assert all(np.array_equal(a, b) for a, b in zip(back["weights"], g["weights"]))
    with pytest.raises(ValueError, match=r"^objective: loss: expected .*got 'hinge2'"):
        ml.nn.save_network(tmp_path / "bad.npz", g["weights"], objective={"loss": "hinge2", "lambda": 0.1})
    assert not (tmp_path / "bad.npz").exists()
    with pytest.raises(ValueError, match=r"^y: entry 0 is 0"):
        ml.kernel.kernel_svm(ml.kernel.gram(data.X), np.zeros(len(data.y)))


def test_results_do_not_depend_on_the_thread_count(data):
    X = ml.data.load("teacher:d=20,n=600,seed=2").X
    before = ml.threads()
    try:
        ml.set_threads(1)
        one = (ml.kernel.gram(X), ml.nn.train(data.X, data.y, width=16, steps=50, trials=3))
        ml.set_threads(2)
        two = (ml.kernel.gram(X), ml.nn.train(data.X, data.y, width=16, steps=50, trials=3))
    finally:
        ml.set_threads(before)
    assert np.array_equal(one[0], two[0])
    for a, b in zip(one[1], two[1]):
        assert all(np.array_equal(u, v) for u, v in zip(a["final"], b["final"]))
