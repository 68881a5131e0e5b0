"""thm21 — Wei et al. 2019, Theorem 2.1, judged on the theorem's own objects.

The theorem is about Θ_λ, the GLOBAL minimizer of the regularized objective (its O(d) sample
complexity, via Thm C.2 / Prop. D.1), and about EVERY kernel predictor f = Σ β_i K(·, x_i)
(Ω(1) test error while n ≤ d²/c). Per trial the run stores GD's net, Θ_λ of the same objective
and the max-margin net (the λ → 0 limit, Thm 4.1) — all on the same data — and the kernels' best
learned predictor plus a test-label oracle β. Claims:
  - Θ_λ needs O(d) samples: log-log slope of n*(d) (mean test error ≤ 0.1, interpolated on
    log n), bootstrap interval over trials;
  - kernels need Ω(d²) samples: the same slope for the best learned kernel predictor;
  - every β keeps Ω(1) error at n ≤ d²/4: the test-label oracle's error, with trials and
    test-set sampling error;
  - at n ≤ d²/4 Θ_λ beats the best kernel predictor: paired differences;
  - GD reaches Θ_λ: the objective ratio L(GD) / L(Θ_λ) per (d, n) — GD's agreement with the
    theorem's object is a claim of its own, not a premise.
Prop. D.1's margin bound (its unstated constant set to 1, δ = 0.05) is tabulated beside Θ_λ's
measured test error."""
import math
import warnings

import numpy as np

from .. import plots, stats
from ..report import Analysis, Claim
from . import _optimum

SOURCE = "Wei et al. 2019, Thm 2.1 / Section 2"
TARGET = 0.1
SLOPE_SPLIT = 1.5      # halfway between the O(d) slope 1 and the Ω(d²) slope 2 (log-log)
DELTA = 0.05           # Prop. D.1's failure probability in the tabulated bound
METHODS = (("opt_test_error", "Θ_λ (global optimum)", plots.COLORS[3], "-"),
           ("mm_test_error", "max-margin net (λ → 0)", plots.COLORS[4], "--"),
           ("nn_test_error", "GD net (3000 steps)", plots.COLORS[0], "-"),
           ("ntk_best_test_error", "NTK (best predictor)", plots.COLORS[1], "-"),
           ("relu_best_test_error", "ReLU-feature kernel (best)", plots.COLORS[2], "-"))
ORACLES = (("ntk_oracle_test_error", "NTK, β fitted to test labels"),
           ("relu_oracle_test_error", "ReLU kernel, β fitted to test labels"))


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
    """{d: {n: [runs]}}"""
    out = {}
    for r in res.done():
        out.setdefault(int(r.params["_d"]), {}).setdefault(int(r.params["_n"]), []).append(r)
    return out


def _values(runs, metric):
    return np.asarray([r.final(metric) for r in runs], float)


def _arrays(tab, metric):
    """{d: (ns, values)}: the grid points where the metric was measured and a trials × points
    array (row t: trial t, ordered by trial index; NaN where a trial lacks the point)."""
    out = {}
    for d, cells in sorted(tab.items()):
        ns = [n for n in sorted(cells) if np.isfinite(_values(cells[n], metric)).any()]
        trials = sorted({r.trial for n in ns for r in cells[n]})
        a = np.full((len(trials), len(ns)), np.nan)
        for j, n in enumerate(ns):
            for r in cells[n]:
                a[trials.index(r.trial), j] = r.final(metric)
        out[d] = (ns, a)
    return out


def nstar_by_d(arrays, idx=None):
    res = {}
    for d, (ns, a) in arrays.items():
        rows = a if idx is None else a[idx % len(a)]
        res[d] = n_star(ns, list(np.nanmean(rows, axis=0))) if ns else math.nan
    return res


def slope_with_ci(tab, metric, n_boot=1000):
    """n*(d), the log-log slope of n*(d), and a bootstrap interval over trials (trial t is
    resampled as a whole: the same trial's data at every (d, n))."""
    arrays = _arrays(tab, metric)
    ns = nstar_by_d(arrays)
    ds = [d for d in ns if math.isfinite(ns[d])]
    point = stats.loglog_slope(ds, [ns[d] for d in ds]) if len(ds) >= 2 else math.nan
    trials = min((len(a) for _, a in arrays.values()), default=0)
    rng = np.random.default_rng(stats.RNG_SEED)
    boots = []
    for _ in range(n_boot if trials else 0):
        nb = nstar_by_d(arrays, rng.integers(0, trials, size=trials))
        dd = [d for d in nb if math.isfinite(nb[d])]
        if len(dd) == len(ns) and len(dd) >= 2:
            boots.append(stats.loglog_slope(dd, [nb[d] for d in dd]))
    ci = tuple(np.quantile(boots, [0.025, 0.975])) if len(boots) > 20 else (math.nan, math.nan)
    return ns, point, ci, trials


