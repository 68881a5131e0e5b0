"""fig5 — Wei et al. 2019, Fig. 5 (§F.4): the net's normalized margin against λ with the l1-SVM
max margin γ_ℓ1/2 (exact, certified; and over the paper's 1000-direction dictionary), and the
normalized functions of the net (smallest λ) and of the l1-SVM solution."""
import math

import numpy as np

from .. import plots
from ..report import Analysis, Claim

SOURCE = "Wei et al. 2019, Fig. 5 / §F.4, Thm 4.1, Prop. B.10"


def analyze(res, fig_dir):
    an = Analysis()
    runs = res.done()
    lams = sorted({float(r.params["lambda"]) for r in runs}, reverse=True)
    by = {lam: [r for r in runs if float(r.params["lambda"]) == lam] for lam in lams}
    target = float(np.mean([r.final("target") for r in runs]))
    hi = float(np.mean([r.final("gamma_l1_hi") for r in runs])) / 2
    dictionary = float(np.mean([r.final("gamma_l1_dictionary") for r in runs])) / 2
    certified = all(r.final("gamma_l1_certified") == 1 for r in runs)
    fig, ax = plots.panels(2)
    x = [-math.log2(l) for l in lams]
    means = [np.mean([r.final("margin") for r in by[l]]) for l in lams]
    ax[0].plot(x, means, "o-", color=plots.COLORS[0], label="neural net (mean over trials)")
    ax[0].fill_between(x, [min(r.final("margin") for r in by[l]) for l in lams],
                       [max(r.final("margin") for r in by[l]) for l in lams], color=plots.COLORS[0], alpha=0.2, lw=0)
    ax[0].axhline(target, color=plots.COLORS[1], ls="-", label=f"γ_ℓ1/2 exact ({'certified' if certified else 'uncertified'})")
    ax[0].axhline(dictionary, color=plots.COLORS[2], ls="--", label="γ_ℓ1/2 over 1000 directions")
    ax[0].set_xlabel("−log2 λ")
    ax[0].set_ylabel("normalized margin")
    ax[0].set_ylim(bottom=min(0.0, float(np.nanmin(means))) if means else 0)
    ax[0].legend(fontsize=8)
    ax[0].set_title("margin as λ decreases")
    smallest = by[lams[-1]][0] if lams else None
    if smallest and "functions" in smallest.artifacts:
        f = smallest.artifacts["functions"]
        ax[1].plot(f["x"], f["net"], color=plots.COLORS[0], label=f"net, λ = 2^{math.log2(lams[-1]):.0f}")
        ax[1].plot(f["x"], f["l1svm"], color=plots.COLORS[1], ls="--", label="l1-SVM solution")
        for xi, yi in zip(f["train_x"], f["train_y"]):
            ax[1].plot([xi], [0], "^" if yi > 0 else "v", color="k", ms=7)
        ax[1].axhline(0, color="gray", lw=0.5)
        ax[1].legend(fontsize=8)
        ax[1].set_xlabel("x")
        ax[1].set_title("normalized functions f/‖Θ‖² (▲ +1, ▼ −1)")
    plots.save(fig, fig_dir, "fig5")
    an.figures.append(("Fig. 5 reproduction: normalized margin against λ, and the normalized functions", "fig5"))

    last = means[-1] if means else math.nan
    ratio = last / target if target > 0 else math.nan
    increasing = all(b >= a - 1e-6 for a, b in zip(means[len(means) // 2:], means[len(means) // 2 + 1:]))
    an.claims.append(Claim("As λ → 0 the normalized margin tends to the max margin γ_ℓ1/2 (Thm 4.1, Prop. B.10)",
                           SOURCE, "mean margin at the smallest λ / (γ_ℓ1/2)", ratio,
                           "not measured" if not math.isfinite(ratio) else "supported" if ratio >= 0.95
                           else "inconclusive" if ratio >= 0.8 else "not supported",
                           f"γ_ℓ1/2 = {target:.6g} ({'certified' if certified else 'not certified'}); mean margins "
                           "from the largest to the smallest λ: " + ", ".join(f"{m:.4g}" for m in means)
                           + ("" if increasing else "; the second half is not monotone (optimization has "
                              "not converged at the smallest λ)")
                           + "; supported at ≥ 95% of the max margin"))
    gaps = [r.final("margin") - r.final("gamma_l1_hi") / 2 for r in runs]
    gaps = [g for g in gaps if math.isfinite(g)]  # Θ → 0 at large λ leaves the margin undefined
    worst = max(gaps, default=math.nan)
    an.claims.append(Claim("No network exceeds the max normalized margin γ_ℓ1/2", SOURCE,
                           "largest margin − γ_hi/2 over all runs", worst,
                           "not measured" if not gaps else "supported" if worst <= 1e-9 else "not supported",
                           f"γ_hi is the certified upper bound from column generation; {len(gaps)} runs with a "
                           "defined margin"))
    rel = abs(dictionary - target) / target if target > 0 else math.nan
    an.claims.append(Claim("1000 evenly spaced directions approximate the l1-SVM well (the paper's method)",
                           SOURCE, "relative gap between the dictionary and exact γ_ℓ1", rel,
                           "supported" if rel <= 1e-3 else "not supported", "supported within 0.1%"))
    return an
