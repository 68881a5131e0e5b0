#!/usr/bin/env bash
# Runs the Python module's benchmark (bench/python_bench.py) with its C++ twin
# (bench/python_overhead_bench.cpp) in the same session and writes
#   bench/results/<machine>-python.json and .md
# Usage: bench/run_python_bench.sh [BUILD_DIR]   (default build-bench: configured here with
#        -DMARGINLAB_BUILD_BENCH=ON; the module itself is the one installed in .venv by scripts/build)
# Needs the peers: scripts/setup --bench (JAX, neural-tangents). MARGINLAB_MACHINE names the machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-bench}"
MACHINE="${MARGINLAB_MACHINE:-$(hostname -s)}"
THREADS="${PYTHON_BENCH_THREADS:-2}"
OUT="$ROOT/bench/results"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
if [ ! -f "$BUILD/build.ninja" ]; then
  /usr/bin/cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMARGINLAB_BUILD_BENCH=ON \
    -DMARGINLAB_BUILD_TESTS=OFF
fi
/usr/bin/cmake --build "$BUILD" -j 2 --target bench_python_overhead
PY=("$ROOT/.venv/bin/python" "$ROOT/bench/python_bench.py" --threads "$THREADS")
export OPENBLAS_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS PYTHON_BENCH_THREADS=$THREADS
# The overhead rows: C++ and Python passes alternate (twice each), every call kept.
for pass in 1 2; do
  echo "== C++ ($BUILD/bench/bench_python_overhead), pass $pass" >&2
  "$BUILD/bench/bench_python_overhead" --benchmark_format=json --benchmark_out="$TMP/cpp$pass.json" \
    --benchmark_out_format=json >/dev/null
  if [ $pass -eq 1 ]; then
    echo "== Python overhead calls, pass 1" >&2
    "${PY[@]}" --overhead-pass "$TMP/py1.json"
  fi
done
echo "== Python (bench/python_bench.py): overhead pass 2 and the peers" >&2
"${PY[@]}" --cpp-json "$TMP/cpp1.json" "$TMP/cpp2.json" --prior-overhead "$TMP/py1.json" \
  --out "$OUT/$MACHINE-python" --machine "$MACHINE"
