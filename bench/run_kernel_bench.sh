#!/usr/bin/env bash
# Runs the kernel benchmarks (bench/kernel_gram_bench.cpp) and the numpy peer
# (bench/kernel_gram_numpy.py) in one session on KERNEL_BENCH_THREADS (default 2) threads and writes
#   bench/results/<machine>-kernel.json  (raw results of both, machine description, load average)
#   bench/results/<machine>-kernel.md    (the comparison tables)
# Usage: bench/run_kernel_bench.sh [BUILD_DIR]   (default build; configure with
#        -DMARGINLAB_BUILD_BENCH=ON and build bench_kernel_gram first)
# Stages: gram (vs numpy), gram-warm (both again with freed memory kept by the process), cholesky (vs dpotrf, n = 20,000), dense (Falkon vs the dense solve at
# n = 20,000), falkon (n = 100,000), eigen (the ridge path's eigendecomposition: LAPACK dsyevd and
# dsyevr against Eigen's solver, n = 1000–4000). KERNEL_BENCH_STAGES="gram cholesky" (say) selects;
# unset runs all; set but empty runs none and only rebuilds the tables. Each stage keeps its raw
# output in bench/results/raw/, so stages can be run (or re-run) separately and the tables are
# rebuilt from whatever is there (the table's header gives each stage's date and load). KERNEL_BENCH_LAMBDA_PER_N (λ = that·n, default
# 1e-5) and KERNEL_BENCH_CENTERS (default 3000) set the solver. MARGINLAB_MACHINE names the machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
MACHINE="${MARGINLAB_MACHINE:-$(hostname -s)}"
STAGES="${KERNEL_BENCH_STAGES-gram gram-warm cholesky dense falkon eigen}"  # set but empty: only rebuild the tables
export KERNEL_BENCH_THREADS="${KERNEL_BENCH_THREADS:-2}"
export KERNEL_BENCH_LAMBDA_PER_N="${KERNEL_BENCH_LAMBDA_PER_N:-1e-5}"
export KERNEL_BENCH_CENTERS="${KERNEL_BENCH_CENTERS:-3000}"
OUT="$ROOT/bench/results"
RAW="$OUT/raw/$MACHINE-kernel"
mkdir -p "$OUT/raw"
BIN="$BUILD/bench/bench_kernel_gram"
# Stage gram-warm: glibc malloc never maps fresh memory for large blocks nor returns freed memory,
# so a process that computes many n×n results reuses pages it already touched.
WARM_HEAP="glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736"
run() {  # run STAGE FILTER
  "$BIN" --benchmark_filter="$2" --benchmark_out="$RAW-$1.json.tmp" --benchmark_out_format=json >&2
  mv "$RAW-$1.json.tmp" "$RAW-$1.json"
}
for stage in $STAGES; do
  echo "== $stage (load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  case "$stage" in
    gram)
      run gram 'BM_(Gram|CrossGram|GemmOnly)/'
      OPENBLAS_NUM_THREADS="$KERNEL_BENCH_THREADS" "$ROOT/.venv/bin/python" "$ROOT/bench/kernel_gram_numpy.py" \
        > "$RAW-numpy.jsonl.tmp"
      mv "$RAW-numpy.jsonl.tmp" "$RAW-numpy.jsonl" ;;
    gram-warm)  # the same, with glibc keeping freed memory in the process (no first-touch faults)
      (export GLIBC_TUNABLES="$WARM_HEAP"
       run gram-warm 'BM_(Gram|CrossGram)/'
       OPENBLAS_NUM_THREADS="$KERNEL_BENCH_THREADS" "$ROOT/.venv/bin/python" "$ROOT/bench/kernel_gram_numpy.py" \
         > "$RAW-numpy-warm.jsonl.tmp"
       mv "$RAW-numpy-warm.jsonl.tmp" "$RAW-numpy-warm.jsonl") ;;
    cholesky) run cholesky 'BM_(Cholesky|Dpotrf)/' ;;
    dense) run dense 'BM_FalkonVsDense/' ;;
    falkon) run falkon 'BM_Falkon/' ;;
    eigen) run eigen 'BM_SymmetricEigen/' ;;
    *) echo "unknown stage $stage" >&2; exit 2 ;;
  esac
done

"$ROOT/.venv/bin/python" - "$RAW" "$OUT/$MACHINE-kernel" "$MACHINE" "$WARM_HEAP" <<'PY'
import json, os, re, subprocess, sys, time
raw, out, machine, warm_heap = sys.argv[1:5]
def bench(stage):
    path = f"{raw}-{stage}.json"
    return json.load(open(path))["benchmarks"] if os.path.exists(path) else []
