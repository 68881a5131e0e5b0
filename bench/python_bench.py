#!/usr/bin/env python3
"""The Python module's benchmark (issue 22), one process, every side in the same run:

1. Call overhead of `import marginlab` against the same C++ call (bench/python_overhead_bench.cpp,
   its Google Benchmark JSON given by --cpp-json): an NTK Gram (n = 2000, d = 100; a Fortran-
   ordered input read in place, and numpy's C order, copied once) and 1000 GD steps (n = 200,
   d = 20, m = 256).
2. Today's peers for the same results: neural-tangents (JAX, float64) and numpy for the NTK Gram,
   neural-tangents' predict.gradient_descent_mse for the NTK-regime prediction, scikit-learn's
   KernelRidge for a ridge fit and a 10-value λ path, torch.func for the empirical NTK of an MLP.
   Every pair is checked to compute the same numbers (max relative difference reported).
3. The hardware limit: float64 GEMM (numpy/OpenBLAS) GFLOP/s measured in the same run.

Run by bench/run_python_bench.sh with .venv/bin/python (neural-tangents: scripts/setup --bench).
Times are medians of `--reps` calls (after one warm-up); ratios are peer / marginlab (> 1: marginlab
faster) and Python / C++ for the overhead.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

import marginlab as ml


def times(fn, reps):
    fn()  # warm-up (first-touch pages, JIT compilation for JAX)
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def timed(fn, reps):
    return statistics.median(times(fn, reps))


def rel_diff(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def gemm_peak(threads, reps):
    n = 2000
    A = np.random.default_rng(0).standard_normal((n, n))
    B = np.random.default_rng(1).standard_normal((n, n))
    t = min(timed(lambda: A @ B, 1) for _ in range(reps))
    return 2 * n ** 3 / t / 1e9


def cpp_times(paths):
    """Every repetition's time (s) of each Google Benchmark run, over all the JSON files."""
    runs = {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for b in data["benchmarks"]:
            if b.get("run_type") == "iteration":
                runs.setdefault(b["run_name"].split("/")[0], []).append(b["real_time"] / 1e3)  # ms → s
    return runs


def overhead_times(reps):
    """The Python side of the overhead rows: every call's time (s)."""
    big = ml.data.load("teacher:d=100,n=2000,seed=1")
    XF, XC = np.asfortranarray(big.X), np.ascontiguousarray(big.X)
    small = ml.data.load("teacher:d=20,n=200,seed=1")
    tiny = np.asfortranarray(big.X[:10, :5])
    return {
        "gram_f": times(lambda: ml.kernel.gram(XF), reps),
        "gram_c": times(lambda: ml.kernel.gram(XC), reps),
        "train": times(lambda: ml.nn.train(small.X, small.y, width=256, steps=1000, lambda_=1e-3, log_points=5),
                       reps),
        "fixed": times(lambda: ml.kernel.gram(tiny), 200),
        "check": times(lambda: ml._core._array_info(XF), 50),
    }


def ntk_numpy(X, Y):
    """Two-layer NTK of neural-tangents' Dense(W_std=1) - Relu - Dense(W_std=1), no bias, in numpy."""
    d = X.shape[1]
    g = X @ Y.T / d
    nx = np.sqrt(np.sum(X * X, axis=1) / d)
    ny = np.sqrt(np.sum(Y * Y, axis=1) / d)
    c = np.clip(g / np.outer(nx, ny), -1.0, 1.0)
    theta = np.arccos(c)
    k1 = np.outer(nx, ny) * (np.sin(theta) + (np.pi - theta) * c) / (2 * np.pi)
    return k1 + g * (np.pi - theta) / (2 * np.pi)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpp-json", nargs="+", default=[], help="the C++ twin's Google Benchmark JSON (all passes)")
    ap.add_argument("--overhead-pass", help="measure only the overhead calls and write their times to this JSON")
    ap.add_argument("--prior-overhead", nargs="*", default=[], help="times written by earlier --overhead-pass runs")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", help="output stem: writes STEM.json and STEM.md")
    ap.add_argument("--machine", default=platform.node())
    args = ap.parse_args()
    ml.set_threads(args.threads)
    rows, notes = [], []
    if args.overhead_pass:
        with open(args.overhead_pass, "w") as f:
            json.dump(overhead_times(3 * args.reps), f)
        return

    # -- 1. overhead ------------------------------------------------------------------------
    # Both sides: every repetition of every pass kept (the driver alternates C++ and Python
    # passes); the minimum is the call's cost with the least disturbance from the shared machine
    # (the medians are reported beside it).
    cpp = cpp_times(args.cpp_json)
    py = overhead_times(3 * args.reps)
    for path in args.prior_overhead:
        with open(path) as f:
            for k, v in json.load(f).items():
                py[k] += v
    big = ml.data.load("teacher:d=100,n=2000,seed=1")
    XF, XC = np.asfortranarray(big.X), np.ascontiguousarray(big.X)
    small = ml.data.load("teacher:d=20,n=200,seed=1")
    overhead = [
        ("Gram NTK n=2000 d=100, Fortran-order input (no copy)", py["gram_f"], cpp["BM_Gram"]),
        ("Gram NTK n=2000 d=100, C-order input (one copy)", py["gram_c"], cpp["BM_Gram"]),
        ("1000 GD steps n=200 d=20 m=256", py["train"], cpp["BM_Train"]),
    ]
    fixed_us, check_us = min(py["fixed"]) * 1e6, min(py["check"]) * 1e6

    # -- 2. peers ---------------------------------------------------------------------------
    X = XF
    K_ours = ml.kernel.gram(X, kernel="deep-ntk", depth=2, w_std=1.0)
    t_ours_gram = timed(lambda: ml.kernel.gram(X, kernel="deep-ntk", depth=2, w_std=1.0), args.reps)
    K_np = ntk_numpy(XC, XC)
    t_np = timed(lambda: ntk_numpy(XC, XC), args.reps)
    rows.append(("NTK Gram n=2000 d=100 (two-layer, neural-tangents' parameterization)", "numpy (vectorized closed form)",
                 t_np, t_ours_gram, rel_diff(K_np, K_ours)))
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        from neural_tangents import predict, stax
        _, _, kernel_fn = stax.serial(stax.Dense(512, W_std=1.0), stax.Relu(), stax.Dense(1, W_std=1.0))
        kernel_fn = jax.jit(kernel_fn, static_argnames="get")
        Xj = jnp.asarray(XC)
        K_nt = np.asarray(kernel_fn(Xj, None, "ntk"))
        t_nt = timed(lambda: kernel_fn(Xj, None, "ntk").block_until_ready(), args.reps)
        rows.append(("NTK Gram n=2000 d=100 (two-layer, neural-tangents' parameterization)",
                     f"neural-tangents {__import__('neural_tangents').__version__} / JAX {jax.__version__} (jit, float64)",
                     t_nt, t_ours_gram, rel_diff(K_nt, K_ours)))
        # the NTK-regime prediction on the training points, one eigendecomposition each
        n = 1000
        Ks, ys = K_ours[:n, :n], big.y[:n]
        f0 = np.zeros(n)
        eta, steps = 1.0, 500.0
        ours = ml.kernel.ntk_regime_predict(Ks, ys, eta, steps, f0=f0)
        pred = predict.gradient_descent_mse(jnp.asarray(Ks), jnp.asarray(ys[:, None]), learning_rate=eta)
        theirs = np.asarray(pred(steps, jnp.asarray(f0[:, None])))[:, 0]
        t_nt_mse = timed(lambda: np.asarray(predict.gradient_descent_mse(
            jnp.asarray(Ks), jnp.asarray(ys[:, None]), learning_rate=eta)(steps, jnp.asarray(f0[:, None]))), args.reps)
        t_ours_mse = timed(lambda: ml.kernel.ntk_regime_predict(Ks, ys, eta, steps, f0=f0), args.reps)
        rows.append(("NTK-regime prediction f_t, n=1000 (train points)",
                     "neural-tangents predict.gradient_descent_mse", t_nt_mse, t_ours_mse, rel_diff(theirs, ours)))
    except ImportError as e:
        notes.append(f"neural-tangents not installed ({e}): run scripts/setup --bench")

    from sklearn.kernel_ridge import KernelRidge
    n = 2000
    y = big.y
    lams = np.logspace(-6, 0, 10)

    def sk_fit():
        return KernelRidge(alpha=1e-3, kernel="precomputed").fit(K_ours, y).dual_coef_

    def ours_fit():  # one λ: one Cholesky factorization, as scikit-learn
        return ml.kernel.ridge_solve(K_ours, y, 1e-3)[:, 0]

    rows.append((f"kernel ridge fit, n={n}, one λ", f"scikit-learn {__import__('sklearn').__version__} KernelRidge (precomputed)",
                 timed(sk_fit, args.reps), timed(ours_fit, args.reps), rel_diff(ours_fit(), sk_fit())))

    def sk_path():
        return [KernelRidge(alpha=a, kernel="precomputed").fit(K_ours, y).dual_coef_ for a in lams]

    def ours_path():
        p = ml.kernel.RidgePath(K_ours, y)
        return [p.coefficients(a)[:, 0] for a in lams]

    rows.append((f"kernel ridge λ-path, n={n}, 10 values", "scikit-learn KernelRidge, one fit per λ",
                 timed(sk_path, 3), timed(ours_path, 3), max(rel_diff(a, b) for a, b in zip(ours_path(), sk_path()))))

    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(20, 256, bias=False), torch.nn.ReLU(),
                              torch.nn.Linear(256, 256, bias=False), torch.nn.ReLU(),
                              torch.nn.Linear(256, 1, bias=False)).double()
    Xs = small.X
    Xt = torch.from_numpy(np.ascontiguousarray(Xs))
    params = {k: v.detach() for k, v in mlp.named_parameters()}

    def torch_ntk():
        def f(p, x):
            return torch.func.functional_call(mlp, p, (x[None],))[0, 0]
        jac = torch.func.vmap(torch.func.jacrev(f), (None, 0))(params, Xt)
        J = torch.cat([j.reshape(Xt.shape[0], -1) for j in jac.values()], dim=1)
        return (J @ J.T).numpy()

    rows.append(("empirical NTK of an MLP 20-256-256-1, n=200", f"torch {torch.__version__} torch.func (vmap(jacrev))",
                 timed(torch_ntk, args.reps), timed(lambda: ml.kernel.empirical_ntk_torch(mlp, Xs), args.reps),
                 rel_diff(ml.kernel.empirical_ntk_torch(mlp, Xs), torch_ntk())))

    peak = gemm_peak(args.threads, 3)
    gram_entries = big.X.shape[0] ** 2 / 2
    result = {
        "machine": args.machine, "date": time.strftime("%Y-%m-%d"), "threads": args.threads,
        "cpu": platform.processor() or platform.machine(), "python": sys.version.split()[0],
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
        "gemm_peak_gflops": peak,
        "fixed_call_us": fixed_us, "input_check_us": check_us,
        "overhead": [{"call": c, "python_min_s": min(p), "cpp_min_s": min(q), "ratio_min": min(p) / min(q),
                      "python_median_s": statistics.median(p), "cpp_median_s": statistics.median(q),
                      "ratio_median": statistics.median(p) / statistics.median(q), "python_reps": len(p),
                      "cpp_reps": len(q)} for c, p, q in overhead],
        "peers": [{"task": t, "peer": peer, "peer_s": a, "marginlab_s": b, "speedup": a / b, "max_rel_diff": r}
                  for t, peer, a, b, r in rows],
        "notes": notes,
    }
    with open(args.out + ".json", "w") as f:
        json.dump(result, f, indent=2)
    md = [f"# Python module benchmark — {args.machine}, {result['date']}",
          "",
          f"{args.threads} threads on both sides; float64 GEMM peak in the same run: {peak:.1f} GFLOP/s "
          f"(numpy/OpenBLAS, n = 2000; OPENBLAS_CORETYPE={result['openblas_coretype'] or 'unset'}, both sides). "
          f"Peers: medians of {args.reps} calls after a warm-up; overhead: {3 * args.reps} calls per side. "
          f"Driver: bench/run_python_bench.sh.",
          "",
          "## Call overhead: `import marginlab` against the same C++ call",
          "",
          "Fastest call of each side (the least disturbed; medians beside it). The C++ side is",
          "bench/python_overhead_bench.cpp on the same data.", "",
          "| call | Python (min / median) | C++ (min / median) | Python / C++ (min) | (median) |",
          "|---|---|---|---|---|"]
    for o in result["overhead"]:
        md.append(f"| {o['call']} | {o['python_min_s'] * 1e3:.2f} / {o['python_median_s'] * 1e3:.2f} ms | "
                  f"{o['cpp_min_s'] * 1e3:.2f} / {o['cpp_median_s'] * 1e3:.2f} ms | {o['ratio_min']:.3f} | "
                  f"{o['ratio_median']:.3f} |")
    md += ["", f"The overhead's parts that do not depend on the machine's noise, measured alone: a call's fixed "
               f"cost (a Gram of a 10 x 5 input) {fixed_us:.0f} µs; checking the 2000 x 100 input in place (dtype, "
               f"shape, finiteness) {check_us:.0f} µs.",
           "", "## Peers (same inputs, same numbers)", "",
           "| task | peer | peer | marginlab | peer / marginlab | max rel. difference |", "|---|---|---|---|---|---|"]
    for p in result["peers"]:
        md.append(f"| {p['task']} | {p['peer']} | {p['peer_s'] * 1e3:.1f} ms | {p['marginlab_s'] * 1e3:.1f} ms | "
                  f"{p['speedup']:.2f}× | {p['max_rel_diff']:.1e} |")
    md += ["", f"The Gram above computes {gram_entries:.3g} distinct entries (the symmetric half)."] + \
          [f"- {n}" for n in notes]
    with open(args.out + ".md", "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
