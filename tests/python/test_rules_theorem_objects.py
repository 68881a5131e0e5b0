"""Claim rules judged on the theorems' own objects (issue 20): thm21, fig5, fig3 (width), fig2.
Each evidence claim is driven to supported, not supported and inconclusive by synthetic records;
each sanity check to supported and not supported. A rule that cannot reach an outcome fails."""
import math

import numpy as np
import pytest

from synthetic import analyze, claim, run, verdict
from marginlab.analyses import fig2, fig3_mnist, fig3_synthetic, fig5, thm21

# ---------------------------------------------------------------- thm21

DIMS = (8, 16, 32)
NS = [8 * 2 ** k for k in range(13)]  # 8 … 32768


def _curve(n, n0):
    """Test error falling from 0.5 to 0 around n0; equals 0.1 at n = √2·n0."""
    return 0.5 / (1 + (n / n0) ** 4)


def thm21_runs(p_opt=1.0, p_kernel=2.0, noise=0.05, trials=4, oracle=0.4, ratio=1.01, lower_ratio=1.0,
               opt_scale=1.0, oracle_per_trial=None, small_opt_per_trial=None):
    """Error curves with n*(d) ∝ d^p (trial noise: a log-normal factor); optionally the oracle's
    error per trial, and Θ_λ's error per trial at n ≤ d²/4 against kernels at 0.3 there."""
    rng = np.random.default_rng(1)
    runs = []
    for t in range(trials):
        z = rng.normal(size=3)
        for d in DIMS:
            for n in NS:
                n_opt = opt_scale * 2.0 * d ** p_opt * math.exp(noise * z[0])
                n_ker = 2.0 * d ** p_kernel * math.exp(noise * z[1])
                f = {"opt_test_error": _curve(n, n_opt), "mm_test_error": _curve(n, n_opt),
                     "nn_test_error": _curve(n, 2 * n_opt), "ntk_best_test_error": _curve(n, n_ker),
                     "relu_best_test_error": _curve(n, 0.8 * n_ker), "opt_margin": 0.12, "max_input_norm": math.sqrt(d),
                     "opt_objective": 0.01, "opt_lower": 0.01 / lower_ratio, "net_objective": 0.01 * ratio,
                     "opt_certified": 0.0}
                if small_opt_per_trial is not None and n <= d * d / 4:
                    f.update({"opt_test_error": small_opt_per_trial[t], "ntk_best_test_error": 0.3,
                              "relu_best_test_error": 0.3})
                if n <= 1000:
                    e = float(np.clip(oracle + noise * z[2], 0, 1))
                    if oracle_per_trial is not None:
                        e = oracle_per_trial[t]
                    f["ntk_oracle_test_error"] = e
                    f["relu_oracle_test_error"] = e
                runs.append(run({"_d": d, "_n": n, "_n_test": 2000}, f, trial=t))
    return runs


@pytest.mark.parametrize("p_opt, noise, expected", [(1.0, 0.05, "supported"), (2.0, 0.05, "not supported"),
                                                    (1.5, 0.6, "inconclusive")])
def test_thm21_optimum_needs_order_d_samples(tmp_path, p_opt, noise, expected):
    an = analyze(thm21, "thm21", thm21_runs(p_opt=p_opt, noise=noise), tmp_path)
    assert verdict(an, "The regularized objective's global minimizer") == expected


def test_thm21_censored_n_star_is_inconclusive(tmp_path):
    # Θ_λ already below 0.1 at the grid's smallest n: n* ≤ 8 is not measured, the slope is biased.
    an = analyze(thm21, "thm21", thm21_runs(opt_scale=0.01), tmp_path)
    assert verdict(an, "The regularized objective's global minimizer") == "inconclusive"


@pytest.mark.parametrize("p_kernel, noise, expected", [(2.0, 0.05, "supported"), (1.0, 0.05, "not supported"),
                                                       (1.5, 0.3, "inconclusive")])
def test_thm21_kernels_need_order_d_squared(tmp_path, p_kernel, noise, expected):
    an = analyze(thm21, "thm21", thm21_runs(p_kernel=p_kernel, noise=noise), tmp_path)
    assert verdict(an, "Kernel predictors (NTK) need") == expected


@pytest.mark.parametrize("per_trial, expected", [([0.4, 0.38, 0.42, 0.41], "supported"),
                                                 ([0.01, 0.02, 0.015, 0.01], "not supported"),
                                                 ([0.02, 0.18, 0.05, 0.15], "inconclusive")])
def test_thm21_every_beta_keeps_constant_error(tmp_path, per_trial, expected):
    an = analyze(thm21, "thm21", thm21_runs(oracle_per_trial=per_trial), tmp_path)
    assert verdict(an, "Every kernel predictor (any β") == expected


