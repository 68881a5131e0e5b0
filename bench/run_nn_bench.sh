#!/usr/bin/env bash
# Runs the nn step benchmark (bench/nn_step_bench.cpp) and its PyTorch peer
# (bench/nn_step_torch.py) in the same session and writes
#   bench/results/<machine>-nn_step.json  (both raw results, machine description)
#   bench/results/<machine>-nn_step.md    (the comparison table)
# Usage: bench/run_nn_bench.sh [BUILD_DIR]   (default build; configure with
#        -DMARGINLAB_BUILD_BENCH=ON and build bench_nn_step first)
# MARGINLAB_MACHINE names the machine (default: hostname -s).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
MACHINE="${MARGINLAB_MACHINE:-$(hostname -s)}"
OUT="$ROOT/bench/results"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"

# Both sides twice, alternating; each configuration keeps its best run (on a shared
# machine, the least disturbed one).
for rep in 1 2; do
  echo "== marginlab ($BUILD/bench/bench_nn_step), pass $rep" >&2
  "$BUILD/bench/bench_nn_step" --benchmark_format=json --benchmark_out="$TMP/ml$rep.json" \
    --benchmark_out_format=json >/dev/null
  echo "== PyTorch (bench/nn_step_torch.py), pass $rep" >&2
  : > "$TMP/torch$rep.jsonl"
  for th in 1 2; do  # OpenBLAS's pool ignores torch.set_num_threads: pin it per process
    OPENBLAS_NUM_THREADS=$th OMP_NUM_THREADS=$th \
      "$ROOT/.venv/bin/python" "$ROOT/bench/nn_step_torch.py" --threads $th >> "$TMP/torch$rep.jsonl"
  done
done

"$ROOT/.venv/bin/python" - "$TMP" "$OUT/$MACHINE-nn_step" "$MACHINE" <<'PY'
import json, os, platform, re, subprocess, sys, time
tmp, out, machine = sys.argv[1:4]
ours, gemm, torch_steps, meta = {}, {}, {}, None
for rep in (1, 2):
    for b in json.load(open(f"{tmp}/ml{rep}.json"))["benchmarks"]:
        name = b["name"]
        if name.startswith("BM_Step"):
            v = dict(re.findall(r"(\w+):(\d+)", name))
            key = "/".join(v[k] for k in ("n", "d", "m", "T", "threads", "f32"))
            if key not in ours or b["steps_per_s"] > ours[key]["steps_per_s"]:
                ours[key] = {"steps_per_s": b["steps_per_s"], "gflops": b["gflops"]}
        elif "Gemm" in name:
            gemm[name] = max(gemm.get(name, 0), b["gflops"])
    rows = [json.loads(l) for l in open(f"{tmp}/torch{rep}.jsonl") if l.strip()]
    for r in rows:
        if r["kind"] == "meta":
            if meta is None:
                meta = {"torch": r["torch"], "gemm_gflops": {}}
            for k, v in r["gemm_gflops"].items():
                meta["gemm_gflops"][k] = max(meta["gemm_gflops"].get(k, 0), v)
        elif r["key"] not in torch_steps or r["steps_per_s"] > torch_steps[r["key"]]["steps_per_s"]:
            torch_steps[r["key"]] = r
cpu = ""
try:
    cpu = re.search(r"Model name:\s*(.*)", subprocess.run(["lscpu"], capture_output=True, text=True).stdout).group(1)
except Exception:
    pass
info = {"machine": machine, "cpu": cpu, "cores": os.cpu_count(), "loadavg_at_end": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "torch": meta["torch"],
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "")}
# The peak for each (dtype, threads): the best 1024^3 GEMM of that dtype at that thread count,
# ours (Eigen: 1 thread; OpenBLAS: /1024/threads) or torch's.
def peak_of(dt, th):
    tdt = "float32" if dt == "float32" else "float64"
    cands = [meta["gemm_gflops"].get(f"{tdt}/{th}", 0)]
    for k, v in gemm.items():
        if (("<float>" in k) == (dt == "float32")) and (
                ("Eigen" in k and th == 1) or ("Blas" in k and f"/1024/{th}" in k)):
            cands.append(v)
    return max(cands)
peak = {f"{dt}/{th}": peak_of(dt, th) for dt in ("double", "float32") for th in (1, 2)}
table = []
for key, o in ours.items():
    t = torch_steps.get(key)
    n, d, m, T, th, f32 = map(int, key.split("/"))
    dt = "float32" if f32 else "double"
    table.append({"n": n, "d": d, "m": m, "T": T, "threads": th, "dtype": dt,
                  "marginlab_steps_per_s": o["steps_per_s"], "marginlab_gflops": o["gflops"],
                  "torch_steps_per_s": t["steps_per_s"] if t else None,
                  "speedup": o["steps_per_s"] / t["steps_per_s"] if t else None,
                  "fraction_of_gemm_peak": o["gflops"] / peak[f"{dt}/{th}"]})
json.dump({"info": info, "gemm_gflops_marginlab": gemm, "gemm_gflops_torch": meta["gemm_gflops"],
           "gemm_peak": peak, "rows": table}, open(out + ".json", "w"), indent=1)
with open(out + ".md", "w") as f:
    f.write(f"# nn full-batch GD step: marginlab vs PyTorch {info['torch']} ({machine})\n\n")
    f.write(f"CPU: {cpu}, {info['cores']} cores; {info['date']}; load average at the end "
            f"{info['loadavg_at_end'][0]:.1f} (a shared machine: absolute numbers are noisy; both sides ran "
            f"twice, alternating, in one session, and each row keeps each side's best run).\n\n")
    f.write("GEMM peak measured in the same run (1024³, GFLOP/s): " +
            ", ".join(f"{k.replace('BM_', '').replace('/real_time', '')} {v:.1f}" for k, v in gemm.items()) +
            "; PyTorch torch.mm: " + ", ".join(f"{k} {v:.1f}" for k, v in meta["gemm_gflops"].items()) + ".\n\n")
    f.write("Step = forward, logistic loss + λ‖Θ‖², backward, update of f(x) = w·relu(Ux); "
            "flops counted 4nmd + 6nm per network step. T = 20: batched trials (PyTorch: torch.bmm). "
            "Both sides hold OpenBLAS to the row's thread count (marginlab through "
            "openblas_set_num_threads, torch through OPENBLAS_NUM_THREADS: OpenBLAS ignores "
            "torch.set_num_threads). % of GEMM peak: against the best GEMM of that dtype at that thread "
            "count (" + ", ".join(f"{k} {v:.0f}" for k, v in peak.items()) + " GFLOP/s).\n\n")
    f.write("| dtype | threads | n | m | T | marginlab steps/s | PyTorch steps/s | speedup | GFLOP/s | % of GEMM peak |\n")
    f.write("|---|---|---|---|---|---|---|---|---|---|\n")
    for r in sorted(table, key=lambda r: (r["dtype"], r["threads"], r["T"], r["n"], r["m"])):
        sp = f"{r['speedup']:.1f}×" if r["speedup"] else "–"
        ts = f"{r['torch_steps_per_s']:.0f}" if r["torch_steps_per_s"] else "–"
        f.write(f"| {r['dtype']} | {r['threads']} | {r['n']} | {r['m']} | {r['T']} | "
                f"{r['marginlab_steps_per_s']:.0f} | {ts} | {sp} | {r['marginlab_gflops']:.1f} | "
                f"{100 * r['fraction_of_gemm_peak']:.0f}% |\n")
print(open(out + ".md").read())
PY
