"""ji-alignment — Ji §4.3: alignment cos(Θ_t, −∇L) → 1, the smoothed margin ψ non-decreasing once
the data are fitted, and the directional change ‖Θ_t/‖Θ_t‖ − Θ_{t/2}/‖Θ_{t/2}‖‖ → 0, for depths
q = 2, 3, 4.

Verdict rules (issue 20; each claim can come out supported, not supported or inconclusive):
- The theorems (Ji & Telgarsky 2020, Thms 3.1 and 4.1; Lyu & Li 2020) are about the late phase:
  they assume R̂(Θ_0) < 1/n, i.e. (exponential loss) Σ_i e^{−z_i} < 1, which is ψ > 0. A run's
  "fitted" phase starts at the first logged step with margin > 0 and ψ > 0.
- The trend statistics use the second half of training in log time, t ≥ √T (T the last logged
  step), inside the fitted phase: the log-log slope of the misalignment 1 − cos(Θ_t, −∇L) and of
  the directional change against t, one slope per run. Runs of one depth are independent trials;
  the interval is the Student-t interval of the mean slope over them (stats.mean_ci), per depth.
- A claim is supported when every depth supports it (with ≥ stats.MIN_TRIALS runs each), not
  supported when some depth contradicts it, inconclusive otherwise.
"""
import math

import numpy as np

from .. import plots, stats
from ..report import Analysis, Claim

SOURCE = "Ji, Section 4.3"
# cos ≥ 0.95 (angle ≤ 18°) at the end of every run counts as aligned (the limit is reached as far
# as a finite run can show; the misalignment is then too small for its trend to be informative).
ALIGNED = 0.95
# A decrease of ψ larger than this fraction of |ψ| is a violation; below it, rounding (ψ is a
# log-sum-exp over ‖Θ‖^q, accurate to ~1e-15 relative in double precision).
PSI_RTOL = 1e-9
MIN_POINTS = 3  # logged points in a run's window needed for a slope


def _fitted_onset(r):
    """First logged step of the fitted phase (margin > 0 and ψ > 0), or None."""
    steps, psi = r.series("smoothed_margin")
    margin = dict(zip(*r.series("margin")))
    for t, p in zip(steps, psi):
        m = margin.get(t, math.nan)
        if math.isfinite(p) and p > 0 and math.isfinite(m) and m > 0:
            return t
    return None


def _window_slope(r, metric, transform):
    """Log-log slope against t of transform(metric) over the late window (t ≥ √T, fitted), or nan."""
    onset = _fitted_onset(r)
    steps, vals = r.series(metric)
    pts = [(t, transform(v)) for t, v in zip(steps, vals) if t > 0 and math.isfinite(v)]
    if onset is None or not pts:
        return math.nan
    start = max(onset, pts[-1][0] ** 0.5)
    win = [(t, y) for t, y in pts if t >= start and y > 0 and math.isfinite(y)]
    if len(win) < MIN_POINTS:
        return math.nan
    return float(np.polyfit(np.log([t for t, _ in win]), np.log([y for _, y in win]), 1)[0])


def _combine(per_depth):
    """Overall verdict from per-depth verdicts."""
    vs = list(per_depth.values())
    if not vs:
        return "not measured"
    if "not supported" in vs:
        return "not supported"
    if all(v == "supported" for v in vs):
        return "supported"
    return "inconclusive"


def _slope_verdicts(slopes_by_depth, depths):
    """Per depth: mean slope, interval, verdict for 'the quantity shrinks' (slope < 0)."""
    out = {}
    for q in depths:
        s = stats.finite(slopes_by_depth.get(q, []))
        if s.size == 0:
            out[q] = (math.nan, (math.nan, math.nan), 0, "inconclusive")
            continue
        m, (lo, hi) = stats.mean_ci(s)
        out[q] = (m, (lo, hi), int(s.size), stats.verdict_interval(lo, hi, 0.0, -1, s.size))
    return out


def _psi_check(r):
    """(pairs checked, violations, decreases within rounding) of ψ over the fitted phase."""
    onset = _fitted_onset(r)
    if onset is None:
        return 0, 0, 0
    steps, psi = r.series("smoothed_margin")
    seq = [p for t, p in zip(steps, psi) if t >= onset and math.isfinite(p)]
    checked = bad = tiny = 0
    for a, b in zip(seq, seq[1:]):
        checked += 1
        if b < a:
            if a - b > PSI_RTOL * max(abs(a), abs(b)):
                bad += 1
            else:
                tiny += 1
    return checked, bad, tiny


def _fmt_ci(m, ci):
    return f"{m:.3g} [{ci[0]:.3g}, {ci[1]:.3g}]" if math.isfinite(m) else "n/a"


