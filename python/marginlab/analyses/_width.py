"""Shared analysis of Fig. 3 (left and right): test error and normalized margin against width."""
import math

import numpy as np

from .. import plots, stats
from ..report import Analysis, Claim


def _trend(widths, per_width, sign):
    """Bootstrap the slope of the per-width means against log2(width); sign = +1 for 'increases'."""
    ws = [w for w in widths if len(per_width[w])]
    if len(ws) < 2:
        return math.nan, (math.nan, math.nan)
    x = np.log2(ws)
    point = float(np.polyfit(x, [np.mean(per_width[w]) for w in ws], 1)[0])
    rng = np.random.default_rng(stats.RNG_SEED)
    boots = []
    for _ in range(1000):
        ys = [np.mean(rng.choice(per_width[w], size=len(per_width[w]))) for w in ws]
        boots.append(float(np.polyfit(x, ys, 1)[0]))
    return sign * point, tuple(sign * q for q in sorted(np.quantile(boots, [0.025, 0.975])))


def analyze(res, fig_dir, stem, source):
    an = Analysis()
    runs = res.done()
    widths = sorted({int(float(r.params["width"])) for r in runs})
    fit = {w: [r for r in runs if int(float(r.params["width"])) == w and r.final("train_error") == 0] for w in widths}
    err = {w: [r.final("test_error") for r in fit[w]] for w in widths}
    mar = {w: [r.final("margin") for r in fit[w]] for w in widths}
    fig, ax = plots.panels(2)
    for a, data, label, color in ((ax[0], err, "test error", plots.COLORS[0]),
                                  (ax[1], mar, "normalized margin", plots.COLORS[1])):
        ws = [w for w in widths if data[w]]
        a.plot(ws, [np.mean(data[w]) for w in ws], "o-", color=color)
        a.fill_between(ws, [np.min(data[w]) for w in ws], [np.max(data[w]) for w in ws], color=color, alpha=0.2, lw=0)
        a.set_xscale("log", base=2)
        a.set_xlabel("hidden units")
        a.set_title(label)
    plots.save(fig, fig_dir, stem)
    an.figures.append((f"Test error and normalized margin against width, averaged over trials with zero "
                       f"training error (bands: min–max)", stem))
    rows = ["| width | trials fitting the data | test error (mean) | normalized margin (mean) |", "|---|---|---|---|"]
    for w in widths:
        n_all = len([r for r in runs if int(float(r.params['width'])) == w])
        rows.append(f"| {w} | {len(fit[w])}/{n_all} | {np.mean(err[w]) if err[w] else float('nan'):.4g} | "
                    f"{np.mean(mar[w]) if mar[w] else float('nan'):.4g} |")
    an.tables.append(("By width", "\n".join(rows)))
    for data, claim, sign, metric in ((err, "Test error decreases as the width grows", -1, "test error"),
                                      (mar, "The normalized margin increases with the width (Thm 4.3)", +1,
                                       "normalized margin")):
        slope, ci = _trend(widths, data, sign)
        verdict = ("not measured" if not math.isfinite(slope) else "supported" if ci[0] > 0
                   else "inconclusive" if slope > 0 else "not supported")
        an.claims.append(Claim(claim, source, f"trend of mean {metric} per doubling of width "
                               f"({'decrease' if sign < 0 else 'increase'} > 0 supports)", slope, verdict,
                               f"95% bootstrap interval [{ci[0]:.3g}, {ci[1]:.3g}]"))
    return an
