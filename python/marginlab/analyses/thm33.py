"""thm33 — Wei et al. 2019, §3, Thm 3.3 / E.21: the perturbed Wasserstein gradient flow (σ > 0)
against plain particle gradient descent (σ = 0) and the certified optimum L*, from a Dirac
("point") start and a uniform ("sphere") start; the gap L[ρ_t] − L*_lower over time, the time to
reach ε as σ varies, and the first-variation optimality test.

Verdict rules (issue 20): trials (a new θ₀ / start and new injected particles each) are the noise.
A trial reaches ε when its certified gap min_t L[ρ_t] − L*_lower is ≤ ε and certainly misses it
when min_t L[ρ_t] − L*_upper > ε. Claims about reaching or missing ε need every trial of a σ to
agree (≥ stats.MIN_TRIALS trials) to be supported, are not supported when every trial goes the
other way, and are inconclusive in between; the time-to-ε exponent is a per-trial slope with a
Student-t interval over trials. Mass conservation is a sanity check of the scheme, not evidence."""
import math

import numpy as np

from .. import plots, stats
from ..report import Analysis, Claim

SOURCE = "Wei et al. 2019, Thm 3.3 / Thm E.21 (Section 3, eq. 3.2)"
EPS = 1e-3
LEVELS = [10.0 ** -k for k in range(1, 7)]
TIME_EXPONENT = 4  # Thm 3.3 / E.21: t_ε = O(d²/ε⁴ · poly), a log-log slope ≤ 4 against 1/ε


def _key(e):
    return f"time_to_1e-{round(-math.log10(e))}"


