#!/usr/bin/env python3
"""Global optima on wei-d: marginlab's column generation against a fixed-dictionary HiGHS LP.

What it measures, on the wei-d data (Wei et al. eq. 2.1; spec wei-d:d=D,n=N,seed=1),
d in {16, 32, 64}, n in {200, 1600, 6400}:

  1. marginlab's l1-SVM over ReLU features (Wei et al. B.14) by column generation,
     `marginlab margin l1svm --max-rounds R --json`: the attained margin γ_lo (`value`),
     the bracket [γ_lo, γ_hi] (γ_hi is an ESTIMATE: the oracle is heuristic, certified is
     false), rounds, columns, oracle evaluations, the reported seconds, and our wall clock.
     R = 400 (timeout 150 s) for n <= 1600; R = 40 (timeout 120 s) for n = 6400.
  2. marginlab's Θ_λ, the global optimum of mean logistic loss + λ‖Θ‖², λ = 1e-4 (thm21's
     value), `marginlab certify --global --lambda 1e-4 --json` (timeout 120 s).
  3. The peer a user would write: scipy's HiGHS (`linprog(method="highs")`) on the l1-SVM
     LP over a FIXED dictionary, 10^4 random unit directions (numpy default_rng(0),
     Gaussian, normalized) plus the 2d axes ±e_k, each column with both signs:
         max t  s.t.  y_i Σ_j relu(ū_j·x_i)(a⁺_j − a⁻_j) ≥ t,  Σ_j (a⁺_j + a⁻_j) ≤ 1,  a± ≥ 0.
     Its value is a lower bound on γ_ℓ1 restricted to that dictionary (we also re-evaluate
     min_i y_i f(x_i)/‖a‖₁ from the returned a). Feature-matrix build time and LP solve time
     are reported separately, with the memory of the feature matrix Φ (n × K) and of the
     dense constraint matrix [−yΦ, yΦ, 1] (n × (2K+1)) handed to linprog, and the peak RSS of
     the peer process. HiGHS gets options={"time_limit": 180}. The peer reads exactly the
     data marginlab sees: `marginlab data sample --data SPEC --format npy --out DIR`.
  4. A hardware line: numpy float64 GEMM 2048×2048 @ 2048×2048, best of 3, GFLOP/s, at the
     start and at the end of the run.

Every case runs alone (one heavy process at a time) under its own timeout; a case that
hits it is recorded as "did not finish in N s". The whole run keeps to a wall-clock budget
(--budget, default 840 s): cases run in the order n = 200 (all three solvers), n = 1600,
n = 6400 Θ_λ, then the rest of n = 6400; a case gets min(its timeout, what is left of the
budget), and once the budget is spent the remaining cases are listed as skipped.

Output: bench/results/<machine>-global_optima.json and .md, machine = $MARGINLAB_MACHINE
or `hostname -s`.

Usage:
  .venv/bin/python bench/global_optima_bench.py [--quick] [--timeout-scale S] [--budget SEC]
      [--marginlab build/marginlab] [--machine NAME] [--out-dir bench/results]
  --quick            n = 200 only
  --timeout-scale S  multiply every per-case timeout (and HiGHS' time_limit) by S
  --budget SEC       wall-clock budget of the whole run (default 840 s)
  --render JSON      rewrite the .md from an existing results .json (no measurement)
Internal: --peer DATA_DIR --time-limit T runs one HiGHS case and prints its JSON.
"""
import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DS = [16, 32, 64]
NS = [200, 1600, 6400]
LAMBDA = 1e-4
DICT_SIZE = 10_000


def spec(d, n):
    return f"wei-d:d={d},n={n},seed=1"


