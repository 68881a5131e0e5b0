#!/usr/bin/env python3
"""PyTorch peer of bench/nn_step_bench.cpp: one full-batch GD step of the two-layer
ReLU net f(x) = W2 relu(W1 x) on the logistic loss + lambda ||Theta||^2 (forward,
loss, autograd backward, in-place update), the same shapes, dtypes and thread
counts; batched trials (T = 20) with torch.bmm. Prints one JSON object per line.

Run with the project's .venv/bin/python, e.g. bench/run_nn_bench.sh, one process per
thread count: `OPENBLAS_NUM_THREADS=N OMP_NUM_THREADS=N nn_step_torch.py --threads N [KEY ...]`.
Debian's torch does its matrix products in OpenBLAS (libopenblas0-pthread), whose thread
pool ignores torch.set_num_threads: without OPENBLAS_NUM_THREADS=1 a "1-thread" torch step
runs its GEMMs on every core (measured: torch.mm 160 GFLOP/s "on 1 thread" on a 2-core
machine, 82 with OPENBLAS_NUM_THREADS=1). The script refuses to run when they disagree.
"""
import json
import os
import sys
import time

import torch


def configs():
    for f32 in (0, 1):
        for th in (1, 2):
            for m in (16, 64, 256, 1024, 4096):
                yield (200, 20, m, 1, th, f32)
            for nm in (50, 100, 200, 500, 1000):
                yield (nm, 20, nm, 1, th, f32)
            for m in (256, 1024):
                yield (200, 20, m, 20, th, f32)
            yield (1000, 20, 4096, 1, th, f32)


def make_step(n, d, m, T, dtype):
    g = torch.Generator().manual_seed(0)
    X = torch.randn(n, d, generator=g, dtype=dtype) / d ** 0.5
    y = torch.randint(0, 2, (n,), generator=g).to(dtype) * 2 - 1
    lam, lr = 1e-4, 1e-3
    if T == 1:
        W1 = torch.randn(m, d, generator=g, dtype=dtype).requires_grad_()
        W2 = torch.randn(1, m, generator=g, dtype=dtype).requires_grad_()

        def step():
            F = torch.relu(X @ W1.T) @ W2.T
            loss = torch.nn.functional.softplus(-y * F[:, 0]).mean() + lam * (
                (W1 * W1).sum() + (W2 * W2).sum())
            loss.backward()
            with torch.no_grad():
                W1.sub_(lr * W1.grad)
                W2.sub_(lr * W2.grad)
            W1.grad = None
            W2.grad = None
    else:
        W1 = torch.randn(T, m, d, generator=g, dtype=dtype).requires_grad_()
        W2 = torch.randn(T, m, 1, generator=g, dtype=dtype).requires_grad_()
        Xb = X.expand(T, n, d)

        def step():
            F = torch.bmm(torch.relu(torch.bmm(Xb, W1.transpose(1, 2))), W2)  # (T, n, 1)
            loss = torch.nn.functional.softplus(-y * F[:, :, 0]).mean(dim=1).sum() + lam * (
                (W1 * W1).sum() + (W2 * W2).sum())
            loss.backward()
            with torch.no_grad():
                W1.sub_(lr * W1.grad)
                W2.sub_(lr * W2.grad)
            W1.grad = None
            W2.grad = None
    return step


def time_step(step, flops, min_time=0.3):
    for _ in range(5):
        step()
    reps, elapsed = 1, 0.0
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            step()
        elapsed = time.perf_counter() - t0
        if elapsed >= min_time:
            return elapsed / reps
        reps = max(reps * 2, int(reps * min_time / max(elapsed, 1e-6) * 1.2))


def gemm_gflops(dtype, threads, N=1024):
    torch.set_num_threads(threads)
    A = torch.randn(N, N, dtype=dtype)
    B = torch.randn(N, N, dtype=dtype)
    sec = time_step(lambda: torch.mm(A, B), 0)
    return 2 * N ** 3 / sec * 1e-9


def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--threads":
        sys.exit("usage: nn_step_torch.py --threads N [KEY ...]")
    threads, only = int(args[1]), set(args[2:])
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(var) != str(threads):
            sys.exit(f"nn_step_torch.py: set {var}={threads} (OpenBLAS ignores torch.set_num_threads)")
    torch.set_grad_enabled(True)
    meta = {"kind": "meta", "torch": torch.__version__,
            "gemm_gflops": {f"{dt}/{threads}": gemm_gflops(getattr(torch, dt), threads)
                            for dt in ("float64", "float32")}}
    print(json.dumps(meta), flush=True)
    for (n, d, m, T, th, f32) in configs():
        key = f"{n}/{d}/{m}/{T}/{th}/{f32}"
        if th != threads or (only and key not in only):
            continue
        torch.set_num_threads(th)
        dtype = torch.float32 if f32 else torch.float64
        step = make_step(n, d, m, T, dtype)
        sec = time_step(step, 0)
        print(json.dumps({"kind": "step", "key": key, "n": n, "d": d, "m": m, "T": T,
                          "threads": th, "f32": f32, "step_us": sec * 1e6,
                          "steps_per_s": T / sec}), flush=True)


if __name__ == "__main__":
    main()
