"""thm33 — Wei et al. 2019, §3, Thm 3.3 / E.21: the perturbed Wasserstein gradient flow (σ > 0)
against plain particle gradient descent (σ = 0) and the certified optimum L*, from a Dirac
("point") start and a uniform ("sphere") start; the gap L[ρ_t] − L*_lower over time, the time to
reach ε as σ varies, and the first-variation optimality test."""
import math

import numpy as np

from .. import plots, stats
from ..report import Analysis, Claim

SOURCE = "Wei et al. 2019, Thm 3.3 / Thm E.21 (Section 3, eq. 3.2)"
EPS = 1e-3
LEVELS = [10.0 ** -k for k in range(1, 7)]


def _label(data):
    return data.split(":")[0] + " " + data.split(":")[1].replace(",", ", ") if ":" in data else data


def _groups(res):
    """{data: {init: {sigma: [runs]}}}"""
    out = {}
    for r in res.done():
        out.setdefault(r.params["data"], {}).setdefault(r.params.get("init", "sphere"), {}) \
           .setdefault(float(r.params["sigma"]), []).append(r)
    return out


def _sigma_label(s):
    return "σ = 0 (plain GD)" if s == 0 else f"σ = {s:g}"


def _positive_time(r, metric):
    """(times, values) of a trace metric from the first step after 0 (log-scale time axis)."""
    _, time = r.series("time")
    _, vals = r.series(metric)
    pairs = [(t, v) for t, v in zip(time, vals) if t > 0]
    return [t for t, _ in pairs], [v for _, v in pairs]


