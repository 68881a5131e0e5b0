#!/usr/bin/env bash
# Data-parallel training (issue 23) and the cost of fig3-mnist's paper protocol (Wei et al. F.2):
#   1. strong scaling of one 784-4096-10 network's step on Fashion-MNIST's 60,000 training
#      images, full batch and batch 50: one process with 1 and 2 threads, mpirun -np 2 with one
#      thread per rank (bench_dp_step; per-step time by difference of two run lengths);
#   2. the batch-50 step per width 2^6 … 2^13 (one process, 2 threads), from which the protocol's
#      time per width (600 epochs = 720,000 steps + the logged evaluations) and per node count
#      (bench/dp_cost_model.py) are projected.
# Writes bench/results/<machine>-dp_step.json (raw lines) and .md (tables).
# Usage: bench/run_dp_bench.sh [BUILD_DIR]   (default build-bench, with bench_dp_step built)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-bench}"
MACHINE="${MARGINLAB_MACHINE:-$(hostname -s)}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
B="$BUILD/bench/bench_dp_step"
RAW="$ROOT/bench/results/$MACHINE-dp_step.json"
DATA="fashion-mnist:split=train"
: > "$RAW"
run() { echo "== $*" >&2; "$@" | tee -a "$RAW"; }
for spec in "0 1,3" "50 20,220"; do
  set -- $spec
  run "$B" --data "$DATA" --width 4096 --batch "$1" --steps "$2" --threads 1
  run "$B" --data "$DATA" --width 4096 --batch "$1" --steps "$2" --threads 2
  run mpirun -np 2 "$B" --data "$DATA" --width 4096 --batch "$1" --steps "$2" --threads 1
done
for spec in "64 200,4200" "256 200,4200" "1024 100,1100" "2048 50,550" "8192 10,110"; do
  set -- $spec
  run "$B" --data "$DATA" --width "$1" --batch 50 --steps "$2" --threads 2
done
"$ROOT/.venv/bin/python" "$ROOT/bench/dp_cost_model.py" "$RAW" "$MACHINE" > "$ROOT/bench/results/$MACHINE-dp_step.md"
cat "$ROOT/bench/results/$MACHINE-dp_step.md"
