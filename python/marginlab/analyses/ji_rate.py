"""ji-rate — Ji Thm 4.1 and §4.4: the margin gap γ − γ_t of normalized GD (step 1/R̂) against the
bound (ln n + 1)/(γ t), and of constant-step GD against ln n / ln t; the dual objective g(q_T)
against its minimum γ²/2.

Verdict rules (issue 20): trials (a new data set each) are the noise; γ is certified by a bracket
[γ_lo, γ_hi] (gamma_star, gamma_star_upper) and every comparison with γ uses the side of the
bracket that makes it hardest to conclude. The bound and the dual are checked per trial; the two
rates are per-trial tail slopes with a Student-t interval over trials. Fewer than
stats.MIN_TRIALS trials never give "supported"."""
import math

import numpy as np

from .. import plots, stats
from ..report import Analysis, Claim

SOURCE = "Ji, Thm 4.1 / Section 4.4"
TOL = 1e-12          # rounding of a normalized margin (values of order 0.1) in double precision
NGD_SLOPE = -0.8     # normalized GD: supported when the tail slope is below (1/t has slope −1)
GD_SLOPE = -0.5      # constant step: supported when the tail slope is above (1/ln t: ≈ −0.1)
DUAL_RTOL = 1e-9     # a relative excess below −DUAL_RTOL is impossible (γ²/2 is the minimum of g)
DUAL_WITHIN = 1e-2   # "minimizes g": within 1% of γ²/2 at the last step
MIN_POINTS = 3       # logged steps in the last decade needed for a tail slope


def _gamma_upper(r):
    """γ's certified upper bound (the primal value gamma_star is the lower end)."""
    g = r.final("gamma_star_upper")
    return g if math.isfinite(g) else r.final("gamma_star")


def _margins(r):
    """(t, γ_t) at the logged steps t ≥ 1."""
    steps, margins = r.series("margin")
    return [(t, m) for t, m in zip(steps, margins) if t >= 1 and math.isfinite(m)]


def _gap(r):
    gamma = r.final("gamma_star")
    return [(t, gamma - m) for t, m in _margins(r)]


def _tail_slope(r):
    """Log-log slope of the gap γ − γ_t over the last decade of logged steps; nan when fewer than
    MIN_POINTS gaps there are resolvable (above γ's bracket width plus rounding)."""
    res_floor = abs(_gamma_upper(r) - r.final("gamma_star")) + TOL
    pairs = [(t, g) for t, g in _gap(r) if g > res_floor]
    if not pairs:
        return math.nan
    tmax = _margins(r)[-1][0]
    tail = [(t, g) for t, g in pairs if t >= tmax / 10]
    if len(tail) < MIN_POINTS:
        return math.nan
    return float(np.polyfit(np.log([t for t, _ in tail]), np.log([g for _, g in tail]), 1)[0])


