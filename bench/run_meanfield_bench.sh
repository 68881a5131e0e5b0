#!/usr/bin/env bash
# Runs the mean-field flow step benchmark (bench/meanfield_step_bench.cpp) and writes
#   bench/results/<machine>-meanfield_step.json  (raw Google Benchmark output + machine)
#   bench/results/<machine>-meanfield_step.md    (steps/s and the fraction of the GEMM peak)
# Usage: bench/run_meanfield_bench.sh [BUILD_DIR]  (configure with -DMARGINLAB_BUILD_BENCH=ON
#        and build bench_meanfield_step first). MARGINLAB_MACHINE names the machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
MACHINE="${MARGINLAB_MACHINE:-$(hostname -s)}"
OUT="$ROOT/bench/results"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD/bench/bench_meanfield_step" --benchmark_format=json --benchmark_out="$TMP/mf.json" \
  --benchmark_out_format=json >/dev/null
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

"$ROOT/.venv/bin/python" - "$TMP/mf.json" "$OUT/$MACHINE-meanfield_step" "$MACHINE" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import json, platform, re, subprocess, sys, time
src, out, machine, load_before, load_after = sys.argv[1:6]
raw = json.load(open(src))
rows, peak = [], {}
for b in raw["benchmarks"]:
    name = b["name"]
    if name.startswith("BM_FlowStep"):
        v = dict(re.findall(r"(\w+):(\d+)", name))
        rows.append((v, b))
    elif name.startswith("BM_BlasGemm"):
        th = name.split("/")[2]
        peak[f"openblas-{th}"] = b["gflops"] / 1e9 if b["gflops"] > 1e6 else b["gflops"]
    elif name.startswith("BM_EigenGemm"):
        peak["eigen-1"] = b["gflops"] / 1e9 if b["gflops"] > 1e6 else b["gflops"]
    elif name.startswith("BM_RunFlow"):
        runflow = b["steps_per_s"]
def g(x):  # Google Benchmark rates are per second
    return x / 1e9 if x > 1e6 else x
cpu = subprocess.run(["sh", "-c", "lscpu | grep 'Model name' | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
meta = {"machine": machine, "cpu": cpu, "cores": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
        "date": time.strftime("%Y-%m-%d %H:%M"), "load_before": load_before, "load_after": load_after,
        "OPENBLAS_CORETYPE": __import__("os").environ.get("OPENBLAS_CORETYPE", "")}
json.dump({"meta": meta, "benchmarks": raw["benchmarks"]}, open(out + ".json", "w"), indent=1)
lines = [f"# Mean-field flow step ({machine})", "",
         f"{meta['cpu']}, {meta['cores']} cores, measured {meta['date']}, load average before/after "
         f"{load_before} / {load_after}, OPENBLAS_CORETYPE={meta['OPENBLAS_CORETYPE'] or '(unset)'}.",
         "Produced by `bench/run_meanfield_bench.sh` (bench/meanfield_step_bench.cpp).", "",
         "One step = `Evaluate` (outputs, L[ρ], α) + `Transport` (velocity and update), double.",
         "FLOPs = 4Mnd + 4Mn (two GEMM-shaped products: Z = U Xᵀ in the forward pass, which keeps",
         "only the activation pattern, and V = (1[Z>0]∘αᵀ)X from it; nothing M×n of numbers is stored).",
         "Peak = the best double GEMM (N = 1024) with the same thread count (OpenBLAS; Eigen for 1 thread).", "",
         "| M | n | d | threads | ms/step | steps/s | GFLOP/s | % of peak |",
         "|---|---|---|---|---|---|---|---|"]
for v, b in rows:
    th = v["threads"]
    pk = max(g(peak.get(f"openblas-{th}", 0)), g(peak.get("eigen-1", 0)) if th == "1" else 0)
    ex = g(b["gflops"])
    lines.append(f"| {v['M']} | {v['n']} | {v['d']} | {th} | {b['real_time']:.1f} | {b['steps_per_s']:.1f} | "
                 f"{ex:.1f} | {100*ex/pk:.0f}% |")
lines += ["", "GEMM peak (GFLOP/s): " + ", ".join(f"{k} {g(v):.1f}" for k, v in sorted(peak.items())), ""]
if "runflow" in dir():
    lines.append(f"Whole `RunFlow` loop (σ = 1, redraw injection, no diagnostics), M = 1e5, 2 threads: {runflow:.1f} steps/s.")
open(out + ".md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