# ---------------------------------------------------------------- the peer (HiGHS LP)
def peer_main(data_dir, time_limit):
    import numpy as np
    from scipy.optimize import linprog

    X = np.load(os.path.join(data_dir, "X.npy"))
    y = np.load(os.path.join(data_dir, "y.npy"))
    n, d = X.shape
    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    G = rng.standard_normal((DICT_SIZE, d))
    G /= np.linalg.norm(G, axis=1, keepdims=True)
    U = np.vstack([G, np.eye(d), -np.eye(d)])  # K = 10^4 + 2d unit directions
    K = U.shape[0]
    Phi = np.maximum(X @ U.T, 0.0)  # n × K
    yPhi = y[:, None] * Phi
    # variables: a⁺ (K), a⁻ (K), t; minimize −t
    A_ub = np.empty((n + 1, 2 * K + 1))
    A_ub[:n, :K] = -yPhi
    A_ub[:n, K:2 * K] = yPhi
    A_ub[:n, 2 * K] = 1.0
    A_ub[n, :2 * K] = 1.0
    A_ub[n, 2 * K] = 0.0
    b_ub = np.zeros(n + 1)
    b_ub[n] = 1.0
    c = np.zeros(2 * K + 1)
    c[2 * K] = -1.0
    bounds = [(0, None)] * (2 * K) + [(None, None)]
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs",
                  options={"time_limit": float(time_limit)})
    solve_s = time.perf_counter() - t1
    out = {"n": n, "d": d, "K": K, "lp_columns": 2 * K + 1, "lp_rows": n + 1,
           "build_seconds": build_s, "solve_seconds": solve_s,
           "phi_bytes": int(Phi.nbytes), "a_ub_bytes": int(A_ub.nbytes),
           "phi_nonzero_fraction": float(np.count_nonzero(Phi)) / Phi.size,
           "status": int(res.status), "message": str(res.message),
           "time_limit": float(time_limit), "nit": int(getattr(res, "nit", -1) or -1)}
    if res.x is not None:
        a = res.x[:K] - res.x[K:2 * K]
        l1 = float(np.abs(a).sum())
        margins = y * (Phi @ a)
        out["value"] = float(-res.fun) if res.fun is not None else None
        out["value_reevaluated"] = float(margins.min() / l1) if l1 > 0 else 0.0
        out["l1_norm"] = l1
        out["support"] = int(np.count_nonzero(np.abs(a) > 1e-9))
    else:
        out["value"] = None
    out["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(out))


# ---------------------------------------------------------------- the driver
def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()


def binary_id(path):
    """sha256 and mtime of the marginlab binary (it may be rebuilt by others during the run)."""
    import hashlib
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    mtime = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(os.path.getmtime(path)))
    return {"sha256": digest, "mtime": mtime}


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def gemm_peak():
    import numpy as np
    N = 2048
    rng = np.random.default_rng(1)
    a = rng.random((N, N))
    b = rng.random((N, N))
    a @ b  # warm-up
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * N ** 3 / best / 1e9