gram, chol, eig = bench("gram"), bench("cholesky"), bench("eigen")
gram_warm = bench("gram-warm")
falkon = bench("dense") + bench("falkon")
def numpy_rows(name):
    path = f"{raw}-{name}.jsonl"
    return [json.loads(l) for l in open(path) if l.strip()] if os.path.exists(path) else []
rows, rows_warm = numpy_rows("numpy"), numpy_rows("numpy-warm")
numpy_meta = rows[0] if rows else {}
cpu = ""
try:
    cpu = re.search(r"Model name:\s*(.*)", subprocess.run(["lscpu"], capture_output=True, text=True).stdout).group(1)
except Exception:
    pass
info = {"machine": machine, "cpu": cpu, "cores": os.cpu_count(), "loadavg_at_end": os.getloadavg(),
        "threads": int(os.environ["KERNEL_BENCH_THREADS"]), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "numpy": numpy_meta.get("numpy"), "lambda_per_n": float(os.environ["KERNEL_BENCH_LAMBDA_PER_N"]),
        "centers": int(os.environ["KERNEL_BENCH_CENTERS"]), "warm_heap_tunables": warm_heap}
def gram_table(benchmarks, numpy_lines):
    numpy = {(r["n"], r["d"]): r for r in numpy_lines[1:]}
    table, by = [], {}
    for b in benchmarks:
        m = re.match(r"BM_(\w+)/(\d+)/(\d+)", b["name"])
        if m:
            by[(m.group(1), int(m.group(2)), int(m.group(3)))] = b
    for (kind, n, d), b in sorted(by.items()):
        if kind == "GemmOnly":
            continue
        eps, npy, gemm = b["entries_per_second"], numpy.get((n, d)), by.get(("GemmOnly", n, d))
        table.append({"variant": kind, "n": n, "d": d, "marginlab_entries_per_s": eps,
                      "ns_per_entry": 1e9 / eps, "marginlab_system_seconds": b.get("system_seconds"),
                      "numpy_entries_per_s": npy["entries_per_second"] if npy else None,
                      "numpy_system_seconds": npy.get("system_seconds") if npy else None,
                      "speedup_vs_numpy": eps / npy["entries_per_second"] if npy else None,
                      "gemm_only_entries_per_s": gemm["entries_per_second"] if gemm else None})
    return table
table, table_warm = gram_table(gram, rows), gram_table(gram_warm, rows_warm)
cholesky = {b["name"].split("/")[0][3:]: {"seconds": b["real_time"], "gflops": b.get("gflops")} for b in chol}
# (older raw files name the CG count "iterations", which collides with the benchmark's own field;
# json keeps the later key, the counter)
solver = [{k: v for k, v in b.items() if k not in ("run_name", "run_type", "repetitions", "repetition_index",
                                                    "threads", "family_index", "per_family_instance_index",
                                                    "cpu_time", "time_unit")} for b in falkon]
for b in solver:
    b["cg_iterations"] = b.get("cg_iterations", b.get("iterations"))
eigen = [{"method": b.get("label", ""), "n": int(b["name"].split("/")[2]), "seconds": b["real_time"],
          "nominal_gflops": b.get("nominal_gflops")} for b in eig]
result = {"info": info, "gram": table, "gram_warm_heap": table_warm, "cholesky": cholesky, "solver": solver, "eigen": eigen, "numpy_raw": rows, "numpy_warm_raw": rows_warm,
          "marginlab_raw": {"gram": gram, "gram_warm_heap": gram_warm, "cholesky": chol, "falkon": falkon, "eigen": eig}}
stage_started = {}  # when each stage's raw file was written (stages can be run separately)
for stage in ("gram", "gram-warm", "cholesky", "dense", "falkon", "eigen"):
    path = f"{raw}-{stage}.json"
    if os.path.exists(path):
        ctx = json.load(open(path)).get("context", {})
        stage_started[stage] = {"date": ctx.get("date"), "load_avg": ctx.get("load_avg")}