@pytest.mark.parametrize("per_trial, expected", [
    ([0.0, 0.01, 0.0, 0.02], "supported"),       # Θ_λ far ahead of the kernels' 0.3 below d²/4
    ([0.45, 0.4, 0.5, 0.42], "not supported"),   # the kernels ahead
    ([0.1, 0.45, 0.2, 0.35], "inconclusive")])   # Θ_λ slightly ahead on average, within the noise
def test_thm21_optimum_beats_kernels_below_d_squared(tmp_path, per_trial, expected):
    runs = thm21_runs(small_opt_per_trial=per_trial)
    an = analyze(thm21, "thm21", runs, tmp_path)
    assert verdict(an, "Where n ≤ d²/4, Θ_λ is more accurate") == expected


@pytest.mark.parametrize("ratio, lower_ratio, expected", [(1.01, 1.0, "supported"), (1.5, 1.0, "not supported"),
                                                          (1.03, 1.3, "inconclusive")])
def test_thm21_gd_reaches_the_optimum(tmp_path, ratio, lower_ratio, expected):
    an = analyze(thm21, "thm21", thm21_runs(ratio=ratio, lower_ratio=lower_ratio), tmp_path)
    assert verdict(an, "GD (the protocol's steps) reaches") == expected


def test_thm21_prop_d1_expression():
    # C/(γ√(2n)) + sqrt(log log2(4C/γ)/n) + sqrt(log(1/δ)/n) for C = 1, γ = 0.5, n = 100:
    expected = 1 / (0.5 * math.sqrt(200)) + math.sqrt(math.log(math.log2(8)) / 100) + math.sqrt(math.log(20) / 100)
    assert thm21.prop_d1_bound(0.5, 1.0, 100) == pytest.approx(expected, rel=1e-12)
    assert thm21.prop_d1_bound(0.0, 1.0, 100) == math.inf

# ---------------------------------------------------------------- fig5

TARGET = 0.01717
LAMS = [2.0 ** -k for k in (2, 6, 8, 10, 12, 14)]
NORMS = [0, 2.8, 50.45, 143.5, 227.7, 309.3]


def fig5_runs(margins, certified=1.0, dictionary=TARGET, hi=TARGET, trials=3, ratio=1.0):
    runs = []
    for t in range(trials):
        for lam, m, m2 in zip(LAMS, margins, NORMS):
            runs.append(run({"lambda": lam}, {
                "margin": m, "target": TARGET, "gamma_l1_lo": 2 * TARGET, "gamma_l1_hi": 2 * hi,
                "gamma_l1_dictionary": 2 * dictionary, "gamma_l1_certified": certified, "opt_margin": m,
                "opt_norm_sq": m2, "n": 8, "opt_certified": certified, "net_objective": 0.1 * ratio,
                "opt_objective": 0.1, "opt_lower": 0.1}, trial=t))
    return runs


GOOD = [math.nan, -0.147, 0.00781, 0.01499, 0.01588, 0.01623]


@pytest.mark.parametrize("margins, certified, expected", [
    (GOOD, 1.0, "supported"),
    ([math.nan, -0.1, 0.0160, 0.0150, 0.0120, 0.0100], 1.0, "not supported"),  # the shortfall grows
    ([math.nan, -0.1, 0.00781, 0.01499, 0.01450, 0.01623], 1.0, "inconclusive"),  # falls, not monotonically
    (GOOD, 0.0, "inconclusive")])  # Θ_λ not certified
def test_fig5_optimum_margin_tends_to_max_margin(tmp_path, margins, certified, expected):
    an = analyze(fig5, "fig5", fig5_runs(margins, certified), tmp_path)
    assert verdict(an, "As λ → 0 the normalized margin of the global optimum") == expected


def test_fig5_c1_floor_violation_is_not_supported(tmp_path):
    # A "global optimum" whose margin is below Thm C.1's floor cannot be the optimum.
    margins = [math.nan, -0.1, 0.00781, 0.01499, 0.01588, 0.0050]
    an = analyze(fig5, "fig5", fig5_runs(margins), tmp_path)
    assert verdict(an, "As λ → 0 the normalized margin of the global optimum") == "not supported"


def test_fig5_c1_floor_formula():
    # n·log(1 + e^{−M²γ*}) = log(1 + e^{−M²γ}) at the floor.
    m2, g, n = 300.0, 0.017, 8
    floor = fig5.c1_margin_floor(m2, g, n)
    assert n * math.log1p(math.exp(-m2 * g)) == pytest.approx(math.log1p(math.exp(-m2 * floor)), rel=1e-12)
    assert floor < g