def run_case(cmd, timeout):
    """Runs cmd (a list) with a hard timeout; returns (status, wall_s, stdout, stderr)."""
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        return "timeout", time.perf_counter() - t, "", err
    wall = time.perf_counter() - t
    return ("ok" if p.returncode == 0 else f"error rc={p.returncode}"), wall, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="n = 200 only")
    ap.add_argument("--timeout-scale", type=float, default=1.0)
    ap.add_argument("--budget", type=float, default=840.0, help="wall-clock budget of the whole run, s")
    ap.add_argument("--marginlab", default=os.path.join(ROOT, "build", "marginlab"))
    ap.add_argument("--machine", default=os.environ.get("MARGINLAB_MACHINE") or socket.gethostname().split(".")[0])
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--render", metavar="JSON", help="only rewrite the .md next to an existing results .json")
    ap.add_argument("--peer", help=argparse.SUPPRESS)
    ap.add_argument("--time-limit", type=float, default=180.0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.peer:
        peer_main(args.peer, args.time_limit)
        return
    if args.render:
        with open(args.render) as f:
            doc = json.load(f)
        with open(args.render[:-len(".json")] + ".md", "w") as f:
            f.write(markdown(doc))
        return

    start = time.perf_counter()
    ts = args.timeout_scale
    ml = args.marginlab
    tmp = tempfile.mkdtemp(prefix="global_optima_")
    meta = {"machine": args.machine,
            "cpu": sh("lscpu | grep 'Model name' | cut -d: -f2"),
            "cores": sh("nproc"),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_before": loadavg(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", ""),
            "marginlab_version": sh(f"{ml} version | head -1"),
            "marginlab_threads": "default (0 = all cores)",
            "python": sys.version.split()[0],
            "blas": os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"),
            "timeout_scale": ts, "budget_s": args.budget, "quick": args.quick}
    meta["marginlab_binary_start"] = binary_id(ml)
    # Run a frozen copy: build/marginlab may be rebuilt by others while the run goes on.
    frozen = os.path.join(tmp, "marginlab")
    shutil.copy2(ml, frozen)
    meta["marginlab_path"] = os.path.relpath(ml, ROOT) + " (a copy taken at the start of the run)"
    ml_src, ml = ml, frozen
    meta["git_head"] = sh(f"git -C {ROOT} rev-parse HEAD")
    meta["git_dirty"] = sh(f"git -C {ROOT} status --short --untracked-files=no").splitlines()
    import numpy
    import scipy
    meta["numpy"], meta["scipy"] = numpy.__version__, scipy.__version__
    gemm_start = gemm_peak()
    print(f"GEMM peak at start: {gemm_start:.1f} GFLOP/s; load {meta['load_before']}", flush=True)

    ns = [200] if args.quick else NS
    plan = []  # (kind, d, n)
    for n in [200, 1600]:
        if n in ns:
            for d in DS:
                plan += [("l1svm", d, n), ("global", d, n), ("highs", d, n)]
    if 6400 in ns:
        plan += [("global", d, 6400) for d in DS]
        for d in DS:
            plan += [("l1svm", d, 6400), ("highs", d, 6400)]

    cases = []
    for kind, d, n in plan:
        left = args.budget - (time.perf_counter() - start) - 10  # keep 10 s for the end GEMM and files
        rec = {"kind": kind, "d": d, "n": n, "spec": spec(d, n)}
        if kind == "l1svm":
            rounds = 40 if n >= 6400 else 400
            nominal = (120 if n >= 6400 else 150) * ts
            rec["max_rounds"] = rounds
        elif kind == "global":
            nominal = 120 * ts
        else:
            time_limit = 180 * ts
            nominal = time_limit + 60 * ts  # build + HiGHS' own time limit + scipy's conversion
        if left < 15:
            rec["status"] = "skipped"
            rec["why"] = f"budget spent ({args.budget:.0f} s)"
            cases.append(rec)
            print(f"{kind:6s} d={d:<3d} n={n:<5d} skipped (budget)", flush=True)
            continue
        timeout = min(nominal, left)
        rec["timeout_s"] = timeout
        rec["nominal_timeout_s"] = nominal
        rec["budget_limited"] = timeout < nominal
        rec["load_at_start"] = loadavg()
        if kind == "l1svm":
            cmd = [ml, "margin", "l1svm", "--data", spec(d, n), "--max-rounds", str(rounds), "--json"]
        elif kind == "global":
            cmd = [ml, "certify", "--global", "--data", spec(d, n), "--lambda", repr(LAMBDA), "--json"]
        else:
            ddir = os.path.join(tmp, f"d{d}n{n}")
            subprocess.run([ml, "data", "sample", "--data", spec(d, n), "--format", "npy", "--out", ddir],
                           check=True, capture_output=True, cwd=ROOT)
            tl = min(time_limit, max(5.0, timeout - 30 * ts))
            rec["highs_time_limit_s"] = tl
            cmd = [sys.executable, os.path.abspath(__file__), "--peer", ddir, "--time-limit", str(tl)]
        rec["command"] = " ".join(cmd).replace(frozen, meta["marginlab_path"].split()[0])
        status, wall, out, err = run_case(cmd, timeout)
        rec["status"], rec["wall_seconds"] = status, wall
        if status == "ok":
            try:
                rec["result"] = json.loads(out.strip().splitlines()[-1])
            except (ValueError, IndexError):
                rec["status"] = "error: unparsable output"
                rec["stdout_tail"] = out[-2000:]
        if status != "ok":
            rec["stderr_tail"] = err[-2000:]
        cases.append(rec)
        print(f"{kind:6s} d={d:<3d} n={n:<5d} {status} wall {wall:.2f} s" +
              (f" value {brief_value(rec)}" if rec.get("result") else ""), flush=True)

    gemm_end = gemm_peak()
    meta["load_after"] = loadavg()
    meta["marginlab_binary_end"] = binary_id(ml_src)
    meta["total_wall_seconds"] = time.perf_counter() - start
    shutil.rmtree(tmp, ignore_errors=True)
    doc = {"meta": meta, "gemm_gflops": {"start": gemm_start, "end": gemm_end,
                                         "what": "numpy float64 2048x2048 @ 2048x2048, best of 3"},
           "cases": cases}
    os.makedirs(args.out_dir, exist_ok=True)
    base = os.path.join(args.out_dir, f"{args.machine}-global_optima")
    with open(base + ".json", "w") as f:
        json.dump(doc, f, indent=1)
    md = markdown(doc)
    with open(base + ".md", "w") as f:
        f.write(md)
    print(md)
    print(f"wrote {base}.json and {base}.md")