def _reach(r):
    """'reached' when min_t L[ρ_t] − L*_lower ≤ ε (a certified upper bound on the true gap, when the
    bracket is certified), 'missed' when min_t L[ρ_t] − L*_upper > ε (the true gap is certainly
    above ε), 'unknown' when the bracket on L* straddles ε or a value is missing."""
    gap = r.final("best_gap")
    best, upper = r.final("best"), r.final("reference_upper")
    if not math.isfinite(gap):
        return "unknown"
    if gap <= EPS:  # L*_lower is a certified lower bound only when the bracket is certified
        return "reached" if r.final("reference_certified") == 1 else "unknown"
    low = best - upper if math.isfinite(best) and math.isfinite(upper) else gap
    return "missed" if low > EPS else "unknown"


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
        label = _label(data)
        pos = {s: rs for s, rs in point.items() if s > 0}
        # Per σ > 0: trials that certainly reach ε, certainly do not, or cannot be told apart.
        status = {s: [_reach(r) for r in rs] for s, rs in sorted(pos.items())}
        fractions = {s: np.mean([x == "reached" for x in st]) for s, st in status.items()}
        all_reach = [s for s, st in status.items() if st and all(x == "reached" for x in st)]
        none_reach = [s for s, st in status.items() if st and all(x == "missed" for x in st)]
        # 1. the perturbed flow reaches ε from the bad start, for some small σ > 0.
        if not pos:
            v = "not measured"
        elif any(len(status[s]) >= stats.MIN_TRIALS for s in all_reach) and certified:
            v = "supported"
        elif len(none_reach) == len(status):
            v = "not supported"
        else:
            v = "inconclusive"
        an.claims.append(Claim(
            f"With a small σ > 0 the perturbed flow reaches min_t L[ρ_t] − L* ≤ ε from a bad start ({label})",
            SOURCE, f"fraction of Dirac-start trials with min_t gap ≤ {EPS:g}, per σ",
            ", ".join(f"σ={s:g}: {f:.2f}" for s, f in sorted(fractions.items())), v,
            f"{ref_text}; supported when some σ > 0 brings every trial (≥ {stats.MIN_TRIALS}) within ε of the "
            f"certified L*; not supported when no trial at any σ > 0 gets within ε; inconclusive otherwise "
            f"(some trials only, too few trials, or L* not certified); best gaps per σ (mean): " + ", ".join(
                f"σ={s:g}: {np.mean([r.final('best_gap') for r in rs]):.2e}" for s, rs in sorted(point.items()))))
        # 2. plain GD stalls from the Dirac start.
        if runs0:
            st0 = [_reach(r) for r in runs0]
            stalled, reached = st0.count("missed"), st0.count("reached")
            gaps0 = [r.final("best_gap") for r in runs0]
            v = ("supported" if stalled == len(st0) and len(st0) >= stats.MIN_TRIALS
                 else "not supported" if reached == len(st0) else "inconclusive")
            an.claims.append(Claim(
                f"Without noise (σ = 0) particle gradient descent can stall above L*: a Dirac start stays one "
                f"neuron ({label})",
                "Wei et al. 2019, Section 3 (plain gradient flow has no global guarantee)",
                "smallest min_t L[ρ_t] − L* over σ = 0 Dirac-start trials", min(gaps0), v,
                f"{stalled} of {len(st0)} trials stay certainly above ε (min_t L − L*_upper > {EPS:g}), {reached} "
                f"reach ε; supported when every trial stalls (≥ {stats.MIN_TRIALS} trials), not supported when "
                f"every trial reaches ε, inconclusive otherwise; the σ = 0 flow keeps ρ a Dirac mass (all "
                f"particles share one velocity)"))
        # 3. σ must be small: a large σ leaves a gap (a bias of order σ).
        if len(status) >= 2:
            smax = max(status)
            st = status[smax]
            smaller = [s for s in all_reach if s < smax]
            big = np.mean([r.final("best_gap") for r in point[smax]])
            small = min(np.mean([r.final("best_gap") for r in point[s]]) for s in status)
            if all(x == "reached" for x in st):
                v = "not supported"
            elif (all(x == "missed" for x in st) and any(len(status[s]) >= stats.MIN_TRIALS for s in smaller)
                  and len(st) >= stats.MIN_TRIALS):
                v = "supported"
            else:
                v = "inconclusive"
            an.claims.append(Claim(
                f"The noise rate must be small (Thm 3.3 takes σ = exp(−d log(1/ε) poly(·))): a large σ stops "
                f"short of L* ({label})", SOURCE,
                f"mean min_t gap at the largest σ = {smax:g}", big, v,
                f"{st.count('missed')} of {len(st)} trials at σ = {smax:g} stay above ε, {st.count('reached')} "
                f"reach it; smallest mean best gap over σ > 0: {small:.2e}. Supported when every trial at the "
                f"largest σ stays above ε while some smaller σ brings every trial within ε (≥ "
                f"{stats.MIN_TRIALS} trials each); not supported when every trial at the largest σ reaches ε "
                f"too; inconclusive otherwise. The perturbation keeps mass on U^d, a bias of order σ"))
        # 4. time to ε is polynomial in 1/ε: per-trial log-log slopes, interval over trials.
        best_sigma, best_levels = None, []
        for s, rs in sorted(pos.items()):
            lv = [e for e in LEVELS if all(math.isfinite(r.final(_key(e))) and r.final(_key(e)) > 0 for r in rs)]
            if len(lv) > len(best_levels):
                best_sigma, best_levels = s, lv
        if pos:
            if len(best_levels) >= 3:
                rs = point[best_sigma]
                slopes = [stats.loglog_slope([1 / e for e in best_levels], [r.final(_key(e)) for e in best_levels])
                          for r in rs]
                m, ci = stats.mean_ci(slopes)
                v = stats.verdict_interval(ci[0], ci[1], TIME_EXPONENT, -1, stats.finite(slopes).size)
                metric = f"log-log slope of the time to reach ε against 1/ε (σ = {best_sigma:g}, Dirac start)"
                text = (f"mean over {len(rs)} trials {m:.3g}, 95% t interval [{ci[0]:.3g}, {ci[1]:.3g}]; "
                        "levels reached by every trial (mean time): " + ", ".join(
                            f"ε={e:g}: t={np.mean([r.final(_key(e)) for r in rs]):.3g}" for e in best_levels))
            else:
                m, v = math.nan, "inconclusive"
                metric = "log-log slope of the time to reach ε against 1/ε (Dirac start)"
                text = f"fewer than 3 ε levels reached by every trial of one σ > 0 ({len(best_levels)})"
            an.claims.append(Claim(
                f"The time to reach ε grows polynomially in 1/ε (Thm 3.3 / E.21: t_ε = d²/ε⁴ · poly) ({label})",
                SOURCE, metric, m, v,
                text + f"; supported when the interval is below the bound's exponent {TIME_EXPONENT} (a measured "
                f"rate, not a proof), not supported when it is above, inconclusive otherwise or with < "
                f"{stats.MIN_TRIALS} trials"))
    # 5. mass: an implementation sanity check (the scheme conserves mass by construction).
    errs = [r.finals["mass_error"] for r in res.done() if r.finals.get("mass_error") is not None]
    if errs:
        broken = sum(1 for e in errs if not math.isfinite(e))  # a NaN mass is a broken computation
        worst = max(errs) if not broken else math.nan
        an.claims.append(Claim("The perturbed dynamics conserve the total mass (−σρ_t + σU^d integrates to 0)",
                               "Wei et al. 2019, eq. 3.2", "largest |∫dρ_t − 1| over all logged steps and runs",
                               worst, "supported" if not broken and worst <= 1e-12 else "not supported",
                               "decay e^{−ση} and injection 1 − e^{−ση} in floating point; tolerance 1e-12"
                               + (f"; {broken} run(s) with a non-finite mass" if broken else ""),
                               kind="sanity check"))
    return an