def _gap_panel(ax, by_sigma, title):
    for k, (sigma, runs) in enumerate(sorted(by_sigma.items())):
        series = []
        for r in runs:
            t, gap = _positive_time(r, "gap")
            series.append((t, [max(g, 1e-12) if math.isfinite(g) else math.nan for g in gap]))
        plots.band_plot(ax, series, _sigma_label(sigma), plots.COLORS[k % len(plots.COLORS)])
    ax.axhline(EPS, color="k", ls=":", lw=1, label=f"ε = {EPS:g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("time t = step · η")
    ax.set_ylabel("L[ρ_t] − L* (certified upper bound)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)


def analyze(res, fig_dir):
    an = Analysis()
    groups = _groups(res)
    eps_key = f"time_to_1e-{round(-math.log10(EPS))}"
    for idx, (data, by_init) in enumerate(sorted(groups.items())):
        fig, ax = plots.panels(4, width=4.4)
        for j, init in enumerate(("point", "sphere")):
            if init in by_init:
                _gap_panel(ax[j], by_init[init], f"{init} start: gap over time")
        # Time to reach ε against σ (both starts); never → drawn at the top, hollow.
        tmax = max((r.final("steps_done") * float(r.params["eta"]) for i in by_init.values()
                    for rs in i.values() for r in rs), default=1.0)
        for j, (init, marker) in enumerate((("point", "o"), ("sphere", "s"))):
            for sigma, runs in sorted(by_init.get(init, {}).items()):
                x = sigma if sigma > 0 else 1e-7
                for r in runs:
                    t = r.final(eps_key)
                    reached = math.isfinite(t)
                    ax[2].plot([x], [t if reached else tmax * 1.5], marker, ms=6,
                               color=plots.COLORS[j], mfc=plots.COLORS[j] if reached else "none")
            ax[2].plot([], [], marker, color=plots.COLORS[j], label=f"{init} start")
        ax[2].plot([], [], "o", mfc="none", color="gray", label="never (drawn at the top)")
        ax[2].set_xscale("log")
        ax[2].set_yscale("log")
        ax[2].set_xlabel("σ (σ = 0 drawn at 1e-7)")
        ax[2].set_ylabel(f"time to gap ≤ {EPS:g}")
        ax[2].set_title("time to reach ε as σ varies", fontsize=10)
        ax[2].legend(fontsize=7)
        # The optimality test: violation −min_{‖θ‖=1} L′[ρ_t](θ) (≤ 0 iff ρ_t is optimal), point start.
        for k, (sigma, runs) in enumerate(sorted(by_init.get("point", {}).items())):
            series = []
            for r in runs:
                t, v = _positive_time(r, "min_first_variation")
                series.append((t, [max(-x, 1e-12) if math.isfinite(x) else math.nan for x in v]))
            plots.band_plot(ax[3], series, _sigma_label(sigma), plots.COLORS[k % len(plots.COLORS)])
        ax[3].set_xscale("log")
        ax[3].set_yscale("log")
        ax[3].set_xlabel("time t")
        ax[3].set_ylabel("−min over the sphere of L′[ρ_t]")
        ax[3].set_title("optimality test, point start (optimal: ≤ 0)", fontsize=10)
        ax[3].legend(fontsize=7)
        fig.suptitle(_label(data), fontsize=11)
        stem = f"thm33-{idx}"
        plots.save(fig, fig_dir, stem)
        an.figures.append((f"{_label(data)}: gap to the certified L* over time from a Dirac start and a uniform "
                           f"start, time to reach ε = {EPS:g} against σ, and the optimality test", stem))

    for data, by_init in sorted(groups.items()):
        point = by_init.get("point", {})
        if not point:
            continue
        runs0 = point.get(0.0, [])
        ref = [r.final("reference_lower") for rs in point.values() for r in rs]
        certified = all(r.final("reference_certified") == 1 for rs in point.values() for r in rs)
        ref_text = f"L* ≥ {min(ref):.6g} ({'certified' if certified else 'NOT certified'})"
        # 1. the perturbed flow reaches ε from the bad start.
        fractions = {s: np.mean([r.final("best_gap") <= EPS for r in rs]) for s, rs in point.items() if s > 0}
        counts = {s: len(rs) for s, rs in point.items() if s > 0}
        good = [s for s, f in fractions.items() if f == 1.0 and counts[s] >= stats.MIN_TRIALS]
        any_reach = any(f > 0 for f in fractions.values())
        verdict = ("not measured" if not fractions else "supported" if good and certified
                   else "inconclusive" if any_reach or (good and not certified) else "not supported")
        an.claims.append(Claim(
            f"With a small σ > 0 the perturbed flow reaches min_t L[ρ_t] − L* ≤ ε from a bad start ({_label(data)})",
            SOURCE, f"fraction of Dirac-start trials with min_t gap ≤ {EPS:g}, per σ",
            ", ".join(f"σ={s:g}: {f:.2f}" for s, f in sorted(fractions.items())), verdict,
            f"{ref_text}; supported when some σ > 0 brings every trial (≥ {stats.MIN_TRIALS}) within ε "
            f"of the certified L*; best gaps per σ: " + ", ".join(
                f"σ={s:g}: {np.mean([r.final('best_gap') for r in rs]):.2e}" for s, rs in sorted(point.items()))))
        # 2. plain GD stalls from the Dirac start.
        if runs0:
            gaps0 = [r.final("best_gap") for r in runs0]
            an.claims.append(Claim(
                f"Without noise (σ = 0) particle gradient descent can stall above L*: a Dirac start stays one "
                f"neuron ({_label(data)})",
                "Wei et al. 2019, Section 3 (plain gradient flow has no global guarantee)",
                "smallest min_t L[ρ_t] − L* over σ = 0 Dirac-start trials", min(gaps0),
                "supported" if min(gaps0) > EPS and len(gaps0) >= stats.MIN_TRIALS
                else "inconclusive" if min(gaps0) > EPS else "not supported",
                f"{len(gaps0)} trials; the σ = 0 flow keeps ρ a Dirac mass (all particles share one velocity)"))
        # 3. σ must be small: a large σ leaves a gap.
        if len(fractions) >= 2:
            smax = max(fractions)
            big = np.mean([r.final("best_gap") for r in point[smax]])
            small = min(np.mean([r.final("best_gap") for r in point[s]]) for s in fractions)
            an.claims.append(Claim(
                f"The noise rate must be small (Thm 3.3 takes σ = exp(−d log(1/ε) poly(·))): a large σ stops "
                f"short of L* ({_label(data)})", SOURCE,
                f"mean min_t gap at the largest σ = {smax:g}", big,
                "supported" if big > EPS and small <= EPS else "inconclusive",
                f"smallest mean best gap over σ > 0: {small:.2e}; the perturbation keeps mass on U^d, a bias of "
                "order σ"))
        # 4. time to ε is polynomial in 1/ε.
        best_sigma, best_levels = None, []
        for s, rs in point.items():
            if s <= 0:
                continue
            lv = []
            for e in LEVELS:
                key = f"time_to_1e-{round(-math.log10(e))}"
                ts = [r.final(key) for r in rs]
                if all(math.isfinite(t) and t > 0 for t in ts):
                    lv.append((e, float(np.mean(ts))))
            if len(lv) > len(best_levels):
                best_sigma, best_levels = s, lv
        if len(best_levels) >= 3:
            slope = stats.loglog_slope([1 / e for e, _ in best_levels], [t for _, t in best_levels])
            an.claims.append(Claim(
                f"The time to reach ε grows polynomially in 1/ε (Thm 3.3 / E.21: t_ε = d²/ε⁴ · poly) ({_label(data)})",
                SOURCE, f"log-log slope of the time to reach ε against 1/ε (σ = {best_sigma:g}, Dirac start)", slope,
                "supported" if slope <= 4 else "not supported",
                "levels reached by every trial: " + ", ".join(f"ε={e:g}: t={t:.3g}" for e, t in best_levels)
                + "; supported when the slope is at most the bound's 4 (a measured rate, not a proof)"))
    # 5. mass.
    errs = [r.final("mass_error") for r in res.done()]
    if errs:
        worst = max(errs)
        an.claims.append(Claim("The perturbed dynamics conserve the total mass (−σρ_t + σU^d integrates to 0)",
                               "Wei et al. 2019, eq. 3.2", "largest |∫dρ_t − 1| over all logged steps and runs",
                               worst, "supported" if worst <= 1e-12 else "not supported",
                               "decay e^{−ση} and injection 1 − e^{−ση} in floating point; tolerance 1e-12"))
    return an