@pytest.mark.parametrize("ratio, expected", [(1.0001, "supported"), (1.3, "not supported")])
def test_fig5_gd_reaches_the_optimum(tmp_path, ratio, expected):
    an = analyze(fig5, "fig5", fig5_runs(GOOD, ratio=ratio), tmp_path)
    assert verdict(an, "Gradient descent reaches Θ_λ") == expected


def test_fig5_gd_reaches_inconclusive_with_few_trials(tmp_path):
    an = analyze(fig5, "fig5", fig5_runs(GOOD, trials=2), tmp_path)
    assert verdict(an, "Gradient descent reaches Θ_λ") == "inconclusive"


@pytest.mark.parametrize("dictionary, hi, certified, expected", [
    (TARGET, TARGET, 1.0, "supported"), (0.99 * TARGET, TARGET, 1.0, "not supported"),
    (TARGET, 1.01 * TARGET, 0.0, "inconclusive")])
def test_fig5_dictionary_rule(tmp_path, dictionary, hi, certified, expected):
    an = analyze(fig5, "fig5", fig5_runs(GOOD, certified=certified, dictionary=dictionary, hi=hi), tmp_path)
    assert verdict(an, "1000 evenly spaced directions") == expected


def test_fig5_no_net_above_max_margin_is_a_sanity_check(tmp_path):
    an = analyze(fig5, "fig5", fig5_runs(GOOD), tmp_path)
    c = claim(an, "No network exceeds")
    assert c.kind == "sanity check" and c.verdict == "supported"
    bad = fig5_runs(GOOD[:-1] + [1.1 * TARGET])
    assert verdict(analyze(fig5, "fig5", bad, tmp_path), "No network exceeds") == "not supported"

# ---------------------------------------------------------------- fig3 (width)

WIDTHS = [16, 32, 64, 128, 256, 512]


def width_runs(err_slope=-0.02, err_noise=0.002, margins=None, margin_noise=1e-4, trials=5, n_test=2000,
               gamma=0.06, mm_certified=1.0):
    rng = np.random.default_rng(3)
    margins = margins or [0.05] * len(WIDTHS)
    runs = []
    for t in range(trials):
        for k, w in enumerate(WIDTHS):
            runs.append(run({"width": w}, {
                "train_error": 0.0, "test_error": max(0.2 + err_slope * k + err_noise * rng.normal(), 0.0),
                "margin": margins[k] + margin_noise * rng.normal(), "n_test": n_test, "mm_target": gamma,
                "mm_gamma_hi": 2 * gamma, "mm_certified": mm_certified, "mm_test_error": 0.05}, trial=t))
    return runs


@pytest.mark.parametrize("slope, noise, trials, n_test, expected", [
    (-0.02, 0.002, 5, 2000, "supported"), (0.02, 0.002, 5, 2000, "not supported"),
    (0.0, 0.002, 5, 2000, "inconclusive"),
    (-0.00145, 0.0, 1, 2000, "inconclusive")])  # one trial per width: the fig3-mnist case of the issue
def test_width_test_error_decreases(tmp_path, slope, noise, trials, n_test, expected):
    an = analyze(fig3_synthetic, "fig3-synthetic", width_runs(slope, noise, trials=trials, n_test=n_test), tmp_path)
    assert verdict(an, "Test error decreases") == expected


def test_width_one_trial_is_never_supported_even_with_a_clear_trend(tmp_path):
    an = analyze(fig3_mnist, "fig3-mnist", width_runs(-0.03, 0.0, trials=1), tmp_path)
    assert verdict(an, "Test error decreases") == "inconclusive"


@pytest.mark.parametrize("margins, noise, expected", [
    ([0.05] * 6, 1e-5, "supported"),                                 # flat: non-decreasing within noise
    ([0.02, 0.03, 0.04, 0.05, 0.05, 0.05], 1e-5, "supported"),       # rising, then flat (m ≥ n + 1)
    ([0.05, 0.05, 0.05, 0.04, 0.03, 0.02], 1e-5, "not supported"),   # a clear decrease
    ([0.05] * 6, 0.003, "inconclusive")])                            # too noisy to exclude a 2% decrease
def test_width_margin_non_decreasing(tmp_path, margins, noise, expected):
    an = analyze(fig3_synthetic, "fig3-synthetic", width_runs(margins=margins, margin_noise=noise), tmp_path)
    assert verdict(an, "The normalized margin is non-decreasing") == expected


def test_width_max_margin_sanity_check(tmp_path):
    an = analyze(fig3_synthetic, "fig3-synthetic", width_runs(gamma=0.06), tmp_path)
    c = claim(an, "No width's net exceeds")
    assert c.kind == "sanity check" and c.verdict == "supported"
    an = analyze(fig3_synthetic, "fig3-synthetic", width_runs(gamma=0.04), tmp_path)
    assert verdict(an, "No width's net exceeds") == "not supported"


