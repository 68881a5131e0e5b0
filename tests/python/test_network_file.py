"""The saved network carries its objective (nn/network_file.hpp, docs/nn.md "Saved networks"):
train, meanfield and certify --global write meta/objective (read back here with numpy and json);
certify --params takes λ and the loss from it, refuses a --lambda or --loss that differs, and
judges the network on another objective only when --other-objective says so."""
import json

import numpy as np
import pytest

DATA = "wei-d:n=40,d=6"


def objective(path):
    return json.loads(bytes(np.load(path)["meta/objective"]).decode())


def certify(cli, *args, check=True):
    r = cli("certify", "--data", DATA, *args, "--json", check=check)
    return json.loads(r.stdout) if r.returncode == 0 else r


def train(cli, path, *extra):
    cli("train", "--data", DATA, "--width", 12, "--steps", 50, "--lambda", 2e-3, "--loss", "squared",
        "--save", path, *extra)


def test_train_saves_its_objective(cli, tmp_path):
    train(cli, tmp_path / "p.npz")
    assert objective(tmp_path / "p.npz") == {"loss": "squared", "lambda": 2e-3, "reg_power": 2.0,
                                             "scaling": "standard", "data": DATA, "written_by": "train"}


def test_certify_takes_lambda_and_loss_from_the_file(cli, tmp_path):
    net = tmp_path / "p.npz"
    train(cli, net)
    j = certify(cli, "--params", net)
    assert (j["lambda"], j["loss"], j["objective_from"]) == (2e-3, "squared", "file")
    assert j["saved_objective"]["written_by"] == "train"
    # The same λ typed again is accepted and gives the same certificate.
    same = certify(cli, "--params", net, "--lambda", 0.002, "--loss", "squared")
    assert same["objective"] == j["objective"] and same["value"] == j["value"]


@pytest.mark.parametrize("flags,word", [(["--lambda", 1e-3], "--lambda 0.001 differs"),
                                        (["--loss", "logistic"], "--loss logistic differs")])
def test_certify_refuses_a_differing_flag(cli, tmp_path, flags, word):
    net = tmp_path / "p.npz"
    train(cli, net)
    r = certify(cli, "--params", net, *flags, check=False)
    assert r.returncode == 2, r.stdout
    assert word in r.stderr and "p.npz" in r.stderr and "--other-objective" in r.stderr
    assert len(r.stderr.splitlines()) == 1


def test_other_objective_is_a_stated_override(cli, tmp_path):
    net = tmp_path / "p.npz"
    train(cli, net)
    j = certify(cli, "--params", net, "--lambda", 1e-2, "--loss", "logistic", "--other-objective")
    assert (j["lambda"], j["loss"]) == (1e-2, "logistic")
    assert j["objective_from"].startswith("flags (--other-objective")
    assert j["saved_objective"]["lambda"] == 2e-3
    r = certify(cli, "--params", net, "--other-objective", check=False)
    assert r.returncode == 2 and "give --lambda" in r.stderr


def test_a_file_without_an_objective_needs_lambda(cli, tmp_path):
    net = tmp_path / "bare.npz"
    rng = np.random.default_rng(0)
    np.savez(net, **{"final/W1": rng.normal(size=(5, 6)), "final/W2": rng.normal(size=(1, 5))})
    r = certify(cli, "--params", net, check=False)
    assert r.returncode == 2 and "--lambda is required" in r.stderr and "bare.npz" in r.stderr
    j = certify(cli, "--params", net, "--lambda", 1e-3)
    assert j["objective_from"] == "flags" and "saved_objective" not in j


def test_reg_power_other_than_two_is_not_certified_silently(cli, tmp_path):
    net = tmp_path / "p.npz"
    train(cli, net, "--reg-power", 3)
    r = certify(cli, "--params", net, check=False)
    assert r.returncode == 2 and "λ‖Θ‖^3" in r.stderr


def test_global_save_and_meanfield_save_their_objectives(cli, tmp_path):
    opt = tmp_path / "opt.npz"
    cli("certify", "--global", "--data", "line1d:n=8", "--lambda", 0.01, "--save", opt)
    o = objective(opt)
    assert (o["loss"], o["lambda"], o["data"], o["written_by"]) == ("logistic", 0.01, "line1d:n=8",
                                                                    "certify --global")
    rho = tmp_path / "rho.npz"
    cli("meanfield", "--data", "xor:d=2,n=4", "--lambda", 0.01, "--steps", 50, "--particles", 10,
        "--save", rho)
    o = objective(rho)
    assert o["lambda"] == 0.01 / 4 and o["written_by"] == "meanfield"  # λ/n: the mean-loss convention
    j = json.loads(cli("certify", "--data", "xor:d=2,n=4", "--params", rho, "--key", "net",
                       "--json").stdout)
    assert j["lambda"] == 0.0025 and j["objective_from"] == "file"
