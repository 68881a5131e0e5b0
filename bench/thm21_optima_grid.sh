#!/usr/bin/env bash
# The thm21 paper grid of global optima (experiments/thm21.toml: wei-d, d ∈ {8,16,32,64},
# n ∈ {25,…,6400}): for each (d, n) and seed, the l1-SVM max-margin net (`margin l1svm`) and
# Θ_λ at thm21's λ = 1e-4 (`certify --global`), one after the other on one core; prints each
# result with its wall time and the total. Usage: bench/thm21_optima_grid.sh [SEEDS…] (default 0).
# Trials are independent: the time for 10 trials on two cores is about 10 × total / 2.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ML="${MARGINLAB:-$ROOT/build/marginlab}"
SEEDS=("${@:-0}")
now() { date +%s.%N; }
start=$(now)
for seed in "${SEEDS[@]}"; do for d in 8 16 32 64; do for n in 25 50 100 200 400 800 1600 3200 6400; do
  s=$(now)
  l1=$("$ML" margin l1svm --data "wei-d:d=$d,n=$n,seed=$seed" --json |
       "$ROOT/.venv/bin/python" -c "import sys,json; j=json.load(sys.stdin); print(round(j['value'],6), j['rounds'], j['termination'])")
  m=$(now)
  th=$("$ML" certify --global --data "wei-d:d=$d,n=$n,seed=$seed" --lambda 1e-4 --json |
       "$ROOT/.venv/bin/python" -c "import sys,json; j=json.load(sys.stdin)['global']; print(j['objective'], j['rounds'], j['termination'])")
  e=$(now)
  printf '%s %s %s l1 [%s] %.2f s  theta [%s] %.2f s\n' "$seed" "$d" "$n" "$l1" "$(echo "$m - $s" | bc)" "$th" "$(echo "$e - $m" | bc)"
done; done; done
printf 'total %.1f s (%s)\n' "$(echo "$(now) - $start" | bc)" "$(lscpu | sed -n 's/^Model name: *//p')"