def test_width_without_max_margin_says_so(tmp_path):
    runs = width_runs()
    for r in runs:
        for k in [k for k in r.finals if k.startswith("mm_")]:
            del r.finals[k]
    an = analyze(fig3_synthetic, "fig3-synthetic", runs, tmp_path)
    assert any("No max-margin reference" in n for n in an.notes)
    assert not [c for c in an.claims if c.claim.startswith("No width's net exceeds")]

# ---------------------------------------------------------------- fig2


def fig2_runs(first_zero_steps, trials=4, ratio=1.01, reg_minus_unreg=None):
    """`reg_minus_unreg` {metric: [paired difference per trial]} overrides the regularized run's
    final test_error / margin / pattern_change relative to the unregularized one's."""
    steps = [0, 10, 20, 30, 40, 60, 100, 197, 400]
    unreg_final = {"test_error": 0.15, "margin": 0.005, "pattern_change": 0.02}
    reg_final = {"test_error": 0.1, "margin": 0.01, "pattern_change": 0.1}
    runs = []
    for t in range(trials):
        for lam in (5e-4, 0.0):
            z = first_zero_steps[t % len(first_zero_steps)]
            err = [0.3 if s < z else 0.0 for s in steps]
            f = {"train_error": 0.0, "dist_init": 1.0, "norm": 10.0}
            for metric, base in unreg_final.items():
                diffs = (reg_minus_unreg or {}).get(metric)
                f[metric] = base if not lam else (base + diffs[t] if diffs is not None else reg_final[metric])
            if lam:
                f.update({"net_objective": 0.1 * ratio, "opt_objective": 0.1, "opt_lower": 0.1, "opt_certified": 0.0,
                          "opt_test_error": 0.08, "opt_margin": 0.012})
            else:
                f.update({"mm_target": 0.02, "mm_test_error": 0.09})
            trace = {"train_error": (steps, err), "test_error": (steps, [0.2] * len(steps)),
                     "margin": (steps, [0.0] * len(steps)), "pattern_change": (steps, [0.0] * len(steps))}
            runs.append(run({"lambda": lam, "width": 1000, "lr": 0.1, "steps": 400}, f, trace, trial=t))
    return runs


@pytest.mark.parametrize("zeros, trials, expected", [([40], 4, "supported"), ([197], 4, "not supported"),
                                                     ([60], 4, "inconclusive"), ([40], 2, "inconclusive")])
def test_fig2_zero_training_error_within_50_steps(tmp_path, zeros, trials, expected):
    an = analyze(fig2, "fig2", fig2_runs(zeros, trials), tmp_path)
    c = claim(an, "Training error hits 0 within 50 iterations")
    assert c.verdict == expected and "width 1000" in c.detail


@pytest.mark.parametrize("ratio, expected", [(1.01, "supported"), (1.5, "not supported")])
def test_fig2_regularized_run_reaches_the_optimum(tmp_path, ratio, expected):
    an = analyze(fig2, "fig2", fig2_runs([40], ratio=ratio), tmp_path)
    assert verdict(an, "The regularized run") == expected


def test_fig2_reaches_optimum_inconclusive_with_few_trials(tmp_path):
    an = analyze(fig2, "fig2", fig2_runs([40], trials=2), tmp_path)
    assert verdict(an, "The regularized run") == "inconclusive"


# Each paired comparison of Fig. 2 (reg − unreg) driven to all three outcomes: a consistent
# difference on the claim's side, a consistent one against it, and one whose sign flips by trial.
FIG2_PAIRED = {"An explicit regularizer improves generalization": ("test_error", -1),
               "An explicit regularizer improves the normalized margin": ("margin", +1),
               "Few activation patterns change without regularization": ("pattern_change", +1)}


@pytest.mark.parametrize("prefix", sorted(FIG2_PAIRED))
@pytest.mark.parametrize("diffs, expected", [([0.010, 0.012, 0.011, 0.009], "supported"),
                                             ([-0.010, -0.012, -0.011, -0.009], "not supported"),
                                             ([0.030, -0.020, 0.025, -0.015], "inconclusive")])
def test_fig2_paired_claims_reach_every_outcome(tmp_path, prefix, diffs, expected):
    metric, sign = FIG2_PAIRED[prefix]
    an = analyze(fig2, "fig2", fig2_runs([40], reg_minus_unreg={metric: [sign * d for d in diffs]}), tmp_path)
    assert verdict(an, prefix) == expected


def test_fig2_paired_claim_with_two_trials_is_never_supported(tmp_path):
    an = analyze(fig2, "fig2", fig2_runs([40], trials=2, reg_minus_unreg={"test_error": [-0.01, -0.011]}), tmp_path)
    assert verdict(an, "An explicit regularizer improves generalization") == "inconclusive"
