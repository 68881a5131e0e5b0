"""marginlab.torch_bridge: marginlab networks as PyTorch modules, the same outputs."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

import marginlab as ml  # noqa: E402
from marginlab.torch_bridge import to_torch  # noqa: E402


@pytest.fixture(scope="module")
def trial():
    d = ml.data.generate("wei-d", d=6, n=40, seed=4)
    return d.X, ml.nn.train(d.X, d.y, depth=2, width=12, steps=20, scaling="ntk", seed=1)[0]


def _close(a, b):
    return np.max(np.abs(a - b)) <= 1e-12 * max(np.max(np.abs(b)), 1.0)


def test_outputs_equal_marginlabs_and_the_weights_round_trip(trial):
    X, t = trial
    assert t["output_scale"] != 1.0
    net = to_torch(t["final"], t["output_scale"])
    out = net(torch.from_numpy(X)).detach().numpy()
    assert out.dtype == np.float64
    assert _close(out, ml.nn.outputs(t["final"], X, t["output_scale"]))
    back = ml.kernel.torch_weights(net.layers)
    assert all(np.array_equal(a, b) for a, b in zip(back, t["final"]))       # bit for bit
    assert [type(m).__name__ for m in net.layers] == ["Linear", "ReLU", "Linear"]
    assert all(m.bias is None for m in net.layers if isinstance(m, torch.nn.Linear))
    assert net.output_scale == t["output_scale"]
    same = to_torch(t)                                                       # a train() trial dict
    assert np.array_equal(same(torch.from_numpy(X)).detach().numpy(), out)


def test_deep_and_multi_output_nets():
    rng = np.random.default_rng(0)
    W = [rng.standard_normal((7, 5)), rng.standard_normal((4, 7)), rng.standard_normal((3, 4))]
    X = rng.standard_normal((9, 5))
    net = to_torch(W, 0.5)
    assert _close(net(torch.from_numpy(X)).detach().numpy(), ml.nn.outputs(W, X, 0.5))
    f32 = to_torch(W, 0.5, dtype=torch.float32)
    assert f32.layers[0].weight.dtype == torch.float32
    with pytest.raises(ValueError, match=r"weights: W2 has 4 columns but W1 has 7 rows"):
        to_torch([W[0], W[2]])


def test_frozen_output_and_network_files(tmp_path, trial):
    X, t = trial
    W = [t["final"][0], np.sign(t["final"][1])]
    path = tmp_path / "net.json"
    ml.nn.save_network(path, W, output_scale=t["output_scale"], frozen_output=True)
    loaded = ml.nn.load_network(path)
    net = to_torch(loaded)                                                   # a load_network() dict
    assert not net.layers[-1].weight.requires_grad and net.layers[0].weight.requires_grad
    assert _close(net(torch.from_numpy(X)).detach().numpy(),
                  ml.nn.outputs(loaded["weights"], X, loaded["output_scale"]))
    with pytest.raises(ValueError, match="output_scale"):
        to_torch(loaded, output_scale=2.0)


def test_the_classifiers_to_torch(trial):
    from marginlab.estimators import TwoLayerReLUClassifier

    X, _ = trial
    y = np.where(X[:, 0] > 0, "p", "q")
    clf = TwoLayerReLUClassifier(width=10, steps=30, scaling="ntk", tol=None).fit(X, y)
    out = clf.to_torch()(torch.from_numpy(X)).detach().numpy()
    assert _close(out[:, 0], clf.decision_function(X))
