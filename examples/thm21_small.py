"""A small Theorem 2.1 comparison (Wei et al. 2019): on the wei-d distribution, the
l2-regularized two-layer net's global optimum Θ_λ learns from O(d) samples, while the NTK
kernel predictor needs Ω(d²). For each dimension d, the smallest n (on a doubling grid) at
which each predictor's test error is ≤ 10%, averaged over a few data seeds.
Run: .venv/bin/python examples/thm21_small.py  (about 5 s on 2 cores)"""
import numpy as np

import marginlab as ml
from marginlab.estimators import NTKSVC

GRID, SEEDS, TARGET = [8, 16, 32, 64, 128, 256, 512], range(3), 0.10


def test_error(fit_predict, d, n, seed):
    X, y = ml.data.generate("wei-d", d=d, n=n, seed=seed)
    Xt, yt = ml.data.generate("wei-d", d=d, n=1000, seed=seed, sample=1)
    return np.mean(fit_predict(X, y, Xt) != yt)


def net(X, y, Xt):  # Θ_λ by column generation (certified only where the oracle is exact), its sign
    g = ml.margin.global_optimum(X, y, lambda_=1e-3)
    return np.where(ml.nn.outputs(g["weights"], Xt, g["output_scale"])[:, 0] > 0, 1.0, -1.0)


def ntk(X, y, Xt):  # the hard-margin NTK SVM (minimum RKHS norm)
    return NTKSVC(C=1e8, fit_intercept=False).fit(X, y).predict(Xt)


print(f"{'d':>4} {'n(net)':>8} {'n(NTK)':>8}")
for d in (8, 12, 16):
    first = {}
    for name, method in (("net", net), ("ntk", ntk)):
        first[name] = next((n for n in GRID if np.mean([test_error(method, d, n, s) for s in SEEDS]) <= TARGET),
                           float("inf"))
    print(f"{d:>4} {first['net']:>8} {first['ntk']:>8}")
