"""Shared analysis of Fig. 3 (left and right): test error and normalized margin against width,
over the trials that fit the training data (as in the paper), beside the width-∞ max margin
γ_ℓ1/2 (Prop. B.10: γ*,m is constant for m ≥ n + 1) and Θ_λ of the trial's objective where the
run stored them (experiment/reference.hpp; binary labels only)."""
import math
import warnings

import numpy as np

from .. import plots, stats
from ..report import Claim, Analysis
from . import _optimum

FLAT_TOLERANCE = 0.02  # "non-decreasing within noise": no decrease larger than 2% of the margin


def _width(r):
    return int(float(r.params["width"]))


def _n_test(runs):
    v = [r.final("n_test") for r in runs if math.isfinite(r.final("n_test"))]
    return int(v[0]) if v else None


def margin_trend(widths, by_trial):
    """Thm 4.3 read on GD's margins: paired (same trial, same data) differences between
    consecutive widths. Returns (verdict, worst (w, w', mean, lo, hi), rows)."""
    rows = []
    for w0, w1 in zip(widths, widths[1:]):
        trials = sorted(set(by_trial[w0]) & set(by_trial[w1]))
        diffs = [by_trial[w1][t] - by_trial[w0][t] for t in trials]
        if not diffs:
            continue
        m, (lo, hi) = stats.mean_ci(diffs)
        scale = abs(np.mean([by_trial[w0][t] for t in trials]))
        rows.append((w0, w1, m, lo, hi, len(diffs), scale))
    if not rows:
        return "not measured", None, rows
    worst = min(rows, key=lambda r: r[4])
    if any(r[4] < -FLAT_TOLERANCE * r[6] for r in rows):  # a material decrease, beyond the noise
        return "not supported", worst, rows
    if all(r[3] >= -FLAT_TOLERANCE * r[6] for r in rows) and min(r[5] for r in rows) >= stats.MIN_TRIALS:
        return "supported", worst, rows
    return "inconclusive", worst, rows


def analyze(res, fig_dir, stem, source):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _analyze(res, fig_dir, stem, source)


