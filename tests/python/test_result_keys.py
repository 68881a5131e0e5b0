"""Each result is described once (a Fields() list in its library header) and both front ends are
made from it: every key of a command's --json and of the Python function's dict is the same string
for the same value. Each side may add what only it has — the CLI the context it prints (the
command, the data spec, evaluations of a network on the data), Python the arrays — listed here;
anything else on one side only fails."""
import json

import numpy as np
import pytest

import marginlab as ml

SPEC = "wei-d:d=5,n=30,seed=4"
D = ml.data.load(SPEC)


def jsonl(out):
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def same_keys(cli_dict, py_dict, cli_only=(), py_only=()):
    cli_keys = set(cli_dict) - set(cli_only)
    py_keys = set(py_dict) - set(py_only)
    assert cli_keys == py_keys, f"CLI only: {sorted(cli_keys - py_keys)}; Python only: {sorted(py_keys - cli_keys)}"
    assert set(cli_only) <= set(cli_dict) and set(py_only) <= set(py_dict)   # the lists are not stale


def test_certify_global_optimum_and_l1svm(cli, tmp_path):
    cli("train", "--data", SPEC, "--width", 8, "--lambda", 0.01, "--steps", 50, "--save", tmp_path / "n.npz")
    j = json.loads(cli("certify", "--params", tmp_path / "n.npz", "--data", SPEC, "--global", "--json").stdout)
    net = ml.nn.load_network(tmp_path / "n.npz")
    c = ml.margin.certify(net, D.X, D.y)
    same_keys(j, c, cli_only=("command", "data", "objective_from", "saved_objective", "params", "network", "global",
                              "value", "bracket_of"))
    g = ml.margin.global_optimum(D.X, D.y, lambda_=0.01)
    same_keys(j["global"], g, cli_only=("network", "objective_minus_global"),
              py_only=("weights", "output_scale", "directions", "masses", "objective_of"))
    m = json.loads(cli("margin", "l1svm", "--data", SPEC, "--json").stdout)
    l1 = ml.margin.l1svm(D.X, D.y)
    same_keys(m, l1, cli_only=("command", "data", "method", "value", "network", "network_width", "network_margin",
                               "max_margin_bracket"),
              py_only=("weights", "directions", "masses", "q"))


@pytest.mark.parametrize("predictor, flags, kw", [
    ("ridge", ["--lambdas", "0.03,0.3"], {"lambda_": [1e-3, 1e-2]}),
    ("falkon", ["--lambda", "0.03", "--centers", "10"], {"lambda_": 1e-3, "centers": 10}),
])
def test_kernel_fit(cli, predictor, flags, kw):
    j = json.loads(cli("kernel", "fit", "--data", SPEC, "--test-data", "wei-d:d=5,n=40,seed=4,sample=1",
                       "--predictor", predictor, *flags, "--json").stdout)
    t = ml.data.load("wei-d:d=5,n=40,seed=4,sample=1")
    r = ml.kernel.fit(D.X, D.y, t.X, t.y, predictor=predictor, **kw)
    same_keys(j, r, cli_only=("kernel", "predictor", "n_train", "n_test", "d", "label_kind")
              + (("falkon",) if predictor == "falkon" else ()), py_only=("test_scores",))
    for mine, theirs in zip(r["fits"], j["fits"]):
        same_keys(theirs, mine, py_only=("coefficients", "bias"))
        assert mine["test_error"] == theirs["test_error"] and mine["rkhs_norm"] == theirs["rkhs_norm"]


def test_train_summary_and_trace(cli):
    lines = jsonl(cli("train", "--data", SPEC, "--width", 8, "--steps", 20, "--log-points", 3, "--json").stdout)
    summary = [x for x in lines if x["type"] == "summary"][0]
    trace = [x for x in lines if x["type"] == "trace"]
    t = ml.nn.train(D.X, D.y, width=8, steps=20, log_points=3)[0]
    same_keys(summary, t, cli_only=("type", "ranks", "timings"), py_only=("objective", "trace", "init", "final"))
    same_keys(trace[0], t["trace"][0], cli_only=("type", "trial"))
    assert [x["step"] for x in trace] == [x["step"] for x in t["trace"]]


def test_meanfield_summary_and_trace(cli):
    lines = jsonl(cli("meanfield", "--data", SPEC, "--lambda", 0.3, "--steps", 30, "--particles", 10, "--oracle",
                      "none", "--reference", "none", "--json").stdout)
    summary = [x for x in lines if x["type"] == "summary"][0]
    trace = [x for x in lines if x["type"] == "trace"]
    f = ml.meanfield.flow(D.X, D.y, lambda_sum=0.3, steps=30, particles=10, oracle="none", reference="none")
    same_keys(summary, f, cli_only=("type", "data"),
              py_only=("trace", "lambda_sum", "weights", "output_scale", "measure"))
    same_keys(summary["reference"], f["reference"])
    same_keys(trace[0], f["trace"][0], cli_only=("type",), py_only=("total_steps",))
    assert summary["best"] == f["best"] and np.isclose(summary["steps"], f["steps"])