def analyze(res, fig_dir):
    an = Analysis()
    depths = sorted({int(r.params["depth"]) for r in res.done()})
    fig, ax = plots.panels(3)
    finals, align_slopes, change_slopes, psi = {}, {}, {}, {}
    for i, q in enumerate(depths):
        runs = [r for r in res.done() if int(r.params["depth"]) == q]
        color = plots.COLORS[i % len(plots.COLORS)]
        for k, r in enumerate(runs):
            label = f"q = {q}" if k == 0 else None
            for a, metric in zip(ax, ("alignment", "smoothed_margin", "direction_change")):
                steps, vals = r.series(metric)
                a.plot(steps, vals, color=color, alpha=0.8, label=label)
            _, al = r.series("alignment")
            al = [v for v in al if math.isfinite(v)]
            if al:
                finals.setdefault(q, []).append(al[-1])
            align_slopes.setdefault(q, []).append(_window_slope(r, "alignment", lambda c: 1.0 - c))
            change_slopes.setdefault(q, []).append(_window_slope(r, "direction_change", lambda c: c))
            psi.setdefault(q, []).append(_psi_check(r))
    for a, title in zip(ax, ("alignment cos(Θ, −∇L)", "smoothed margin ψ", "directional change")):
        a.set_xscale("log")
        a.set_xlabel("step t")
        a.set_title(title)
        a.legend(fontsize=8)
    ax[2].set_yscale("log")
    plots.save(fig, fig_dir, "ji-alignment")
    an.figures.append(("Alignment, smoothed margin and directional change over training for depths "
                       + ", ".join(map(str, depths)), "ji-alignment"))

    # 1. Alignment: every run ends ≥ 0.95, or the misalignment 1 − cos shrinks significantly.
    slope_v = _slope_verdicts(align_slopes, depths)
    per_depth, parts = {}, []
    for q in depths:
        f = finals.get(q, [])
        m, ci, n, v = slope_v[q]
        if f and min(f) >= ALIGNED:
            v = "supported" if len(f) >= stats.MIN_TRIALS else "inconclusive"
            parts.append(f"q={q}: every run ends ≥ {ALIGNED} (min {min(f):.3f}, {len(f)} runs) → {v}")
        else:
            parts.append(f"q={q}: final cos {np.mean(f) if f else math.nan:.3f} (mean), slope of 1 − cos "
                         f"{_fmt_ci(m, ci)} over {n} runs → {v}")
        per_depth[q] = v
    worst = max((slope_v[q][1][1] for q in depths if math.isfinite(slope_v[q][1][1])), default=math.nan)
    an.claims.append(Claim(
        "The gradient aligns with the parameters: cos(Θ_t, −∇L) → 1", SOURCE,
        "largest upper end, over depths, of the 95% interval of the log-log slope of 1 − cos over "
        "the second half (t ≥ √T, fitted)", worst,
        "not measured" if not finals else _combine(per_depth),
        "; ".join(parts) + f". Per depth: supported when every run ends with cos ≥ {ALIGNED} or the "
        "interval of the slope of the misalignment is below 0 (it shrinks), with ≥ "
        f"{stats.MIN_TRIALS} runs; not supported when the interval is above 0 (it grows); otherwise "
        "inconclusive. Convergence is slow (logarithmic); a finite run can only show the trend."))

    # 2. ψ non-decreasing once fitted: violations beyond rounding.
    checked = sum(c for v in psi.values() for c, _, _ in v)
    bad = sum(b for v in psi.values() for _, b, _ in v)
    tiny = sum(t for v in psi.values() for _, _, t in v)
    runs_ok = {q: sum(1 for c, _, _ in psi.get(q, []) if c >= 2) for q in depths}
    if not checked and not any(psi.values()):
        v = "not measured"
    elif bad:
        v = "not supported"
    elif depths and all(runs_ok[q] >= stats.MIN_TRIALS for q in depths):
        v = "supported"
    else:
        v = "inconclusive"
    an.claims.append(Claim(
        "The smoothed margin ψ is non-decreasing once the data are fitted", SOURCE,
        "decreases of ψ between logged steps after fitting (beyond rounding)", bad, v,
        f"{checked} consecutive pairs checked from the first step with margin > 0 and ψ > 0 "
        f"(R̂ < 1/n, the theorem's assumption); {tiny} decrease(s) within rounding "
        f"({PSI_RTOL:g}·|ψ|) ignored; runs with ≥ 2 checked pairs per depth: "
        + ", ".join(f"q={q}: {runs_ok[q]}" for q in depths)
        + f". Supported when no run decreases and every depth has ≥ {stats.MIN_TRIALS} checked runs; "
        "not supported on any decrease beyond rounding; inconclusive otherwise"))

    # 3. Directional convergence: the directional change shrinks.
    slope_v = _slope_verdicts(change_slopes, depths)
    per_depth = {q: slope_v[q][3] for q in depths}
    worst = max((slope_v[q][1][1] for q in depths if math.isfinite(slope_v[q][1][1])), default=math.nan)
    have = any(stats.finite(v).size for v in change_slopes.values()) or any(
        r.series("direction_change")[0] for r in res.done())
    an.claims.append(Claim(
        "The parameters converge in direction: ‖Θ_t/‖Θ_t‖ − Θ_{t/2}/‖Θ_{t/2}‖‖ → 0", SOURCE,
        "largest upper end, over depths, of the 95% interval of the log-log slope of the directional "
        "change over the second half (t ≥ √T, fitted)", worst,
        _combine(per_depth) if have else "not measured",
        "; ".join(f"q={q}: slope {_fmt_ci(slope_v[q][0], slope_v[q][1])} over {slope_v[q][2]} runs → "
                  f"{slope_v[q][3]}" for q in depths)
        + f". Per depth: supported when the interval is below 0 (the change shrinks) with ≥ "
        f"{stats.MIN_TRIALS} runs; not supported when it is above 0 (it grows); otherwise inconclusive"))
    return an