def analyze(res, fig_dir):
    an = Analysis()
    runs = {opt: [r for r in res.done() if r.params.get("optimizer") == opt] for opt in ("normalized-gd", "gd")}
    fig, ax = plots.panels(2)
    for opt, color in (("normalized-gd", plots.COLORS[0]), ("gd", plots.COLORS[1])):
        for k, r in enumerate(runs[opt]):
            pairs = [(t, g) for t, g in _gap(r) if g > 0]
            ax[0].plot([t for t, _ in pairs], [g for _, g in pairs], color=color, alpha=0.8,
                       label=("normalized GD (η = 1/R̂)" if opt == "normalized-gd" else "constant step") if k == 0 else None)
    if runs["normalized-gd"]:
        r = runs["normalized-gd"][0]
        n, gamma = r.final("n"), r.final("gamma_star")
        ts = np.array([t for t, _ in _gap(r)], float)
        ax[0].plot(ts, (math.log(n) + 1) / (gamma * ts), "k--", lw=1, label="bound (ln n + 1)/(γ t), trial 0")
        ax[0].plot(ts[ts > 1], math.log(n) / np.log(ts[ts > 1]), "k:", lw=1, label="ln n / ln t")
    ax[0].set_xscale("log")
    ax[0].set_yscale("log")
    ax[0].set_xlabel("step t")
    ax[0].set_title("margin gap γ − γ_t")
    ax[0].legend(fontsize=8)
    # One bar per trial, grouped by optimizer (a gap between groups); ticks name the trial only, so
    # the labels stay legible at paper scale (10 trials per group).
    ticks, labels, pos = [], [], 0
    for opt, color in (("normalized-gd", plots.COLORS[0]), ("gd", plots.COLORS[1])):
        rs = runs[opt]
        xs = list(range(pos, pos + len(rs)))
        ax[1].bar(xs, [r.final("dual_objective") / r.final("dual_optimum") for r in rs], color=color,
                  label="normalized GD" if opt == "normalized-gd" else "constant step")
        ticks += xs
        labels += [str(r.trial) for r in rs]
        pos += len(rs) + 1
    ax[1].set_xticks(ticks)
    ax[1].set_xticklabels(labels, fontsize=8)
    ax[1].set_xlabel("trial")
    ax[1].legend(fontsize=8, loc="lower right")
    ax[1].axhline(1.0, color="k", lw=1)
    ax[1].set_title("g(q_T) / (γ²/2)")
    plots.save(fig, fig_dir, "ji-rate")
    an.figures.append(("Margin gap against the step for normalized and constant-step GD; the dual objective at "
                       "the last step relative to its minimum γ²/2", "ji-rate"))

    # 1. The bound at every logged step, per trial, with γ's certified bracket [γ_lo, γ_hi]: the
    #    slack (ln n + 1)/(γ t) − (γ − γ_t) decreases in γ, so it is smallest at γ_hi (the bound
    #    certainly holds when that slack is ≥ −TOL) and largest at γ_lo (certainly violated when
    #    that slack is < −TOL).
    holds, broken, undecided, checked, worst = 0, 0, 0, 0, math.inf
    for r in runs["normalized-gd"]:
        n, g_lo, g_hi = r.final("n"), r.final("gamma_star"), _gamma_upper(r)
        pts = _margins(r)
        if not pts or not (math.isfinite(g_lo) and g_lo > 0):
            continue
        lo_slack = min((math.log(n) + 1) / (g_hi * t) - (g_hi - m) for t, m in pts)
        hi_slack = min((math.log(n) + 1) / (g_lo * t) - (g_lo - m) for t, m in pts)
        checked += len(pts)
        worst = min(worst, lo_slack)
        if hi_slack < -TOL:
            broken += 1
        elif lo_slack >= -TOL:
            holds += 1
        else:
            undecided += 1
    trials = holds + broken + undecided
    v = ("not measured" if not trials else "not supported" if broken
         else "supported" if holds == trials and trials >= stats.MIN_TRIALS else "inconclusive")
    an.claims.append(Claim("γ_t ≥ γ − (ln n + 1)/(γ t) at every step (normalized GD, w_0 = 0)", SOURCE,
                           "smallest slack bound − gap over all logged steps and trials (γ at its upper bound)",
                           worst if trials else math.nan, v,
                           f"{checked} (step, trial) pairs checked over {trials} trials: {holds} hold at every "
                           f"step, {broken} violate it at some step, {undecided} undecided within γ's certified "
                           f"bracket; γ is each training set's exact max margin (bracket [γ_lo, γ_hi]). Supported "
                           f"when every trial holds (≥ {stats.MIN_TRIALS} trials), not supported when some trial "
                           f"certainly violates it (slack < −{TOL:g} even at γ_lo), inconclusive otherwise"))

    # 2./3. Rates: one tail slope per trial; the interval is over trials.
    for opt, text, threshold, direction, why in (
            ("normalized-gd", "Normalized GD maximizes the margin at rate O(1/t)", NGD_SLOPE, -1,
             f"a 1/t rate has slope −1; supported when the interval is below {NGD_SLOPE} (0.2 of slack for "
             f"the finite tail window), not supported when it is above"),
            ("gd", "With a constant step the margin converges only like ln n / ln t (much slower)",
             GD_SLOPE, +1,
             f"a ln n / ln t rate has a log-log slope −1/ln t ≈ −0.1 at t = 10⁵; supported when the interval is "
             f"above {GD_SLOPE} (no polynomial rate t^−a with a ≥ 1/2), not supported when it is below")):
        slopes = [_tail_slope(r) for r in runs[opt]]
        ok = stats.finite(slopes)
        if not runs[opt]:
            v, m, ci = "not measured", math.nan, (math.nan, math.nan)
        elif ok.size == 0:
            v, m, ci = "inconclusive", math.nan, (math.nan, math.nan)
        else:
            m, ci = stats.mean_ci(ok)
            v = stats.verdict_interval(ci[0], ci[1], threshold, direction, ok.size)
        an.claims.append(Claim(text, SOURCE,
                               "log-log slope of the gap over the last decade of steps (mean over trials)", m, v,
                               f"95% t interval [{ci[0]:.4g}, {ci[1]:.4g}] over {ok.size} of "
                               f"{len(runs[opt])} trials with ≥ {MIN_POINTS} resolvable gaps in the last decade "
                               f"(gaps below γ's bracket width + {TOL:g} are not resolvable); {why}; "
                               f"inconclusive when it straddles the threshold or with < {stats.MIN_TRIALS} trials"))

    # 4. The dual: g(q_T) ≥ min g = γ²/2 always (a value below is impossible); within 1% at T.
    impossible, within, above, excess = 0, 0, 0, []
    for r in runs["normalized-gd"]:
        g, g_lo, g_hi = r.final("dual_objective"), r.final("gamma_star"), _gamma_upper(r)
        if not (math.isfinite(g) and math.isfinite(g_lo) and g_lo > 0):
            continue
        e_lo, e_hi = g / (g_hi ** 2 / 2) - 1, g / (g_lo ** 2 / 2) - 1  # the excess over γ's bracket
        excess.append(g / r.final("dual_optimum") - 1 if math.isfinite(r.final("dual_optimum")) else e_hi)
        if e_hi < -DUAL_RTOL:
            impossible += 1
        elif e_lo <= DUAL_WITHIN:
            within += 1
        else:
            above += 1
    trials = len(excess)
    if not trials:
        v, m, ci = "not measured", math.nan, (math.nan, math.nan)
    else:
        m, ci = stats.mean_ci(excess)
        if impossible or (ci[0] > DUAL_WITHIN):
            v = "not supported"
        elif within == trials and trials >= stats.MIN_TRIALS:
            v = "supported"
        else:
            v = "inconclusive"
    worst = max(excess, key=abs) if excess else math.nan
    an.claims.append(Claim("The dual iterates q_t minimize g; min g = γ²/2 (eq. 10)", SOURCE,
                           "relative excess g(q_T)/(γ²/2) − 1 of largest magnitude, normalized GD", worst, v,
                           f"{trials} trials: {within} within {DUAL_WITHIN:g} of γ²/2 at the last step, {above} "
                           f"above, {impossible} below γ²/2 by more than {DUAL_RTOL:g} (impossible: γ²/2 is the "
                           f"minimum, so the reference γ or the dual is wrong); mean excess {m:.3g} "
                           f"[{ci[0]:.3g}, {ci[1]:.3g}]. Supported when every trial is within "
                           f"[−{DUAL_RTOL:g}, {DUAL_WITHIN:g}] (≥ {stats.MIN_TRIALS} trials); not supported on an "
                           f"impossible value or when the interval of the mean excess is above {DUAL_WITHIN:g}; "
                           f"inconclusive otherwise. {DUAL_WITHIN:g} is far above rounding and of the order of "
                           f"the relative margin bound (ln n + 1)/(γ² T) at the quick scale"))
    return an
