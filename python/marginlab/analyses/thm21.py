"""thm21 — Wei et al. 2019, Theorem 2.1: test error against n for the regularized net and the
best kernel predictor (NTK, ReLU-feature kernel), per d; n*(d) (smallest n with mean test
error ≤ 0.1, interpolated on log n) and its log-log slope in d, with a bootstrap interval."""
import math

import numpy as np

from .. import plots, stats
from ..report import Analysis, Claim

SOURCE = "Wei et al. 2019, Thm 2.1 / Section 2"
TARGET = 0.1
METHODS = (("nn_test_error", "regularized net", plots.COLORS[0]),
           ("ntk_best_test_error", "NTK (best predictor)", plots.COLORS[1]),
           ("relu_best_test_error", "ReLU-feature kernel (best)", plots.COLORS[2]))


def n_star(ns, errors, target=TARGET):
    """Smallest n with error ≤ target, interpolating log n linearly between grid points;
    inf when the grid never reaches the target."""
    for k, (n, e) in enumerate(zip(ns, errors)):
        if e <= target:
            if k == 0:
                return float(n)
            n0, e0 = ns[k - 1], errors[k - 1]
            t = (e0 - target) / (e0 - e) if e0 != e else 1.0
            return float(math.exp(math.log(n0) + t * (math.log(n) - math.log(n0))))
    return math.inf


def table(res):
    """{d: {n: {metric: [values over trials]}}}"""
    out = {}
    for r in res.done():
        d, n = int(r.params["_d"]), int(r.params["_n"])
        cell = out.setdefault(d, {}).setdefault(n, {})
        for metric, _, _ in METHODS:
            cell.setdefault(metric, []).append(r.final(metric))
    return out


def nstar_by_d(tab, metric, trials_idx=None):
    res = {}
    for d, cells in sorted(tab.items()):
        ns = sorted(cells)
        errs = []
        for n in ns:
            v = np.asarray(cells[n][metric], float)
            if trials_idx is not None:
                v = v[trials_idx % len(v)]
            errs.append(float(np.nanmean(v)))
        res[d] = n_star(ns, errs)
    return res


def slope_with_ci(tab, metric, n_boot=1000):
    ns = nstar_by_d(tab, metric)
    ds = [d for d in ns if math.isfinite(ns[d])]
    point = stats.loglog_slope(ds, [ns[d] for d in ds]) if len(ds) >= 2 else math.nan
    trials = min(len(v[metric]) for cells in tab.values() for v in cells.values())
    rng = np.random.default_rng(stats.RNG_SEED)
    boots = []
    for _ in range(n_boot):
        idx = rng.integers(0, trials, size=trials)
        nb = nstar_by_d(tab, metric, idx)
        dd = [d for d in nb if math.isfinite(nb[d])]
        if len(dd) == len(ns) and len(dd) >= 2:
            boots.append(stats.loglog_slope(dd, [nb[d] for d in dd]))
    ci = tuple(np.quantile(boots, [0.025, 0.975])) if len(boots) > 20 else (math.nan, math.nan)
    return ns, point, ci


