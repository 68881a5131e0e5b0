"""fig4 — Wei et al. 2019, Fig. 4 (§F.3): test error of the two-layer net (width = n) and of the
ReLU-feature kernel method against n; classification (0-1 error) and regression (squared
error). Bands: min–max over trials."""
import numpy as np

from .. import plots, stats
from ..report import Analysis, Claim

SOURCE = "Wei et al. 2019, Fig. 4 / §F.3"
PANELS = (("classification", "error", "test 0-1 error"), ("regression", "mse", "test squared error"))


def analyze(res, fig_dir):
    an = Analysis()
    fig, ax = plots.panels(2)
    rows = ["| task | n | net (mean) | kernel (mean) | trials |", "|---|---|---|---|---|"]
    for i, (task, metric, label) in enumerate(PANELS):
        runs = [r for r in res.done() if r.params.get("_task") == task]
        ns = sorted({int(r.params["_n"]) for r in runs})
        if not ns:
            continue
        diffs = []
        for key, name, color in ((f"nn_test_{metric}", "neural net", plots.COLORS[0]),
                                 (f"relu_best_test_{metric}", "kernel (ReLU features)", plots.COLORS[1])):
            vals = [np.array([r.final(key) for r in runs if int(r.params["_n"]) == n]) for n in ns]
            ax[i].plot(ns, [np.nanmean(v) for v in vals], "o-", color=color, label=name, ms=3)
            ax[i].fill_between(ns, [np.nanmin(v) for v in vals], [np.nanmax(v) for v in vals], color=color,
                               alpha=0.15, lw=0)
        for n in ns:
            at = [r for r in runs if int(r.params["_n"]) == n]
            net = [r.final(f"nn_test_{metric}") for r in at]
            ker = [r.final(f"relu_best_test_{metric}") for r in at]
            rows.append(f"| {task} | {n} | {np.nanmean(net):.4g} | {np.nanmean(ker):.4g} | {len(at)} |")
        big = [r for r in runs if int(r.params["_n"]) >= ns[len(ns) // 2]]
        diffs = [r.final(f"nn_test_{metric}") - r.final(f"relu_best_test_{metric}") for r in big]
        m, ci, v = stats.verdict_less(diffs)
        an.claims.append(Claim(f"Two-layer nets outperform the kernel method in test {metric} as n grows ({task})",
                               SOURCE, f"mean paired difference net − kernel at n ≥ {ns[len(ns) // 2]}", m, v,
                               f"95% bootstrap interval [{ci[0]:.4g}, {ci[1]:.4g}] over {len(diffs)} trials"))
        ax[i].set_xscale("log")
        ax[i].set_xlabel("training examples n (network width = n)")
        ax[i].set_title(f"{task}: {label}")
        ax[i].legend()
    plots.save(fig, fig_dir, "fig4")
    an.figures.append(("Fig. 4 reproduction: net vs ReLU-feature kernel (best predictor) against n", "fig4"))
    an.tables.append(("Test error by n", "\n".join(rows)))
    return an
