"""Small statistics used by the claims: means with bootstrap intervals, paired
differences, log-log slopes. Seeded, so a report is reproducible."""
import math

import numpy as np

RNG_SEED = 20191201
# Fewer paired trials than this never make a claim "supported" (smoke scale).
MIN_TRIALS = 3


def finite(values):
    a = np.asarray(values, dtype=float)
    return a[np.isfinite(a)]


def mean_ci(values, level=0.95, n_boot=2000):
    """Mean and a percentile-bootstrap interval."""
    a = finite(values)
    if a.size == 0:
        return math.nan, (math.nan, math.nan)
    if a.size == 1:
        return float(a[0]), (float(a[0]), float(a[0]))
    rng = np.random.default_rng(RNG_SEED)
    boots = a[rng.integers(0, a.size, size=(n_boot, a.size))].mean(axis=1)
    lo, hi = np.quantile(boots, [(1 - level) / 2, (1 + level) / 2])
    return float(a.mean()), (float(lo), float(hi))


def verdict_less(diff_values, level=0.95):
    """Verdict for the claim E[diff] < 0 from paired differences (mean, bootstrap interval):
    'supported' when the whole interval is below 0; 'inconclusive' when the mean is below 0
    but the interval reaches 0; 'not supported' when the mean is ≥ 0."""
    m, (lo, hi) = mean_ci(diff_values, level)
    if not math.isfinite(m):
        return m, (lo, hi), "not measured"
    if finite(diff_values).size < MIN_TRIALS:
        return m, (lo, hi), "inconclusive" if m < 0 else "not supported"
    if hi < 0:
        return m, (lo, hi), "supported"
    if m < 0:
        return m, (lo, hi), "inconclusive"
    return m, (lo, hi), "not supported"


def loglog_slope(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y) & (x > 0) & (y > 0)
    if ok.sum() < 2:
        return math.nan
    return float(np.polyfit(np.log(x[ok]), np.log(y[ok]), 1)[0])


def band(series_list):
    """Align runs' (steps, values) on the common steps: steps, mean, min, max."""
    if not series_list:
        return [], [], [], []
    common = sorted(set.intersection(*(set(s) for s, _ in series_list)))
    rows = []
    for steps, values in series_list:
        m = dict(zip(steps, values))
        rows.append([m[s] for s in common])
    a = np.array(rows, dtype=float)
    with np.errstate(all="ignore"):
        return common, np.nanmean(a, axis=0), np.nanmin(a, axis=0), np.nanmax(a, axis=0)