def analyze(res, fig_dir):
    an = Analysis()
    tab = table(res)
    dims = sorted(tab)
    fig, ax = plots.panels(len(dims) + 1)
    for i, d in enumerate(dims):
        ns = sorted(tab[d])
        for metric, label, color in METHODS:
            vals = [np.asarray(tab[d][n][metric], float) for n in ns]
            mean = [np.nanmean(v) for v in vals]
            ax[i].plot(ns, mean, "o-", color=color, label=label, ms=3)
            ax[i].fill_between(ns, [np.nanmin(v) for v in vals], [np.nanmax(v) for v in vals], color=color,
                               alpha=0.15, lw=0)
        ax[i].axhline(TARGET, color="gray", ls=":", lw=1)
        ax[i].axvline(d * d, color="gray", ls="--", lw=1)
        ax[i].set_xscale("log")
        ax[i].set_title(f"d = {d} (dashed: n = d²)")
        ax[i].set_xlabel("training examples n")
        ax[i].set_ylabel("test error")
        ax[i].legend(fontsize=8)
    summary_rows = ["| method | " + " | ".join(f"n*(d={d})" for d in dims) + " | slope | 95% interval |",
                    "|---|" + "---|" * (len(dims) + 2)]
    slopes = {}
    for metric, label, color in METHODS:
        ns, slope, ci = slope_with_ci(tab, metric)
        slopes[metric] = (slope, ci, ns)
        finite = [d for d in dims if math.isfinite(ns[d])]
        ax[-1].plot(finite, [ns[d] for d in finite], "o-", color=color, label=f"{label}: slope {slope:.2f}")
        summary_rows.append(f"| {label} | " + " | ".join(f"{ns[d]:.0f}" if math.isfinite(ns[d]) else "> grid"
                                                         for d in dims)
                            + f" | {slope:.3g} | [{ci[0]:.3g}, {ci[1]:.3g}] |")
    ax[-1].set_xscale("log")
    ax[-1].set_yscale("log")
    plots.label_log_xticks(ax[-1], dims)
    ax[-1].set_xlabel("d")
    ax[-1].set_ylabel(f"n* (mean test error ≤ {TARGET})")
    ax[-1].set_title("sample complexity n*(d)")
    ax[-1].legend(fontsize=8)
    plots.save(fig, fig_dir, "thm21")
    an.figures.append(("Test error against n per d (bands: min–max over trials), and n*(d) on log-log axes",
                       "thm21"))
    an.tables.append(("Sample complexity n*(d)", "\n".join(summary_rows)))

    nn_slope, nn_ci, _ = slopes["nn_test_error"]
    an.claims.append(Claim("The regularized net needs O(d) samples", SOURCE, "log-log slope of n*(d), network",
                           nn_slope, _verdict_at_most(nn_slope, nn_ci, 1.5),
                           f"95% bootstrap interval [{nn_ci[0]:.3g}, {nn_ci[1]:.3g}]; supported when the "
                           "interval lies below 1.5 (between the predicted 1 and 2)"))
    for metric, label in (("ntk_best_test_error", "NTK"), ("relu_best_test_error", "ReLU-feature kernel")):
        slope, ci, ns = slopes[metric]
        censored = [d for d in dims if not math.isfinite(ns[d])]
        if censored:
            an.claims.append(Claim(f"Kernel predictors ({label}) need Ω(d²) samples", SOURCE,
                                   "log-log slope of n*(d)", "n* beyond the grid for d = "
                                   + ", ".join(map(str, censored)), "inconclusive",
                                   "the n grid does not reach test error 0.1 at every d, so the slope "
                                   "cannot be fitted; the largest d are consistent with super-linear growth"))
        else:
            an.claims.append(Claim(f"Kernel predictors ({label}) need Ω(d²) samples", SOURCE,
                                   "log-log slope of n*(d)", slope, _verdict_at_least(slope, ci, 1.5),
                                   f"95% bootstrap interval [{ci[0]:.3g}, {ci[1]:.3g}]; supported when the "
                                   "interval lies above 1.5"))
    # Ω(1) error for n ≤ d²/c: the kernels' best error at the largest n ≤ d²/4 on the grid.
    rows = []
    for d in dims:
        small = [n for n in tab[d] if n <= d * d / 4]
        if small:
            n = max(small)
            rows.append((d, n, float(np.nanmean(tab[d][n]["ntk_best_test_error"])),
                         float(np.nanmean(tab[d][n]["nn_test_error"]))))
    if rows:
        worst = min(r[2] for r in rows)
        an.claims.append(Claim("Kernels have Ω(1) test error when n ≪ d², where the net is already accurate",
                               SOURCE, "smallest NTK best test error at n ≤ d²/4 (net's error there)",
                               worst, "supported" if worst >= 0.1 and all(r[3] < r[2] for r in rows)
                               else "not supported",
                               "; ".join(f"d={d}, n={n}: NTK {k:.3f}, net {m:.3f}" for d, n, k, m in rows)))
    return an


def _verdict_at_most(slope, ci, bound):
    if not math.isfinite(slope):
        return "not measured"
    if math.isfinite(ci[1]) and ci[1] < bound:
        return "supported"
    return "inconclusive" if slope < bound else "not supported"


def _verdict_at_least(slope, ci, bound):
    if not math.isfinite(slope):
        return "not measured"
    if math.isfinite(ci[0]) and ci[0] > bound:
        return "supported"
    return "inconclusive" if slope > bound else "not supported"
