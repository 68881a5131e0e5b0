"""fig2 — Wei et al. 2019, Fig. 2 (§F.1): regularized (λ > 0) vs unregularized (λ = 0) two-layer
nets from the same initialization. Panels as in the paper: test accuracy, normalized margin and
% of activation patterns changed, over training steps (bands: min–max over trials)."""
import numpy as np

from .. import plots, stats
from ..report import Analysis, Claim

SOURCE = "Wei et al. 2019, Fig. 2 / §F.1"


def _split(res):
    reg, unreg = {}, {}
    for r in res.done():
        (reg if r.param("lambda") > 0 else unreg)[r.trial] = r
    return reg, unreg


def analyze(res, fig_dir):
    an = Analysis()
    reg, unreg = _split(res)
    lam = next(iter(reg.values())).param("lambda") if reg else float("nan")
    fig, ax = plots.panels(3)
    for runs, label, color in ((reg, f"λ = {lam:g}", plots.COLORS[0]), (unreg, "λ = 0", plots.COLORS[1])):
        runs = list(runs.values())
        plots.band_plot(ax[0], [r.series("test_error") for r in runs], label, color, lambda e: 1 - e)
        plots.band_plot(ax[1], [r.series("margin") for r in runs], label, color)
        plots.band_plot(ax[2], [r.series("pattern_change") for r in runs], label, color, lambda p: 100 * p)
    for a, t in zip(ax, ("test accuracy", "normalized margin", "% activation patterns changed")):
        a.set_xscale("symlog", linthresh=10)
        a.set_xlabel("training step")
        a.set_title(t)
        a.legend()
    plots.save(fig, fig_dir, "fig2")
    an.figures.append((f"Fig. 2 reproduction: {len(reg)} trials per curve; bands are min–max over trials", "fig2"))

    paired = sorted(set(reg) & set(unreg))
    def diff(metric):
        return [reg[t].final(metric) - unreg[t].final(metric) for t in paired]

    m, ci, v = stats.verdict_less(diff("test_error"))
    an.claims.append(Claim("An explicit regularizer improves generalization", SOURCE,
                           "mean paired difference in final test error (reg − unreg)", m, v,
                           f"95% bootstrap interval [{ci[0]:.4g}, {ci[1]:.4g}] over {len(paired)} paired trials"))
    m, ci, v = stats.verdict_less([-d for d in diff("margin")])
    an.claims.append(Claim("An explicit regularizer improves the normalized margin", SOURCE,
                           "mean paired difference in final normalized margin (reg − unreg)", -m, v,
                           f"95% interval [{-ci[1]:.4g}, {-ci[0]:.4g}]"))
    m, ci, v = stats.verdict_less([-d for d in diff("pattern_change")])
    an.claims.append(Claim("Few activation patterns change without regularization (kernel regime); "
                           "the regularized net changes more", SOURCE,
                           "mean paired difference in % activation patterns changed (reg − unreg)", -100 * m, v,
                           f"final % changed: reg {100 * np.mean([reg[t].final('pattern_change') for t in paired]):.3g}, "
                           f"unreg {100 * np.mean([unreg[t].final('pattern_change') for t in paired]):.3g}; "
                           f"95% interval of the difference [{-100 * ci[1]:.3g}, {-100 * ci[0]:.3g}]"))
    first_zero = []
    for r in list(reg.values()) + list(unreg.values()):
        steps, err = r.series("train_error")
        hit = [s for s, e in zip(steps, err) if e == 0]
        first_zero.append(hit[0] if hit else float("inf"))
    worst = max(first_zero) if first_zero else float("nan")
    an.claims.append(Claim("Training error hits 0 within 50 iterations", SOURCE,
                           "largest first logged step with zero training error", worst,
                           "supported" if worst <= 50 else "not supported",
                           "measured at the logged (log-spaced) steps, so the step is an upper bound"))
    rows = ["| | λ = %g | λ = 0 |" % lam, "|---|---|---|"]
    for metric in ("train_error", "test_error", "margin", "pattern_change", "dist_init", "norm"):
        a = stats.mean_ci([r.final(metric) for r in reg.values()])[0]
        b = stats.mean_ci([r.final(metric) for r in unreg.values()])[0]
        rows.append(f"| final {metric} (mean) | {a:.4g} | {b:.4g} |")
    an.tables.append(("Final values", "\n".join(rows)))
    steps = int(next(iter(reg.values())).params.get("steps", 0)) if reg else 0
    if steps < 20000:
        an.notes.append(f"Scale note: this run trained for {steps} steps (the paper: 20000) with "
                        f"{len(paired)} trials (the paper: 20); see the config's header.")
    return an