def censored(tab, ns):
    """The d whose n* is not measured: beyond the grid (inf), or already met at the grid's
    smallest n (n* ≤ that n, so the slope from it would be biased low)."""
    return [d for d, v in ns.items() if not math.isfinite(v) or v <= min(tab[d])]


def slope_verdict(slope, ci, ns, direction, trials, tab):
    """direction −1: the claim is 'slope below SLOPE_SPLIT' (O(d)); +1: 'above' (Ω(d²))."""
    if censored(tab, ns):
        return "inconclusive"  # n* outside the grid somewhere: the slope is censored
    if not math.isfinite(slope):
        return "not measured"
    return stats.verdict_interval(ci[0], ci[1], SLOPE_SPLIT, direction, trials)


def prop_d1_bound(margin, c, n, delta=DELTA):
    """Prop. D.1 for q = 2 with its unstated constant set to 1:
    C/(γ √2 √n) + sqrt(log log2(4C/γ) / n) + sqrt(log(1/δ) / n)."""
    if not (margin > 0 and math.isfinite(margin)):
        return math.inf
    return (c / (margin * math.sqrt(2 * n)) + math.sqrt(max(math.log(max(math.log2(4 * c / margin), 1.0)), 0.0) / n)
            + math.sqrt(math.log(1 / delta) / n))


def _interval_with_test_noise(values, n_test):
    """Mean and 95% interval of test error rates over trials, widened by the test-set sampling
    error (binomial, n_test examples) — both sources of noise at a point."""
    v = stats.finite(values)
    if v.size == 0:
        return math.nan, (math.nan, math.nan)
    rng = np.random.default_rng(stats.RNG_SEED)
    boots = []
    for _ in range(2000):
        s = v[rng.integers(0, v.size, size=v.size)]
        boots.append((rng.binomial(n_test, np.clip(s, 0, 1)) / n_test).mean())
    lo, hi = np.quantile(boots, [0.025, 0.975])
    return float(v.mean()), (float(lo), float(hi))


def analyze(res, fig_dir):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN cells (a method absent at a point)
        return _analyze(res, fig_dir)


