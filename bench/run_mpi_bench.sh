#!/usr/bin/env bash
# The MPI runner's efficiency (issue 23): each experiment at quick scale, back to back,
#   threads:  marginlab run EXP --threads 2            (one process, two parallel trials)
#   mpi:      mpirun -np 2 marginlab run EXP --threads 1 (two ranks, one trial each at a time)
# into fresh folders, wall-clock by /usr/bin/time; efficiency = threads time / mpi time (1 = the
# same; ≥ 0.9 is the goal). Writes bench/results/<machine>-mpi.md.
# Usage: bench/run_mpi_bench.sh [BUILD_DIR] [EXPERIMENT...]   (default build; fig2 thm21)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
shift || true
EXPS=("$@")
[ ${#EXPS[@]} -eq 0 ] && EXPS=(fig2 thm21)
MACHINE="${MARGINLAB_MACHINE:-$(hostname -s)}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ML="$BUILD/marginlab"
OUT="$ROOT/bench/results/$MACHINE-mpi.md"
{
  echo "# MPI runner efficiency — $MACHINE, $(date -u +%Y-%m-%d)"
  echo
  echo "$(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')); each row: the same sweep at quick scale into a"
  echo "fresh folder, back to back. Efficiency = threads time / MPI time (two ranks doing the work of two"
  echo "threads; 1.0 = no loss). Driver: bench/run_mpi_bench.sh."
  echo
  echo "| experiment | trials | --threads 2 (s) | mpirun -np 2 --threads 1 (s) | efficiency | per trial, MPI − threads (ms) |"
  echo "|---|---|---|---|---|---|"
} > "$OUT"
for e in "${EXPS[@]}"; do
  /usr/bin/time -f "%e" -o "$TMP/t" "$ML" run "$e" --scale quick --out "$TMP/$e-threads" --threads 2 --json > "$TMP/j1"
  t1=$(cat "$TMP/t")
  /usr/bin/time -f "%e" -o "$TMP/t" mpirun -np 2 "$ML" run "$e" --scale quick --out "$TMP/$e-mpi" --threads 1 --json > "$TMP/j2"
  t2=$(cat "$TMP/t")
  n=$("$ROOT/.venv/bin/python" -c "import json,sys; print(json.load(open(sys.argv[1]))['total'])" "$TMP/j1")
  "$ROOT/.venv/bin/python" - "$e" "$n" "$t1" "$t2" >> "$OUT" <<'PY'
import sys
e, n, t1, t2 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"| {e} | {n} | {t1:.1f} | {t2:.1f} | {t1 / t2:.2f} | {(t2 - t1) / n * 1e3:.0f} |")
PY
  "$ROOT/scripts/compare-runs" "$TMP/$e-threads" "$TMP/$e-mpi" | tail -1 | sed 's/^/  stored results: /' >&2
done
cat "$OUT"
