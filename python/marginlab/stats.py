"""Small statistics used by the claims: means with Student-t intervals, paired differences,
slopes with bootstrap intervals, log-log slopes. Seeded, so a report is reproducible."""
import math

import numpy as np

RNG_SEED = 20191201
# Fewer paired trials than this never make a claim "supported" (smoke scale).
MIN_TRIALS = 3


def finite(values):
    a = np.asarray(values, dtype=float)
    return a[np.isfinite(a)]


def mean_ci(values, level=0.95, n_boot=None):
    """Mean and a Student-t interval mean ± t_{(1+level)/2, n−1} · s/√n over the finite values.
    With the 3–10 trials of our scales a percentile bootstrap of the mean is too narrow (at n = 2
    it is just the range of the two values); the t interval is the honest one for a mean of
    independent trials. One value: no interval (NaN ends). `n_boot` is accepted for old callers
    and ignored."""
    a = finite(values)
    if a.size == 0:
        return math.nan, (math.nan, math.nan)
    if a.size == 1:
        return float(a[0]), (math.nan, math.nan)
    from scipy import stats as _st  # scipy, in the project's .venv (scripts/setup)
    half = float(_st.t.ppf((1 + level) / 2, a.size - 1)) * float(a.std(ddof=1)) / math.sqrt(a.size)
    return float(a.mean()), (float(a.mean() - half), float(a.mean() + half))


def verdict_less(diff_values, level=0.95):
    """Verdict for the claim E[diff] < 0 from paired differences (mean, Student-t interval):
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


def verdict_interval(lo, hi, threshold, direction, n=None):
    """Three-way verdict for 'the quantity is above threshold' (direction = +1) or 'below
    threshold' (direction = -1) from an interval [lo, hi] that carries every source of noise:
    supported when the whole interval is on the claim's side, not supported when the whole
    interval is on the other side (the data contradict the claim), inconclusive otherwise.
    With n < MIN_TRIALS independent trials a claim is never supported (at most inconclusive)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "not measured"
    if direction > 0:
        good, bad = lo > threshold, hi < threshold
    else:
        good, bad = hi < threshold, lo > threshold
    if bad:
        return "not supported"
    if good and (n is None or n >= MIN_TRIALS):
        return "supported"
    return "inconclusive"


def binomial_se(p, n):
    """Standard error of an error rate p measured on n independent test examples."""
    p = min(max(float(p), 0.0), 1.0)
    return math.sqrt(max(p * (1 - p), 1.0 / n) / n) if n and n > 0 else math.nan


def slope_interval(x, groups, n_test=None, level=0.95, n_boot=1000):
    """Slope of the per-x means of `groups` (a list of per-trial value lists, one per x) against x,
    with an interval that carries both sources of noise present: a bootstrap over the trials at
    each x, and, when n_test is given (the values are test error rates), a binomial resampling of
    each value's test-set sampling error. With one trial per x only the test-set term remains."""
    keep = [(xi, np.asarray(g, float)) for xi, g in zip(x, groups) if finite(g).size]
    if len(keep) < 2:
        return math.nan, (math.nan, math.nan)
    xs = np.array([k[0] for k in keep], float)
    vals = [finite(k[1]) for k in keep]
    point = float(np.polyfit(xs, [v.mean() for v in vals], 1)[0])
    if all(v.size == 1 for v in vals) and not n_test:
        return point, (math.nan, math.nan)  # no noise model: no interval
    rng = np.random.default_rng(RNG_SEED)
    boots = np.empty(n_boot)
    for b in range(n_boot):
        means = []
        for v in vals:
            s = v[rng.integers(0, v.size, size=v.size)] if v.size > 1 else v
            if n_test:
                s = rng.binomial(int(n_test), np.clip(s, 0, 1)) / float(n_test)
            means.append(s.mean())
        boots[b] = np.polyfit(xs, means, 1)[0]
    lo, hi = np.quantile(boots, [(1 - level) / 2, (1 + level) / 2])
    return point, (float(lo), float(hi))


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