def _analyze(res, fig_dir):
    an = Analysis()
    tab = table(res)
    dims = sorted(tab)
    first = next(iter(tab[dims[0]].values()))[0]
    n_test = int(float(first.params.get("_n_test", 2000)))
    have = {m for m, *_ in METHODS if any(np.isfinite(r.final(m)) for c in tab.values() for rs in c.values() for r in rs)}
    methods = [m for m in METHODS if m[0] in have]

    # Figure: one panel per d (test error against n), then n*(d), GD's objective ratio, D.1.
    fig, axes = plots.grid(2, max(len(dims), 3))
    for i, d in enumerate(dims):
        ax = axes[0][i]
        ns = sorted(tab[d])
        for metric, label, color, ls in methods:
            vals = [_values(tab[d][n], metric) for n in ns]
            ax.plot(ns, [np.nanmean(v) for v in vals], "o" + ls, color=color, label=label, ms=3)
            ax.fill_between(ns, [np.nanmin(v) for v in vals], [np.nanmax(v) for v in vals], color=color,
                            alpha=0.12, lw=0)
        for metric, label in ORACLES[:1]:
            pts = [(n, np.nanmean(_values(tab[d][n], metric))) for n in ns]
            pts = [(n, e) for n, e in pts if math.isfinite(e)]
            if pts:
                ax.plot([n for n, _ in pts], [e for _, e in pts], ":", color=plots.COLORS[1], lw=1.2,
                        label="NTK, any β (fit to test labels)")
        ax.axhline(TARGET, color="gray", ls=":", lw=1)
        ax.axvline(d * d / 4, color="gray", ls="--", lw=1)
        ax.set_xscale("log")
        ax.set_title(f"d = {d} (dashed: n = d²/4)")
        ax.set_xlabel("training examples n")
        ax.set_ylabel("test error")
        if i == 0:
            ax.legend(fontsize=7)
    for j in range(len(dims), len(axes[0])):
        axes[0][j].axis("off")

    summary_rows = ["| method | " + " | ".join(f"n*(d={d})" for d in dims) + " | slope | 95% interval |",
                    "|---|" + "---|" * (len(dims) + 2)]
    slopes = {}
    ax = axes[1][0]
    for metric, label, color, ls in methods:
        ns, slope, ci, trials = slope_with_ci(tab, metric)
        slopes[metric] = (slope, ci, ns, trials)
        finite = [d for d in dims if math.isfinite(ns[d])]
        ax.plot(finite, [ns[d] for d in finite], "o" + ls, color=color, label=f"{label}: {slope:.2f}")
        summary_rows.append(f"| {label} | " + " | ".join(f"{ns[d]:.0f}" if math.isfinite(ns[d]) else "> grid"
                                                         for d in dims)
                            + f" | {slope:.3g} | [{ci[0]:.3g}, {ci[1]:.3g}] |")
    ax.set_xscale("log")
    ax.set_yscale("log")
    plots.label_log_xticks(ax, dims)
    ax.set_xlabel("d")
    ax.set_ylabel(f"n* (mean test error ≤ {TARGET})")
    ax.set_title("sample complexity n*(d) (legend: log-log slope)")
    ax.legend(fontsize=7)

    # GD against Θ_λ: objective ratio per (d, n).
    ax = axes[1][1]
    any_ratio = False
    for i, d in enumerate(dims):
        pts = []
        for n in sorted(tab[d]):
            up = [r.final("net_objective") / r.final("opt_objective") for r in tab[d][n]]
            if np.isfinite(up).any():
                pts.append((n, float(np.nanmean(up))))
        any_ratio = any_ratio or bool(pts)
        if pts:
            ax.plot([n for n, _ in pts], [v for _, v in pts], "o-", color=plots.COLORS[i % len(plots.COLORS)],
                    label=f"d = {d}", ms=3)
    ax.axhline(_optimum.GD_TOLERANCE, color="gray", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("training examples n")
    ax.set_ylabel("L(GD net) / L(Θ_λ)")
    ax.set_title("GD's objective relative to the optimum")
    if any_ratio:
        ax.legend(fontsize=7)

    # Prop. D.1 beside Θ_λ's measured test error.
    ax = axes[1][2]
    d1_rows = ["| d | n | Θ_λ margin γ | Prop. D.1 expression | Θ_λ test error | GD test error |", "|---|---|---|---|---|---|"]
    for i, d in enumerate(dims):
        pts = []
        for n in sorted(tab[d]):
            runs = tab[d][n]
            c = max(r.final("max_input_norm") for r in runs)
            margins = [r.final("opt_margin") for r in runs]
            if not np.isfinite(margins).any():
                continue
            bound = float(np.nanmean([prop_d1_bound(m, c, n) for m in margins]))
            err = float(np.nanmean(_values(runs, "opt_test_error")))
            pts.append((n, bound, err))
            d1_rows.append(f"| {d} | {n} | {np.nanmean(margins):.4g} | {bound:.3g} | {err:.3g} | "
                           f"{np.nanmean(_values(runs, 'nn_test_error')):.3g} |")
        if pts:
            color = plots.COLORS[i % len(plots.COLORS)]
            ax.plot([p[0] for p in pts], [min(p[1], 10) for p in pts], "--", color=color, lw=1)
            ax.plot([p[0] for p in pts], [max(p[2], 1e-4) for p in pts], "o-", color=color, ms=3, label=f"d = {d}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("training examples n")
    ax.set_title("Θ_λ test error (solid), Prop. D.1 (dashed)")
    ax.set_ylabel("test error (0 drawn at 1e-4) / bound")
    ax.legend(fontsize=7)
    for j in range(3, len(axes[1])):
        axes[1][j].axis("off")
    plots.save(fig, fig_dir, "thm21")
    an.figures.append(("Top: test error against n per d for Θ_λ (the global optimum), the max-margin net, GD's "
                       "net and the kernels' best predictors, with the NTK's test-label oracle (dotted); bands "
                       "min–max over trials. Bottom: n*(d) on log-log axes, GD's objective relative to Θ_λ, and "
                       "Θ_λ's test error against Prop. D.1's expression", "thm21"))
    an.tables.append(("Sample complexity n*(d)", "\n".join(summary_rows)))
    an.tables.append(("Prop. D.1 (constant 1, δ = 0.05) beside the measured test error", "\n".join(d1_rows)))

    # 1. O(d) for Θ_λ (the theorem's object).
    if "opt_test_error" in slopes:
        slope, ci, ns, trials = slopes["opt_test_error"]
        certified = all(r.final("opt_certified") == 1 for c in tab.values() for rs in c.values() for r in rs)
        an.claims.append(Claim(
            "The regularized objective's global minimizer Θ_λ needs O(d) samples", SOURCE,
            "log-log slope of n*(d), Θ_λ", slope, slope_verdict(slope, ci, ns, -1, trials, tab),
            f"95% bootstrap interval over {trials} trials [{ci[0]:.3g}, {ci[1]:.3g}]; supported when the interval "
            f"lies below {SLOPE_SPLIT} (halfway between O(d) and the kernels' d²), not supported when above, "
            "inconclusive when it straddles or n* is outside the grid (d = "
            + (", ".join(map(str, censored(tab, ns))) or "none") + "); Θ_λ is "
            + ("certified" if certified else "column generation's best measure (heuristic oracle: its objective is "
               "attained, its optimality an estimate)")
            + "; GD's own slope: " + (f"{slopes['nn_test_error'][0]:.3g}" if "nn_test_error" in slopes else "n/a")))
    # 2. Ω(d²) for the kernels' learned predictors.
    for metric, label in (("ntk_best_test_error", "NTK"), ("relu_best_test_error", "ReLU-feature kernel")):
        if metric not in slopes:
            continue
        slope, ci, ns, trials = slopes[metric]
        cens = censored(tab, ns)
        an.claims.append(Claim(
            f"Kernel predictors ({label}) need Ω(d²) samples", SOURCE, "log-log slope of n*(d)",
            slope if not cens else "n* outside the grid for d = " + ", ".join(map(str, cens)),
            slope_verdict(slope, ci, ns, +1, trials, tab),
            f"95% bootstrap interval [{ci[0]:.3g}, {ci[1]:.3g}] over {trials} trials; supported when it lies above "
            f"{SLOPE_SPLIT}, not supported when below; best of interpolation, ridge path and SVM chosen on the test "
            "set (favours the kernels)"))
    # 3. Every β: the oracle at n ≤ d²/4.
    rows, worst = [], None
    for d in dims:
        small = [n for n in tab[d] if n <= d * d / 4 and any(np.isfinite(_values(tab[d][n], m)).any() for m, _ in ORACLES)]
        if not small:
            continue
        n = max(small)
        runs = tab[d][n]
        best = np.nanmin([_values(runs, m) for m, _ in ORACLES], axis=0)  # the better kernel, per trial
        mean, (lo, hi) = _interval_with_test_noise(best, n_test)
        rows.append((d, n, mean, lo, hi, len(stats.finite(best))))
        if worst is None or mean < worst[2]:
            worst = rows[-1]
    if worst:
        d, n, mean, lo, hi, trials = worst
        an.claims.append(Claim(
            "Every kernel predictor (any β in the span of the training kernel columns) keeps Ω(1) test error at n ≤ d²/4",
            SOURCE, f"smallest test error of β fitted to the TEST labels at the largest n ≤ d²/4 (d = {d}, n = {n})",
            mean, stats.verdict_interval(lo, hi, TARGET, +1, trials),
            f"95% interval [{lo:.3g}, {hi:.3g}] (trials and test-set sampling, {n_test} examples); Ω(1) read as "
            f"≥ {TARGET}; supported when the interval lies above it, not supported when below. The oracle favours the "
            "kernels (it sees the test labels), so its error estimates the best β from above. Per d: "
            + "; ".join(f"d={a}, n={b}: {m:.3f}" for a, b, m, *_ in rows)))
    # 4. Θ_λ more accurate than the kernels at n ≤ d²/4.
    diffs, cells = [], []
    for d in dims:
        for n in sorted(tab[d]):
            if n > d * d / 4:
                continue
            for r in tab[d][n]:
                k = np.nanmin([r.final("ntk_best_test_error"), r.final("relu_best_test_error")])
                diffs.append(r.final("opt_test_error") - k)
            cells.append((d, n))
    if diffs and np.isfinite(diffs).any():
        m, ci, v = stats.verdict_less(diffs)
        an.claims.append(Claim(
            "Where n ≤ d²/4, Θ_λ is more accurate than the best kernel predictor", SOURCE,
            "mean paired difference Θ_λ − best kernel in test error, n ≤ d²/4", m, v,
            f"95% t interval [{ci[0]:.3g}, {ci[1]:.3g}] over {len(stats.finite(diffs))} (trial, d, n) pairs "
            f"at {len(cells)} grid points"))
    # 5. GD reaches Θ_λ.
    groups = {(d, n): tab[d][n] for d in dims for n in sorted(tab[d])}
    verdict, rows = _optimum.gd_reaches(groups)
    if rows:
        worst = max(rows, key=lambda r: r[1])
        an.claims.append(Claim(
            "GD (the protocol's steps) reaches the theorem's object Θ_λ", "Wei et al. 2019, Thm 2.1 (proof via Thm C.2)",
            "largest mean objective ratio L(GD net) / L(Θ_λ) over (d, n)", worst[1], verdict,
            f"worst at d = {worst[0][0]}, n = {worst[0][1]}; " + _optimum.gd_detail(rows)))
    return an
