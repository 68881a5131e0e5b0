"""ji-alignment — Ji §4.3: alignment cos(Θ_t, −∇L) → 1, the smoothed margin ψ non-decreasing once
the data are fitted, and the directional change ‖Θ_t/‖Θ_t‖ − Θ_{t/2}/‖Θ_{t/2}‖‖ → 0, for depths
q = 2, 3, 4."""
import math

import numpy as np

from .. import plots
from ..report import Analysis, Claim

SOURCE = "Ji, Section 4.3"


def analyze(res, fig_dir):
    an = Analysis()
    depths = sorted({int(r.params["depth"]) for r in res.done()})
    fig, ax = plots.panels(3)
    finals, violations, checked, trends = {}, 0, 0, {}
    for i, q in enumerate(depths):
        runs = [r for r in res.done() if int(r.params["depth"]) == q]
        color = plots.COLORS[i % len(plots.COLORS)]
        for k, r in enumerate(runs):
            label = f"q = {q}" if k == 0 else None
            for a, metric in zip(ax, ("alignment", "smoothed_margin", "direction_change")):
                steps, vals = r.series(metric)
                a.plot(steps, vals, color=color, alpha=0.8, label=label)
            steps, psi = r.series("smoothed_margin")
            _, margin = r.series("margin")
            fitted = [j for j, m in enumerate(margin) if m > 0]
            if fitted:
                seq = psi[fitted[0]:]
                for a_, b_ in zip(seq, seq[1:]):
                    checked += 1
                    violations += b_ < a_ - 1e-12 * max(1.0, abs(a_))
            steps, change = r.series("direction_change")
            pts = [(t, c) for t, c in zip(steps, change) if math.isfinite(c) and c > 0]
            half = [(t, c) for t, c in pts if t >= pts[-1][0] ** 0.5] if pts else []
            if len(half) >= 3:
                trends.setdefault(q, []).append(float(np.polyfit(np.log([t for t, _ in half]),
                                                                 np.log([c for _, c in half]), 1)[0]))
            finals.setdefault(q, []).append(r.final("alignment"))
    for a, title in zip(ax, ("alignment cos(Θ, −∇L)", "smoothed margin ψ", "directional change")):
        a.set_xscale("log")
        a.set_xlabel("step t")
        a.set_title(title)
        a.legend(fontsize=8)
    ax[2].set_yscale("log")
    plots.save(fig, fig_dir, "ji-alignment")
    an.figures.append(("Alignment, smoothed margin and directional change over training for depths "
                       + ", ".join(map(str, depths)), "ji-alignment"))
    worst = min((min(v) for v in finals.values()), default=math.nan)
    an.claims.append(Claim("The gradient aligns with the parameters: cos(Θ_t, −∇L) → 1", SOURCE,
                           "smallest final alignment over depths and trials", worst,
                           "not measured" if not math.isfinite(worst) else "supported" if worst >= 0.95
                           else "inconclusive",
                           "per depth (mean final alignment): " + ", ".join(
                               f"q={q}: {np.mean(v):.3f}" for q, v in sorted(finals.items()))
                           + "; supported when every run ends above 0.95 — convergence is slow (logarithmic) "
                             "and a finite run can only show the trend"))
    an.claims.append(Claim("The smoothed margin ψ is non-decreasing once the data are fitted", SOURCE,
                           "decreases of ψ between measured steps after fitting", violations,
                           "not measured" if not checked else "supported" if violations == 0 else "not supported",
                           f"{checked} consecutive pairs checked"))
    slopes = [s for v in trends.values() for s in v]
    s = max(slopes) if slopes else math.nan
    an.claims.append(Claim("The parameters converge in direction: ‖Θ_t/‖Θ_t‖ − Θ_{t/2}/‖Θ_{t/2}‖‖ → 0", SOURCE,
                           "largest log-log slope of the directional change over the second half (log scale)", s,
                           "not measured" if not math.isfinite(s) else "supported" if s < 0 else "not supported",
                           "supported when the change shrinks in every run"))
    return an