result["stages"] = stage_started
json.dump(result, open(out + ".json", "w"), indent=1)
md = [f"# Kernel benchmarks — {machine}", "",
      f"{info['date']}; {cpu}; {info['threads']} threads (marginlab and numpy's OpenBLAS); "
      f"load average at the end {', '.join(f'{x:.1f}' for x in info['loadavg_at_end'])} "
      f"(the machine is shared: other jobs ran at the same time, so absolute times are pessimistic).", "",
      "Stages (each can be re-run alone; date it started, load average then): " +
      "; ".join(f"{k} {v['date'][:16].replace('T', ' ')} UTC, load {v['load_avg'][0]:.1f}"
                for k, v in stage_started.items() if v.get("date") and v.get("load_avg")) + ".", "",
      "## Gram matrix of the two-layer NTK (r_w = r_u = 1), unit-norm inputs", "",
      "`Gram` uses symmetry (each off-diagonal tile once, then mirrored); `CrossGram` computes every entry "
      "as numpy does. Entries per second count all n² entries. sys s: kernel CPU seconds per call (all "
      "threads), almost all of it first-touch page faults of fresh result memory (numpy: of its n×n temporaries).", ""]
def f(v, fmt):
    return fmt.format(v) if v is not None else "–"
def gram_md(rows_):
    lines = ["| variant | n | d | marginlab entries/s | ns/entry | sys s | numpy entries/s | numpy sys s | speed-up | "
           "X·Xᵀ alone (Eigen, 1 thread) entries/s |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows_:
        lines.append(f"| {r['variant']} | {r['n']} | {r['d']} | {r['marginlab_entries_per_s']:.3g} | {r['ns_per_entry']:.2f} | "
                   f"{f(r['marginlab_system_seconds'], '{:.3f}')} | {f(r['numpy_entries_per_s'], '{:.3g}')} | "
                   f"{f(r['numpy_system_seconds'], '{:.2f}')} | {f(r['speedup_vs_numpy'], '{:.1f}×')} | "
                   f"{f(r['gemm_only_entries_per_s'], '{:.3g}')} |")
    return lines
md += gram_md(table)
if table_warm:
    md += ["", "### The same with freed memory kept by each process", "",
           f"Both sides run with `GLIBC_TUNABLES={warm_heap}`: glibc's malloc then takes large blocks from the "
           "heap and never returns freed memory to the kernel, so a repeated n×n result reuses pages the process "
           "already touched — the steady state of a process that computes many Gram matrices. The gap to the "
           "table above is the cost of fresh memory on this machine.", ""]
    md += gram_md(table_warm)
if cholesky:
    md += ["", "## Cholesky, n = 20,000 (NTK Gram + 0.01·I)", "", "| routine | seconds | GFLOP/s |", "|---|---|---|"]
    for k, v in cholesky.items():
        md.append(f"| {k} | {v['seconds']:.2f} | {v['gflops']:.1f} |")
    if "Cholesky" in cholesky and "Dpotrf" in cholesky:
        md.append(f"\nblocked Cholesky / dpotrf time ratio: {cholesky['Cholesky']['seconds'] / cholesky['Dpotrf']['seconds']:.2f}")
if solver:
    md += ["", "## Kernel ridge (K + λI)β = y: NTK (r_w = r_u = 1), teacher regression data (d = 100, sphere inputs), "
           "Falkon-style PCG with M uniform Nyström centers, stopping at relative residual ≤ 1e-6 of the original system", "",
           "| n | λ | M | solve s | CG iterations | true residual | dense s | ‖β − β_dense‖/‖β_dense‖ |",
           "|---|---|---|---|---|---|---|---|"]
    for b in solver:
        n = b["name"].split("/")[1]
        dense = b.get("dense_seconds")
        md.append(f"| {n} | {b['lambda']:g} | {int(b['centers'])} | {b['solve_seconds']:.1f} | {int(b['cg_iterations'])} | "
                  f"{b['true_residual']:.2e} | {'–' if dense is None else round(dense, 1)} | "
                  f"{b.get('relative_difference_to_dense', '–') if 'relative_difference_to_dense' not in b else format(b['relative_difference_to_dense'], '.2e')} |")
if eigen:
    md += ["", "## Symmetric eigendecomposition (the kernel ridge path), NTK Gram of n sphere points in d = 20",
           "", "LAPACK runs with OpenBLAS held to one thread (bitwise thread-count invariance; "
           "include/marginlab/kernel/symmetric_eigen.hpp); Eigen's solver is single-threaded.", "",
           "| n | method | seconds | nominal GFLOP/s (9n³) | Eigen's time / this |", "|---|---|---|---|---|"]
    ref = {e["n"]: e["seconds"] for e in eigen if e["method"] == "eigen"}
    for e in sorted(eigen, key=lambda e: (e["n"], e["method"])):
        ratio = f"{ref[e['n']] / e['seconds']:.1f}×" if e["n"] in ref else "–"
        md.append(f"| {e['n']} | {e['method']} | {e['seconds']:.2f} | {e['nominal_gflops']:.1f} | {ratio} |")
open(out + ".md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
PY
