"""`marginlab kernel gram|fit` cross-checked against independent numpy implementations: the
closed forms written from Wei et al. §2 / neural-tangents' recursion, numpy's own ridge solve."""
import json

import numpy as np
import pytest


def sample(cli, tmp_path, spec, name):
    cli("data", "sample", "--data", spec, "--format", "npy", "--out", tmp_path / name)
    return np.load(tmp_path / name / "X.npy"), np.load(tmp_path / name / "y.npy")


def angle(X, Z):
    # Kahan's formula, pairwise.
    U = X / np.linalg.norm(X, axis=1, keepdims=True)
    V = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    dm = np.linalg.norm(U[:, None, :] - V[None, :, :], axis=2)
    dp = np.linalg.norm(U[:, None, :] + V[None, :, :], axis=2)
    return 2 * np.arctan2(dm, dp)


def wei_ntk(X, Z, rw, ru):
    th = angle(X, Z)
    ab = np.outer(np.linalg.norm(X, axis=1), np.linalg.norm(Z, axis=1))
    return rw**2 * (X @ Z.T) * (np.pi - th) / (2 * np.pi) + ru**2 * ab * (np.sin(th) + (np.pi - th) * np.cos(th)) / (2 * np.pi)


def nt_deep(X, Z, depth, w_std, b_std, param, width):
    """neural-tangents' Dense/Relu kernel recursion, written plainly (arccos of clipped cosines:
    fine away from the diagonal at this tolerance)."""
    d = X.shape[1]
    q1 = np.sum(X * X, axis=1) / d
    q2 = np.sum(Z * Z, axis=1) / d
    nngp = X @ Z.T / d
    ntk = np.zeros_like(nngp)
    for layer in range(depth):
        fan_in = d if layer == 0 else width
        if param == "standard":
            ntk = fan_in * nngp + (1.0 if b_std > 0 else 0.0) + w_std**2 * ntk
        q1, q2, nngp = w_std**2 * q1 + b_std**2, w_std**2 * q2 + b_std**2, w_std**2 * nngp + b_std**2
        if param == "ntk":
            ntk = nngp + w_std**2 * ntk
        if layer + 1 == depth:
            break
        r = np.sqrt(np.outer(q1, q2))
        th = np.arccos(np.clip(nngp / r, -1, 1))
        nngp = r * (np.sin(th) + (np.pi - th) * np.cos(th)) / (2 * np.pi)
        ntk = ntk * (np.pi - th) / (2 * np.pi)
        q1, q2 = q1 / 2, q2 / 2
    return nngp, ntk


@pytest.mark.parametrize("rw,ru", [(1.0, 1.0), (0.0, 1.0), (0.5, 2.0)])
def test_gram_matches_numpy_wei_ntk(cli, tmp_path, rw, ru):
    X, _ = sample(cli, tmp_path, "teacher:d=7,n=120,seed=1,input=gaussian", "a")
    Z, _ = sample(cli, tmp_path, "teacher:d=7,n=90,seed=2,input=gaussian", "b")
    kernel = "relu" if rw == 0 else "ntk"
    scales = ["--ru", ru] if kernel == "relu" else ["--rw", rw, "--ru", ru]   # relu is ntk with r_w = 0
    cli("kernel", "gram", "--data", tmp_path / "a", "--data2", tmp_path / "b", "--kernel", kernel, *scales,
        "--out", tmp_path / "K.npy")
    K = np.load(tmp_path / "K.npy")
    assert K.shape == (120, 90)
    np.testing.assert_allclose(K, wei_ntk(X, Z, rw, ru), rtol=1e-12, atol=1e-13)
    # Symmetric Gram: exact symmetry and the diagonal (r_u² + r_w²)|x|²/2.
    cli("kernel", "gram", "--data", tmp_path / "a", "--kernel", kernel, *scales, "--out", tmp_path / "S.npy")
    S = np.load(tmp_path / "S.npy")
    assert np.array_equal(S, S.T)
    np.testing.assert_allclose(np.diag(S), (rw**2 + ru**2) * np.sum(X * X, axis=1) / 2, rtol=1e-14)


@pytest.mark.parametrize("param,b_std", [("ntk", 0.0), ("ntk", 0.3), ("standard", 0.0), ("standard", 0.2)])
def test_deep_kernels_match_numpy_recursion(cli, tmp_path, param, b_std):
    X, _ = sample(cli, tmp_path, "teacher:d=5,n=40,seed=3,input=gaussian", "a")
    Z, _ = sample(cli, tmp_path, "teacher:d=5,n=30,seed=4,input=gaussian", "b")
    nngp, ntk = nt_deep(X, Z, 4, 1.3, b_std, param, 64)
    for kernel, ref in (("deep-ntk", ntk), ("deep-nngp", nngp)):
        width = ["--width", 64] if param == "standard" else []   # the fan-in matters to standard only
        cli("kernel", "gram", "--data", tmp_path / "a", "--data2", tmp_path / "b", "--kernel", kernel,
            "--depth", 4, "--w-std", 1.3, "--b-std", b_std, "--parameterization", param, *width,
            "--out", tmp_path / "K.npy")
        np.testing.assert_allclose(np.load(tmp_path / "K.npy"), ref, rtol=1e-9, atol=1e-12)


def test_fit_ridge_matches_numpy_solve(cli, tmp_path):
    X, y = sample(cli, tmp_path, "teacher:d=6,n=150,seed=5,task=regression", "tr")
    T, yt = sample(cli, tmp_path, "teacher:d=6,n=70,seed=6,task=regression", "te")
    lam = 0.01
    r = cli("kernel", "fit", "--data", tmp_path / "tr", "--test-data", tmp_path / "te", "--predictor", "ridge",
            "--lambdas", f"{lam},1", "--json")
    out = json.loads(r.stdout)
    K = wei_ntk(X, X, 1, 1)
    beta = np.linalg.solve(K + lam * np.eye(len(y)), y)
    pred = wei_ntk(T, X, 1, 1) @ beta
    res = out["fits"][0]
    assert res["lambda"] == lam
    np.testing.assert_allclose(res["test_squared_loss"], np.mean((pred - yt) ** 2), rtol=1e-8)
    np.testing.assert_allclose(res["rkhs_norm"], np.sqrt(beta @ K @ beta), rtol=1e-8)


def test_fit_svm_margin_and_errors(cli, tmp_path):
    r = cli("kernel", "fit", "--data", "wei-d:d=10,n=80,seed=1", "--test-data", "wei-d:d=10,n=200,seed=2",
            "--predictor", "svm", "--json")
    res = json.loads(r.stdout)["fits"][0]
    assert res["train_error"] == 0.0
    # Hard margin without bias: min_i y_i f(x_i) = 1, so the normalized margin is 1/||f||_H.
    np.testing.assert_allclose(res["rkhs_normalized_margin"], 1 / res["rkhs_norm"][0], rtol=1e-5)
    bad = cli("kernel", "fit", "--data", "teacher:d=4,n=20,task=regression", "--predictor", "svm", check=False)
    assert bad.returncode == 2 and "real labels" in bad.stderr