def brief_value(rec):
    r = rec["result"]
    if rec["kind"] == "global":
        return f"{r['global']['objective']:.6g}"
    v = r.get("value")
    return "none" if v is None else f"{v:.6g}"


def find(cases, kind, d, n):
    for c in cases:
        if (c["kind"], c["d"], c["n"]) == (kind, d, n):
            return c
    return None


def not_done(c):
    if c is None:
        return "not run"
    if c["status"] == "skipped":
        return "skipped (budget)"
    if c["status"] == "timeout":
        extra = " (budget-limited)" if c.get("budget_limited") else ""
        return f"did not finish in {c['timeout_s']:.0f} s{extra}"
    return c["status"]


def binary_line(m):
    b0, b1 = m["marginlab_binary_start"], m["marginlab_binary_end"]
    dirty = ", ".join(x.strip() for x in m["git_dirty"]) or "none"
    same = ("build/marginlab unchanged during the run" if b0 == b1 else
            f"build/marginlab was REBUILT during the run (at the end: sha256 {b1['sha256'][:12]}, built "
            f"{b1['mtime']}); every case used the copy")
    return (f"Binary: a copy of build/marginlab taken at the start, sha256 {b0['sha256'][:12]}, built "
            f"{b0['mtime']}; {same}. Git HEAD "
            f"{m['git_head'][:12]}, modified tracked files: {dirty}. ")


def f4(x):
    return "–" if x is None else f"{x:.4f}"


