"""ji-ntk — Ji §3: NTK-regime training loss against the linear rate (1 − ηλ₀/(2n))^t, the lazy
distance max_s ‖w_{s,T} − w_{s,0}‖ against 1/√m, and the NTK separation margin of noisy 2-XOR
against d."""
import math

import numpy as np

from .. import plots, stats
from ..report import Analysis, Claim

SOURCE = "Ji, Section 3"


def analyze(res, fig_dir):
    an = Analysis()
    runs = res.done()
    widths = sorted({int(float(r.params["width"])) for r in runs})
    dims = sorted({int(r.params["_d"]) for r in runs})
    fig, ax = plots.panels(3)
    # (1) loss ratio against the rate bound, for the widest net at the first d.
    violations, checked = {}, {}
    for i, m in enumerate(widths):
        color = plots.COLORS[i % len(plots.COLORS)]
        for k, r in enumerate(x for x in runs if int(float(x.params["width"])) == m):
            steps, loss = r.series("data_loss")
            if not loss or not loss[0] > 0:
                continue
            eta, lam0, n = float(r.params["lr"]), r.final("lambda0"), r.final("n")
            rate = 1 - eta * lam0 / (2 * n)
            for t, l in zip(steps, loss):
                checked[m] = checked.get(m, 0) + 1
                if l / loss[0] > rate ** t * (1 + 1e-9):
                    violations[m] = violations.get(m, 0) + 1
            if int(r.params["_d"]) == dims[0]:
                ax[0].plot(steps, [l / loss[0] for l in loss], color=color, alpha=0.8,
                           label=f"m = {m}" if k == 0 else None)
                if i == len(widths) - 1 and k == 0:
                    ax[0].plot(steps, [rate ** t for t in steps], "k--", lw=1, label="(1 − ηλ₀/(2n))^t")
    ax[0].set_yscale("log")
    ax[0].set_xlabel("step t")
    ax[0].set_title("L_t / L_0 (squared loss)")
    ax[0].legend(fontsize=8)
    # (2) lazy distance against m.
    lazy = {m: [r.final("lazy_distance") for r in runs if int(float(r.params["width"])) == m] for m in widths}
    ax[1].plot(widths, [np.mean(lazy[m]) for m in widths], "o-", color=plots.COLORS[0], label="max_s ‖w_s,T − w_s,0‖")
    ref = np.mean(lazy[widths[0]]) * np.sqrt(widths[0]) if widths else 0
    ax[1].plot(widths, [ref / math.sqrt(m) for m in widths], "k--", lw=1, label="∝ 1/√m")
    ax[1].set_xscale("log")
    ax[1].set_yscale("log")
    ax[1].set_xlabel("width m")
    ax[1].set_title("lazy distance")
    ax[1].legend(fontsize=8)
    # (3) NTK margin against d (one value per (d, trial); widths share it).
    marg = {d: {r.trial: r.final("ntk_margin") for r in runs if int(r.params["_d"]) == d} for d in dims}
    se = {d: {r.trial: r.final("ntk_margin_se") for r in runs if int(r.params["_d"]) == d} for d in dims}
    mean_m = [np.mean(list(marg[d].values())) for d in dims]
    ax[2].errorbar(dims, mean_m, yerr=[2 * np.mean(list(se[d].values())) for d in dims], fmt="o-",
                   color=plots.COLORS[1], label="NTK margin (± 2 s.e.)")
    if dims:
        ax[2].plot(dims, [mean_m[0] * dims[0] / d for d in dims], "k--", lw=1, label="∝ 1/d")
    ax[2].set_xscale("log")
    ax[2].set_yscale("log")
    ax[2].set_xlabel("d")
    ax[2].set_title("noisy 2-XOR NTK separation margin")
    ax[2].legend(fontsize=8)
    plots.save(fig, fig_dir, "ji-ntk")
    an.figures.append(("NTK regime: loss decay against the linear rate, lazy distance against width, and the "
                       "2-XOR NTK margin against d", "ji-ntk"))

    total = sum(checked.values())
    bad = sum(violations.values())
    widest = widths[-1] if widths else None
    an.claims.append(Claim("GD on the squared loss converges at least as fast as (1 − ηλ₀/(2n))^t (wide nets)",
                           SOURCE, f"logged steps violating the bound at the widest m = {widest}",
                           violations.get(widest, 0),
                           "not measured" if not checked.get(widest) else
                           "supported" if violations.get(widest, 0) == 0 else "not supported",
                           "violations per width: " + ", ".join(f"m={m}: {violations.get(m, 0)}/{checked.get(m, 0)}"
                                                                 for m in widths) + f" (all widths: {bad}/{total})"))
    slope = stats.loglog_slope(widths, [np.mean(lazy[m]) for m in widths])
    an.claims.append(Claim("The hidden weights move by O(1/√m) (lazy training)", SOURCE,
                           "log-log slope of the lazy distance against m", slope,
                           "not measured" if not math.isfinite(slope) else
                           "supported" if -0.65 <= slope <= -0.35 else "not supported",
                           "supported when the slope is within 0.15 of −1/2"))
    slope = stats.loglog_slope(dims, mean_m)
    an.claims.append(Claim("The NTK separation margin of noisy 2-XOR is Ω(1/d)", SOURCE,
                           "log-log slope of the estimated margin against d", slope,
                           "not measured" if not math.isfinite(slope) else
                           "supported" if slope >= -1.1 else "not supported",
                           "Ω(1/d) allows a slope ≥ −1 (0.1 of Monte-Carlo slack); margins "
                           + ", ".join(f"d={d}: {m:.4g}" for d, m in zip(dims, mean_m))))
    return an