def _analyze(res, fig_dir, stem, source):
    an = Analysis()
    runs = res.done()
    widths = sorted({_width(r) for r in runs})
    fit = {w: [r for r in runs if _width(r) == w and r.final("train_error") == 0] for w in widths}
    err = {w: [r.final("test_error") for r in fit[w]] for w in widths}
    mar = {w: [r.final("margin") for r in fit[w]] for w in widths}
    mm = [r for r in runs if math.isfinite(r.final("mm_target"))]
    gamma = float(np.mean([r.final("mm_target") for r in mm])) if mm else math.nan
    mm_certified = bool(mm) and all(r.final("mm_certified") == 1 for r in mm)
    fig, ax = plots.panels(2)
    for a, data, label, color in ((ax[0], err, "test error", plots.COLORS[0]),
                                  (ax[1], mar, "normalized margin", plots.COLORS[1])):
        ws = [w for w in widths if data[w]]
        a.plot(ws, [np.mean(data[w]) for w in ws], "o-", color=color, label="GD nets (mean)")
        a.fill_between(ws, [np.min(data[w]) for w in ws], [np.max(data[w]) for w in ws], color=color, alpha=0.2, lw=0)
        if ws:  # a log axis without data fails to draw (matplotlib ≥ 3.10)
            a.set_xscale("log", base=2)
        else:
            a.text(0.5, 0.5, "no trial fits the training data", ha="center", va="center", transform=a.transAxes)
        a.set_xlabel("hidden units")
        a.set_title(label)
    opt = {w: [r.final("opt_margin") for r in fit[w] if math.isfinite(r.final("opt_margin"))] for w in widths}
    opt_err = {w: [r.final("opt_test_error") for r in fit[w] if math.isfinite(r.final("opt_test_error"))] for w in widths}
    if any(opt.values()):
        all_opt = [v for w in widths for v in opt[w]]
        ax[1].axhline(np.mean(all_opt), color=plots.COLORS[3], ls="-.", lw=1.2, label="Θ_λ (width ≥ n+1)")
        ax[0].axhline(np.mean([v for w in widths for v in opt_err[w]]), color=plots.COLORS[3], ls="-.", lw=1.2,
                      label="Θ_λ (width ≥ n+1)")
    if math.isfinite(gamma):
        ax[1].axhline(gamma, color="k", ls="--", lw=1.2,
                      label="γ_ℓ1/2, width ∞ (" + ("certified" if mm_certified else "estimate") + ")")
        mm_err = [r.final("mm_test_error") for r in mm if math.isfinite(r.final("mm_test_error"))]
        if mm_err:
            ax[0].axhline(np.mean(mm_err), color="k", ls="--", lw=1.2, label="max-margin net")
    for a in ax:
        a.legend(fontsize=7)
    plots.save(fig, fig_dir, stem)
    an.figures.append(("Test error and normalized margin against width, averaged over trials with zero training "
                       "error (bands: min–max), with the width-∞ references of the same data: the max-margin net "
                       "(γ_ℓ1/2) and Θ_λ of the trial's objective, where computed", stem))
    rows = ["| width | trials fitting the data | test error (mean) | normalized margin (mean) | GD margin / (γ_ℓ1/2) | "
            "L(GD) / L(Θ_λ) |", "|---|---|---|---|---|---|"]
    for w in widths:
        n_all = len([r for r in runs if _width(r) == w])
        frac = [r.final("margin") / r.final("mm_target") for r in fit[w] if r.final("mm_target") > 0]
        ratio = [r.final("net_objective") / r.final("opt_objective") for r in fit[w]
                 if math.isfinite(r.final("opt_objective"))]
        rows.append(f"| {w} | {len(fit[w])}/{n_all} | {np.mean(err[w]) if err[w] else math.nan:.4g} | "
                    f"{np.mean(mar[w]) if mar[w] else math.nan:.4g} | "
                    f"{np.mean(frac) if frac else math.nan:.3g} | {np.mean(ratio) if ratio else math.nan:.3g} |")
    an.tables.append(("By width", "\n".join(rows)))
    if not mm:
        an.notes.append("No max-margin reference: the run stored no γ_ℓ1 (multi-class labels, or `max_margin` off); "
                        "marginlab's convex problems are for one output and ±1 labels.")

    # Test error decreases: slope per doubling, with trials and test-set sampling error.
    n_test = _n_test(runs)
    ws = [w for w in widths if err[w]]
    slope, (lo, hi) = stats.slope_interval(np.log2(ws), [err[w] for w in ws], n_test=n_test)
    trials = min((len(err[w]) for w in ws), default=0)
    an.claims.append(Claim(
        "Test error decreases as the width grows", source,
        "trend of mean test error per doubling of width (decrease > 0 supports)", -slope,
        stats.verdict_interval(lo, hi, 0.0, -1, trials),
        f"95% interval of the decrease [{-hi:.3g}, {-lo:.3g}] over {trials}+ fitting trials per width, with the "
        f"test set's sampling error ({n_test} examples) resampled as well; supported when the whole interval is above "
        f"0, not supported when below; never supported with fewer than {stats.MIN_TRIALS} trials per width (the "
        "initialization noise is then unmeasured)"))
    # Thm 4.3: non-decreasing within noise.
    by_trial = {w: {r.trial: r.final("margin") for r in fit[w]} for w in widths}
    verdict, worst, trend_rows = margin_trend(widths, by_trial)
    an.claims.append(Claim(
        "The normalized margin is non-decreasing in the width (Thm 4.3), read on GD's nets", source,
        "most negative change of the mean margin between consecutive widths (paired by trial)",
        worst[2] if worst else math.nan, verdict,
        (f"worst between {worst[0]} and {worst[1]} units: {worst[2]:.3g} [{worst[3]:.3g}, {worst[4]:.3g}]; " if worst
         else "")
        + f"not supported when some consecutive change is a decrease of more than {FLAT_TOLERANCE:.0%} of the margin "
          f"over its whole 95% interval; supported when no interval reaches a decrease of {FLAT_TOLERANCE:.0%} "
          f"(≥ {stats.MIN_TRIALS} paired trials); inconclusive otherwise; "
          "Thm 4.3 is about the max margin γ*,m, of which GD's margin is a lower estimate, and γ*,m is constant "
          "for m ≥ n + 1 (Prop. B.10), so a rule asking for an increase there would test GD's convergence"
        + (f"; GD reaches {np.nanmean([r.final('margin') / r.final('mm_target') for r in mm if r.final('train_error') == 0]):.3g} "
           "of γ_ℓ1/2 on average" if mm else "")))
    if mm:
        excess = [r.final("margin") - r.final("mm_gamma_hi") / 2 for r in mm
                  if math.isfinite(r.final("mm_gamma_hi")) and math.isfinite(r.final("margin"))]
        worst_x = max(excess, default=math.nan)
        an.claims.append(Claim(
            "No width's net exceeds the width-∞ max margin γ_ℓ1/2", "Wei et al. 2019, Thm 4.3, Prop. B.10",
            "largest GD margin − γ_hi/2", worst_x,
            "not measured" if not excess else "supported" if worst_x <= 1e-9 else
            "not supported" if mm_certified else "inconclusive",
            "an identity when γ_hi is certified (γ*,∞ bounds every width); with a heuristic oracle γ_hi is an estimate "
            "and an excess shows the estimate was too low", kind="sanity check"))
    groups = {w: fit[w] for w in widths if _optimum.has_optimum(fit[w])}
    if groups:
        verdict, grows = _optimum.gd_reaches(groups)
        worst_g = max(grows, key=lambda r: r[1])
        an.claims.append(Claim(
            "Gradient descent reaches Θ_λ of its objective at every width", source,
            "largest mean objective ratio L(GD net) / L(Θ_λ) over widths", worst_g[1], verdict,
            f"worst at width {worst_g[0]}; " + _optimum.gd_detail(grows)))
    return an