def markdown(doc):
    m, g, cases = doc["meta"], doc["gemm_gflops"], doc["cases"]
    L = [f"# Global optima on wei-d: marginlab column generation vs a fixed-dictionary HiGHS LP ({m['machine']})", "",
         f"{m['cpu']}, {m['cores']} cores, measured {m['date']}, load average before/after "
         f"{m['load_before']} / {m['load_after']}, OPENBLAS_CORETYPE={m['OPENBLAS_CORETYPE'] or '(unset)'}. "
         f"{m['marginlab_version']} (threads: {m['marginlab_threads']}); numpy {m['numpy']}, scipy {m['scipy']} "
         f"(HiGHS), BLAS {m['blas']}. The machine is shared: other jobs ran at the same time.",
         f"Produced by `bench/global_optima_bench.py` (timeout scale {m['timeout_scale']}, budget "
         f"{m['budget_s']:.0f} s, whole run {m['total_wall_seconds']:.0f} s).", "",
         binary_line(m), "",
         f"Hardware line: numpy float64 GEMM 2048³, best of 3: {g['start']:.1f} GFLOP/s at the start, "
         f"{g['end']:.1f} GFLOP/s at the end.", "",
         "Data: `wei-d:d=D,n=N,seed=1` (Wei et al. eq. 2.1). The true γ_ℓ1 of wei-d is 0.25 (the explicit",
         "4-neuron net) when n is large enough against d; a small sample in high d lets the l1-SVM fit the",
         "noise bits and exceed it. Values are as measured.", "",
         "## l1-SVM over ReLU features: marginlab (column generation) vs scipy HiGHS (fixed dictionary)", "",
         "marginlab: `margin l1svm --max-rounds R` (R = 400 for n ≤ 1600, 40 for n = 6400); γ_lo = attained",
         "margin (a lower bound), γ_hi est. = the heuristic oracle's ESTIMATE of the upper end (not certified).",
         "HiGHS: `linprog(method=\"highs\", options={\"time_limit\": 180})` over K = 10⁴ random unit directions",
         "(default_rng(0)) + the 2d axes ±e_k, both signs per column; its value is the l1-SVM optimum restricted",
         "to that dictionary (a lower bound on γ_ℓ1). build = features Φ = relu(X Uᵀ) and the dense constraint",
         "matrix; solve = the linprog call (includes scipy's dense→sparse conversion). Φ MB = n·K doubles;",
         "A MB = the n × (2K+1) dense matrix given to linprog; RSS = the peer process's peak.",
         "Ratio = marginlab wall s / HiGHS (build + solve) s; > 1 means marginlab is slower.", "",
         "| d | n | marginlab γ_lo | γ_hi est. | rounds | columns | termination | marginlab wall s | reported s |"
         " HiGHS value | HiGHS build s | HiGHS solve s | HiGHS status | Φ MB | A MB | RSS MB | ratio |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for n in NS:
        for d in DS:
            a, h = find(cases, "l1svm", d, n), find(cases, "highs", d, n)
            if a is None and h is None:
                continue
            if a is not None and a.get("result"):
                r = a["result"]
                left = (f"| {d} | {n} | {f4(r['value'])} | {f4(r.get('upper_estimate', r['bracket'][1]))} | "
                        f"{r['rounds']} | {r['columns']} | {r['termination']} | {a['wall_seconds']:.2f} | "
                        f"{r['seconds']:.2f} |")
            else:
                left = f"| {d} | {n} | {not_done(a)} | – | – | – | – | – | – |"
            if h is not None and h.get("result"):
                r = h["result"]
                tot = r["build_seconds"] + r["solve_seconds"]
                st = "optimal" if r["status"] == 0 else (
                    f"time limit {r['time_limit']:.0f} s hit" if "time" in r["message"].lower() else r["message"])
                ratio = "–"
                if a is not None and a.get("result"):  # HiGHS stopped by its time limit: the ratio is an upper bound
                    ratio = ("< " if r["status"] != 0 else "") + f"{a['wall_seconds'] / tot:.3g}"
                right = (f" {f4(r.get('value'))} | {r['build_seconds']:.2f} | {r['solve_seconds']:.2f} | {st} | "
                         f"{r['phi_bytes'] / 2**20:.0f} | {r['a_ub_bytes'] / 2**20:.0f} | "
                         f"{r['peak_rss_bytes'] / 2**20:.0f} | {ratio} |")
            else:
                right = f" {not_done(h)} | – | – | – | – | – | – | – |"
            L.append(left + right)
    L += ["", "`reported s` is the `seconds` field of marginlab's JSON: the LP and oracle phases only; wall s also",
          "holds what runs outside them (process start, data generation, anything the solver does not time).",
          "HiGHS value – : linprog returned no solution (scipy gives x = None when the time limit stops HiGHS).",
          "\"< r\": HiGHS was stopped by its time limit, so its time and hence the ratio are bounds.", "",
          "## Θ_λ: global optimum of mean logistic loss + λ‖Θ‖², λ = 1e-4 (marginlab `certify --global`)", "",
          "objective = the attained value (upper end); the lower end is a heuristic-oracle ESTIMATE (certified:",
          "false). No peer runs this problem. `reported s` = `global.seconds`, which sums the phases",
          "`restricted`, `oracle` and `other` (src/margin/global_optimum.cpp; they sum to the solver's wall",
          "time since 0b57027, which fixed a double count); wall s adds process start and data generation.", "",
          "| d | n | objective | lower est. | rounds | columns | oracle evaluations | width | termination |"
          " wall s | reported s |",
          "|---|---|---|---|---|---|---|---|---|---|---|"]
    for n in NS:
        for d in DS:
            c = find(cases, "global", d, n)
            if c is None:
                continue
            if c.get("result"):
                gl = c["result"]["global"]
                L.append(f"| {d} | {n} | {gl['objective']:.6g} | {gl['bracket'][0]:.6g} | {gl['rounds']} | "
                         f"{gl['columns']} | {gl['oracle_evaluations']} | {gl['network']['width']} | "
                         f"{gl['termination']} | {c['wall_seconds']:.2f} | {gl['seconds']:.2f} |")
            else:
                L.append(f"| {d} | {n} | {not_done(c)} | – | – | – | – | – | – | – | – |")
    skipped = [c for c in cases if c["status"] != "ok"]
    L += ["", "## Cases that did not complete", ""]
    if not skipped and not m["quick"]:
        L.append("None: every case finished.")
    for c in skipped:
        L.append(f"- {c['kind']} d={c['d']} n={c['n']}: {not_done(c)}")
    if m["quick"]:
        L.append("- `--quick`: n = 1600 and n = 6400 were not planned.")
    L.append("")
    return "\n".join(L)


if __name__ == "__main__":
    main()
