"""Cross-checks of the nn module against PyTorch (float64):

- the gradient of the regularized objective for every combination of depth x loss x
  output scaling x regularizer (lambda, r) x frozen output, via the hidden
  `marginlab nn grad`, against torch.autograd (relative error < 1e-6; in practice ~1e-15);
- a 500-step full-batch GD trajectory of a two-layer net from a saved initialization
  (`marginlab train --init-from ... --save ...`) against the same 500 steps done in
  PyTorch, to 1e-9 relative.
Skipped when the interpreter cannot import torch (.venv has torch 2.13.0).
"""
import itertools
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torch.set_default_dtype(torch.float64)


def write_data(folder, X, y):
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "X.npy", X)
    np.save(folder / "y.npy", y)
    return folder


def torch_objective(Ws, X, y, depth, loss, scaling, lam, power, frozen):
    """The objective of docs/nn.md in PyTorch: mean loss + lam * ||Theta||^r."""
    H = X
    for k in range(depth - 1):
        H = torch.relu(H @ Ws[k].T)
    m = Ws[-1].shape[1]
    s = 1.0
    if depth >= 2 and scaling == "ntk":
        s = 1.0 / np.sqrt(m)
    elif depth >= 2 and scaling == "mean-field":
        s = 1.0 / m
    F = s * (H @ Ws[-1].T)
    if loss == "logistic":
        L = torch.nn.functional.softplus(-y * F[:, 0]).mean()
    elif loss == "exponential":
        L = torch.exp(-y * F[:, 0]).mean()
    elif loss == "cross-entropy":
        L = torch.nn.functional.cross_entropy(F, y.long())
    else:
        L = ((F[:, 0] - y) ** 2).mean()
    trainable = Ws[:-1] if frozen else Ws
    sq = sum((W ** 2).sum() for W in trainable)
    return L + lam * sq ** (power / 2), F


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    rng = np.random.default_rng(0)
    root = tmp_path_factory.mktemp("nn_data")
    X = rng.standard_normal((12, 4))
    yb = rng.choice([-1.0, 1.0], size=12)
    yc = np.arange(12) % 3 * 1.0
    return {
        "binary": (write_data(root / "binary", X, yb), X, yb),
        "class": (write_data(root / "class", X, yc), X, yc),
    }


COMBOS = [
    c
    for c in itertools.product(
        [1, 2, 3],
        ["logistic", "exponential", "cross-entropy", "squared"],
        ["standard", "ntk", "mean-field"],
        [(0.0, 2.0), (0.05, 2.0), (0.05, 1.5)],
        [False, True],
    )
    if not (c[0] == 1 and c[4])
]


@pytest.mark.parametrize("depth,loss,scaling,reg,frozen", COMBOS)
def test_gradient_matches_autograd(cli, tmp_path, datasets, depth, loss, scaling, reg, frozen):
    lam, power = reg
    folder, X, y = datasets["class" if loss == "cross-entropy" else "binary"]
    l = 3 if loss == "cross-entropy" else 1
    dims = [4] + [6] * (depth - 1) + [l]
    rng = np.random.default_rng(COMBOS.index((depth, loss, scaling, reg, frozen)))
    Ws = [0.7 * rng.standard_normal((dims[k + 1], dims[k])) for k in range(depth)]
    if frozen:
        Ws[-1] = rng.choice([-1.0, 1.0], size=Ws[-1].shape)
    np.savez(tmp_path / "p.npz", **{f"W{k + 1}": W for k, W in enumerate(Ws)})
    args = ["nn", "grad", "--data", folder, "--params", tmp_path / "p.npz", "--depth", depth,
            "--width", 6, "--loss", loss, "--scaling", scaling, "--lambda", lam,
            "--reg-power", power]
    if frozen:
        args.append("--freeze-output")
    out = json.loads(cli(*args).stdout)

    Wt = [torch.tensor(W, requires_grad=True) for W in Ws]
    obj, F = torch_objective(Wt, torch.tensor(X), torch.tensor(y), depth, loss, scaling, lam,
                             power, frozen)
    obj.backward()
    assert abs(out["objective"] - obj.item()) <= 1e-12 * abs(obj.item())
    np.testing.assert_allclose(np.array(out["outputs"]).reshape(l, -1).T, F.detach().numpy(),
                               rtol=1e-12, atol=1e-14)
    num = den = 0.0
    for k, W in enumerate(Wt):
        g_ref = W.grad.numpy() if not (frozen and k == depth - 1) else np.zeros_like(Ws[k])
        g = np.array(out["grad"][f"W{k + 1}"])
        num += ((g - g_ref) ** 2).sum()
        den += (g_ref ** 2).sum()
    assert np.sqrt(num / den) < 1e-6, (np.sqrt(num / den))


def test_500_step_gd_trajectory_matches_pytorch(cli, tmp_path):
    rng = np.random.default_rng(1)
    n, d, m, lam, lr, steps = 60, 8, 32, 1e-3, 0.1, 500
    X = rng.standard_normal((n, d)) / np.sqrt(d)
    y = np.sign(X[:, 0] * X[:, 1] + 0.1 * rng.standard_normal(n))
    y[y == 0] = 1.0
    folder = write_data(tmp_path / "data", X, y)
    W1 = rng.standard_normal((m, d))
    W2 = rng.standard_normal((1, m))
    np.savez(tmp_path / "init.npz", **{"init/W1": W1, "init/W2": W2})
    cli("train", "--data", folder, "--depth", 2, "--width", m, "--loss", "logistic",
        "--lambda", lam, "--lr", lr, "--steps", steps, "--optimizer", "gd",
        "--init-from", tmp_path / "init.npz", "--save", tmp_path / "out.npz", "--log-points", 2)
    out = np.load(tmp_path / "out.npz")
    np.testing.assert_array_equal(out["init/W1"], W1)

    Xt, yt = torch.tensor(X), torch.tensor(y)
    Wt = [torch.tensor(W1, requires_grad=True), torch.tensor(W2, requires_grad=True)]
    for _ in range(steps):
        obj, _ = torch_objective(Wt, Xt, yt, 2, "logistic", "standard", lam, 2.0, False)
        for W in Wt:
            W.grad = None
        obj.backward()
        with torch.no_grad():
            for W in Wt:
                W -= lr * W.grad
    for k, W in enumerate(Wt):
        ours = out[f"final/W{k + 1}"]
        ref = W.detach().numpy()
        rel = np.linalg.norm(ours - ref) / np.linalg.norm(ref)
        print(f"W{k + 1}: relative difference {rel:.2e}")
        assert rel < 1e-9, (k, rel)
    # The run moved far from the start, so the comparison is not vacuous.
    assert np.linalg.norm(out["final/W1"] - W1) > 0.05 * np.linalg.norm(W1)
