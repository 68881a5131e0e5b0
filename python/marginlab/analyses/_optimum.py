"""GD against the theorem's object: the stored Θ_λ of each trained net (experiment/reference.hpp:
net_objective, opt_objective, opt_lower, opt_certified, opt_margin, opt_test_error) and the
max-margin net (mm_*). Shared by every analysis that judges GD's agreement with Θ_λ."""
import math

from .. import stats

GD_TOLERANCE = 1.05  # "GD reaches Θ_λ": its objective within 5% of the optimum


def has_optimum(runs):
    return any(math.isfinite(r.final("opt_objective")) for r in runs)


def gd_reaches(groups, tolerance=GD_TOLERANCE):
    """Per group of trials (a sweep point): the mean objective ratio L(GD)/L(Θ_λ) to the ATTAINED
    optimum (≥ 1 means GD is provably above the global minimum by that factor) and to the lower
    bracket end (a bound when certified, else an estimate). A point is 'not reached' when the
    95% t interval of the first ratio lies above `tolerance`, 'reached' when the interval of
    the second lies at or below it, undecided otherwise. Returns (verdict, rows) with rows
    (key, mean ratio to attained, mean ratio to lower, point verdict, certified, trials)."""
    rows = []
    for key, runs in groups.items():
        up = [r.final("net_objective") / r.final("opt_objective") for r in runs]
        lo = [r.final("net_objective") / r.final("opt_lower") for r in runs]
        if not stats.finite(up).size:
            continue
        m_up, (lo_up, _) = stats.mean_ci(up)
        m_lo, (_, hi_lo) = stats.mean_ci(lo)
        v = "not reached" if lo_up > tolerance else "reached" if hi_lo <= tolerance else "undecided"
        rows.append((key, m_up, m_lo, v, all(r.final("opt_certified") == 1 for r in runs), len(stats.finite(up))))
    if not rows:
        return "not measured", rows
    trials = min(r[5] for r in rows)
    verdicts = [r[3] for r in rows]
    if "not reached" in verdicts:
        return "not supported", rows
    if "undecided" in verdicts or trials < stats.MIN_TRIALS:
        return "inconclusive", rows
    return "supported", rows


def gd_detail(rows, tolerance=GD_TOLERANCE):
    certified = all(r[4] for r in rows)
    return (f"per point, not reached when the whole 95% interval of L(GD)/L(Θ_λ attained) is above {tolerance} "
            f"(GD provably above the optimum), reached when L(GD)/(lower end) is at most {tolerance} over the "
            f"interval; {sum(r[3] == 'not reached' for r in rows)} of {len(rows)} points not reached, "
            f"{sum(r[3] == 'reached' for r in rows)} reached; Θ_λ's lower end is "
            + ("certified" if certified else "an estimate at some points (heuristic oracle)")
            + ". This judges the optimizer, not the theorem")
