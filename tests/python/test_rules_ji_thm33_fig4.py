"""Issue 20: every evidence claim of ji-alignment, ji-rate, ji-ntk, thm33 and fig4 can come out
supported, not supported and inconclusive; each sanity check supported and not supported.
Synthetic records (tests/python/synthetic.py) are built to land on each outcome."""
import math

import pytest

from synthetic import analyze, claim, run, verdict

from marginlab.analyses import fig4, ji_alignment, ji_ntk, ji_rate, thm33

S, NS, INC = "supported", "not supported", "inconclusive"


# --------------------------------------------------------------------------- ji-alignment

ALIGN = "The gradient aligns"
PSI = "The smoothed margin ψ"
DIRECTION = "The parameters converge in direction"
STEPS = [2 ** k for k in range(19)]  # 1 … 2^18


def align_run(depth, trial, mis_slope=-0.2, cos_final=0.8, change_slope=-0.3, psi_drop=0.0, fitted=True):
    """A run whose misalignment 1 − cos and directional change are power laws in t, whose
    margin and ψ turn positive at t = 16 (never, when not fitted); psi_drop: a relative decrease
    of ψ between the last two logged steps."""
    c_mis = (1 - cos_final) / STEPS[-1] ** mis_slope
    align = [1 - c_mis * t ** mis_slope for t in STEPS]
    change = [math.nan] + [0.05 * t ** change_slope for t in STEPS[1:]]
    sign = 1 if fitted else -1
    margin = [(-0.01 if t < 16 else sign * 0.001 * math.log(t)) for t in STEPS]
    psi = [(-0.02 if t < 16 else sign * 0.0005 * math.log(t)) for t in STEPS]
    if psi_drop:
        psi[-1] = psi[-2] * (1 - psi_drop)
    return run({"depth": depth}, {"alignment": align[-1]},
               {"alignment": (STEPS, align), "direction_change": (STEPS, change),
                "margin": (STEPS, margin), "smoothed_margin": (STEPS, psi)}, trial=trial)


def align_runs(trials=3, depths=(2, 3), **kw):
    """kw values may be callables of (depth, trial) to vary a run."""
    out = []
    for q in depths:
        for k in range(trials):
            out.append(align_run(q, k, **{a: (v(q, k) if callable(v) else v) for a, v in kw.items()}))
    return out


def jitter(base, step=0.01):
    return lambda q, k: base + step * (k - 1)


def test_alignment_supported_when_misalignment_shrinks(tmp_path):
    an = analyze(ji_alignment, "ji-alignment", align_runs(mis_slope=jitter(-0.2)), tmp_path)
    assert verdict(an, ALIGN) == S


def test_alignment_supported_when_every_run_ends_aligned(tmp_path):
    an = analyze(ji_alignment, "ji-alignment", align_runs(mis_slope=jitter(0.0), cos_final=0.99), tmp_path)
    assert verdict(an, ALIGN) == S


def test_alignment_not_supported_when_misalignment_grows(tmp_path):
    slope = lambda q, k: 0.1 + 0.01 * k if q == 3 else -0.2  # noqa: E731
    an = analyze(ji_alignment, "ji-alignment", align_runs(mis_slope=slope, cos_final=0.5), tmp_path)
    assert verdict(an, ALIGN) == NS


def test_alignment_inconclusive_when_trend_straddles_zero_or_few_trials(tmp_path):
    an = analyze(ji_alignment, "ji-alignment", align_runs(mis_slope=jitter(0.0, 0.05), cos_final=0.5), tmp_path)
    assert verdict(an, ALIGN) == INC
    an = analyze(ji_alignment, "ji-alignment", align_runs(trials=2, mis_slope=jitter(-0.2)), tmp_path)
    assert verdict(an, ALIGN) == INC


def test_psi_supported_rounding_ignored(tmp_path):
    an = analyze(ji_alignment, "ji-alignment", align_runs(), tmp_path)
    assert verdict(an, PSI) == S
    an = analyze(ji_alignment, "ji-alignment", align_runs(psi_drop=1e-13), tmp_path)
    assert verdict(an, PSI) == S


def test_psi_not_supported_on_a_decrease(tmp_path):
    drop = lambda q, k: 1e-3 if (q, k) == (3, 1) else 0.0  # noqa: E731
    an = analyze(ji_alignment, "ji-alignment", align_runs(psi_drop=drop), tmp_path)
    assert verdict(an, PSI) == NS
    assert claim(an, PSI).value == 1


def test_psi_inconclusive_few_trials_or_never_fitted(tmp_path):
    an = analyze(ji_alignment, "ji-alignment", align_runs(trials=2), tmp_path)
    assert verdict(an, PSI) == INC
    fitted = lambda q, k: q == 2  # noqa: E731
    an = analyze(ji_alignment, "ji-alignment", align_runs(fitted=fitted), tmp_path)
    assert verdict(an, PSI) == INC


def test_direction_three_outcomes(tmp_path):
    an = analyze(ji_alignment, "ji-alignment", align_runs(change_slope=jitter(-0.3)), tmp_path)
    assert verdict(an, DIRECTION) == S
    an = analyze(ji_alignment, "ji-alignment", align_runs(change_slope=jitter(0.2)), tmp_path)
    assert verdict(an, DIRECTION) == NS
    an = analyze(ji_alignment, "ji-alignment", align_runs(change_slope=jitter(0.0, 0.05)), tmp_path)
    assert verdict(an, DIRECTION) == INC
    an = analyze(ji_alignment, "ji-alignment", align_runs(trials=2, change_slope=jitter(-0.3)), tmp_path)
    assert verdict(an, DIRECTION) == INC


# --------------------------------------------------------------------------- ji-rate

BOUND = "γ_t ≥ γ − (ln n + 1)/(γ t)"
NGD = "Normalized GD maximizes"
GD = "With a constant step"
DUAL = "The dual iterates"
RSTEPS = sorted({int(round(10 ** (k / 8))) for k in range(41)})  # 1 … 10^5, log-spaced
GAMMA = 0.08


def rate_run(opt, trial, K=1.0, a=1.0, excess=1e-7, gamma_hi=None):
    """Gap γ − γ_t = K / t^a; dual g(q_T) = (1 + excess) γ²/2."""
    margin = [GAMMA - K / t ** a for t in RSTEPS]
    return run({"optimizer": opt},
               {"gamma_star": GAMMA, "gamma_star_upper": gamma_hi or GAMMA + 1e-15, "n": 100,
                "dual_objective": (1 + excess) * GAMMA ** 2 / 2, "dual_optimum": GAMMA ** 2 / 2},
               {"margin": (RSTEPS, margin)}, trial=trial)


def rate_runs(trials=3, ngd=None, gd=None):
    """ngd / gd: per-trial keyword dicts (callables of the trial) for the two optimizers."""
    out = []
    for k in range(trials):
        out.append(rate_run("normalized-gd", k, **{a: (v(k) if callable(v) else v) for a, v in (ngd or {}).items()}))
        out.append(rate_run("gd", k, **{a: (v(k) if callable(v) else v) for a, v in (gd or {}).items()}))
    return out


# The bound is (ln 100 + 1)/(γ t) ≈ 70/t: a gap of 1/t satisfies it, 100/t violates it.
def test_rate_bound_three_outcomes(tmp_path):
    an = analyze(ji_rate, "ji-rate", rate_runs(), tmp_path)
    assert verdict(an, BOUND) == S
    an = analyze(ji_rate, "ji-rate", rate_runs(ngd={"K": lambda k: 100.0 if k == 2 else 1.0}), tmp_path)
    assert verdict(an, BOUND) == NS
    an = analyze(ji_rate, "ji-rate", rate_runs(trials=2), tmp_path)
    assert verdict(an, BOUND) == INC
    # γ's bracket straddles: the bound holds at γ_lo but not at γ_hi.
    an = analyze(ji_rate, "ji-rate", rate_runs(ngd={"K": 35.0, "gamma_hi": GAMMA + 1e-3}), tmp_path)
    assert verdict(an, BOUND) == INC


def test_rate_ngd_slope_three_outcomes(tmp_path):
    an = analyze(ji_rate, "ji-rate", rate_runs(ngd={"a": lambda k: 1.0 + 0.02 * k}), tmp_path)
    assert verdict(an, NGD) == S
    an = analyze(ji_rate, "ji-rate", rate_runs(ngd={"a": lambda k: 0.5 + 0.02 * k}), tmp_path)
    assert verdict(an, NGD) == NS
    an = analyze(ji_rate, "ji-rate", rate_runs(ngd={"a": lambda k: 0.7 + 0.1 * k}), tmp_path)
    assert verdict(an, NGD) == INC
    an = analyze(ji_rate, "ji-rate", rate_runs(trials=2, ngd={"a": 1.0}), tmp_path)
    assert verdict(an, NGD) == INC


def test_rate_gd_slope_three_outcomes(tmp_path):
    an = analyze(ji_rate, "ji-rate", rate_runs(gd={"K": 0.05, "a": lambda k: 0.1 + 0.02 * k}), tmp_path)
    assert verdict(an, GD) == S
    an = analyze(ji_rate, "ji-rate", rate_runs(gd={"a": lambda k: 1.0 + 0.02 * k}), tmp_path)
    assert verdict(an, GD) == NS
    an = analyze(ji_rate, "ji-rate", rate_runs(gd={"K": 0.05, "a": lambda k: 0.4 + 0.1 * k}), tmp_path)
    assert verdict(an, GD) == INC
    # No resolvable gap in the last decade: too few steps to measure a slope.
    an = analyze(ji_rate, "ji-rate", rate_runs(gd={"K": 1e-20}), tmp_path)
    assert verdict(an, GD) == INC


def test_rate_dual_three_outcomes(tmp_path):
    an = analyze(ji_rate, "ji-rate", rate_runs(), tmp_path)
    assert verdict(an, DUAL) == S
    # A negative excess is impossible (γ²/2 is the minimum of g): not supported.
    an = analyze(ji_rate, "ji-rate", rate_runs(ngd={"excess": lambda k: -1e-6 if k == 0 else 1e-7}), tmp_path)
    assert verdict(an, DUAL) == NS
    an = analyze(ji_rate, "ji-rate", rate_runs(ngd={"excess": lambda k: 0.1 + 0.01 * k}), tmp_path)
    assert verdict(an, DUAL) == NS
    an = analyze(ji_rate, "ji-rate", rate_runs(ngd={"excess": lambda k: 0.05 if k == 0 else 1e-7}), tmp_path)
    assert verdict(an, DUAL) == INC
    an = analyze(ji_rate, "ji-rate", rate_runs(trials=2), tmp_path)
    assert verdict(an, DUAL) == INC
    # Rounding below 1e-9 is not a violation.
    an = analyze(ji_rate, "ji-rate", rate_runs(ngd={"excess": -1e-12}), tmp_path)
    assert verdict(an, DUAL) == S


# --------------------------------------------------------------------------- ji-ntk

RATE = "GD on the squared loss"
LAZY = "The hidden weights move"
MARGIN = "The NTK separation margin"
WIDTHS, DIMS = (256, 1024, 4096), (4, 8, 12)
NSTEPS = list(range(0, 2001, 100))
LAM0, NTRAIN = 0.064, 64  # lr = 1: Ji's η = 2, bound (1 − 2·0.064/128)^t = 0.999^t


def ntk_runs(trials=3, decay=0.99, lazy_slope=-0.5, margin_exp=1.0, margin_se=1e-4):
    """decay, lazy_slope, margin_exp: values or callables of the trial."""
    val = lambda v, k: v(k) if callable(v) else v  # noqa: E731
    out = []
    for k in range(trials):
        for m in WIDTHS:
            for d in DIMS:
                loss = [0.5 * val(decay, k) ** t for t in NSTEPS]
                out.append(run({"width": m, "_d": d, "lr": 1.0},
                               {"lambda0": LAM0, "n": NTRAIN, "lazy_distance": 10 * m ** val(lazy_slope, k),
                                "ntk_margin": 0.6 / d ** val(margin_exp, k), "ntk_margin_se": margin_se},
                               {"data_loss": (NSTEPS, loss)}, trial=k))
    return out


def test_ntk_rate_three_outcomes(tmp_path):
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(), tmp_path)
    assert verdict(an, RATE) == S
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(decay=lambda k: 0.99 if k == 0 else 0.9995), tmp_path)
    assert verdict(an, RATE) == NS
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(decay=lambda k: 0.9995 if k == 0 else 0.99), tmp_path)
    assert verdict(an, RATE) == INC
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(trials=2), tmp_path)
    assert verdict(an, RATE) == INC


def test_ntk_rate_uses_eta_twice_lr(tmp_path):
    """marginlab's loss is the mean of (f − y)², twice Ji's (1/2n)Σ(f − y)²: Ji's η is 2·lr, and the
    bound is (1 − lr·λ₀/n)^t = 0.999^t here. A decay of 0.9993 per step meets the bound read with
    η = lr (0.9995^t) but not the right one."""
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(decay=0.9993), tmp_path)
    assert verdict(an, RATE) == NS


def test_ntk_lazy_three_outcomes(tmp_path):
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(lazy_slope=lambda k: -0.5 + 0.02 * (k - 1)), tmp_path)
    assert verdict(an, LAZY) == S
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(lazy_slope=lambda k: -1.0 + 0.02 * (k - 1)), tmp_path)
    assert verdict(an, LAZY) == NS
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(lazy_slope=lambda k: -0.05 + 0.02 * (k - 1)), tmp_path)
    assert verdict(an, LAZY) == NS
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(lazy_slope=lambda k: -0.65 + 0.1 * (k - 1)), tmp_path)
    assert verdict(an, LAZY) == INC
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(trials=2), tmp_path)
    assert verdict(an, LAZY) == INC


def test_ntk_margin_three_outcomes(tmp_path):
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(margin_exp=lambda k: 1.0 + 0.01 * k), tmp_path)
    assert verdict(an, MARGIN) == S
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(margin_exp=lambda k: 2.0 + 0.01 * k), tmp_path)
    assert verdict(an, MARGIN) == NS
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(margin_exp=lambda k: 1.1 + 0.05 * (k - 1)), tmp_path)
    assert verdict(an, MARGIN) == INC
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(trials=2), tmp_path)
    assert verdict(an, MARGIN) == INC


def test_ntk_margin_interval_carries_monte_carlo_error(tmp_path):
    """One trial, identical slopes: only the Monte-Carlo error can widen the interval; a large
    standard error must make a slope of −1.3 inconclusive, a small one not supported."""
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(trials=1, margin_exp=1.3, margin_se=1e-5), tmp_path)
    assert verdict(an, MARGIN) == NS
    an = analyze(ji_ntk, "ji-ntk", ntk_runs(trials=1, margin_exp=1.3, margin_se=0.03), tmp_path)
    assert verdict(an, MARGIN) == INC


# --------------------------------------------------------------------------- thm33

REACH = "With a small σ > 0"
STALL = "Without noise (σ = 0)"
LARGE = "The noise rate must be small"
TIME = "The time to reach ε"
MASS = "The perturbed dynamics conserve"
L_STAR = 0.5
EPSILONS = [10.0 ** -k for k in range(1, 7)]


def flow_run(sigma, trial, gap, time_exp=1.0, levels=6, mass_error=1e-15, certified=1):
    """A Dirac-start run with best gap `gap` (against a bracket [L*, L* + 1e-9]); time to each of
    the first `levels` ε levels 10·(1/ε)^time_exp (when the gap reaches it)."""
    finals = {"best_gap": gap, "best": L_STAR + gap, "reference_lower": L_STAR, "reference_upper": L_STAR + 1e-9,
              "reference_certified": certified, "steps_done": 1000, "mass_error": mass_error}
    for j, e in enumerate(EPSILONS):
        key = f"time_to_1e-{j + 1}"
        finals[key] = 10 * (1 / e) ** time_exp * (1 + 0.01 * trial) if j < levels and gap <= e else None
    trace = {"time": ([0, 1, 2], [0.0, 0.2, 0.4]), "gap": ([0, 1, 2], [1.0, 0.5, gap]),
             "min_first_variation": ([0, 1, 2], [-1.0, -0.5, -0.1])}
    return run({"data": "xor:d=2,n=4", "init": "point", "sigma": sigma, "eta": 0.2}, finals, trace, trial=trial)


def flow_runs(trials=3, gaps=None, **kw):
    """gaps: {σ: gap or callable of the trial}; kw passed to flow_run (values or callables)."""
    gaps = gaps or {0.0: 1.0, 1e-4: 1e-6, 1e-2: 3e-3}
    out = []
    for s, g in gaps.items():
        for k in range(trials):
            out.append(flow_run(s, k, g(k) if callable(g) else g,
                                **{a: (v(s, k) if callable(v) else v) for a, v in kw.items()}))
    return out


def test_thm33_reach_three_outcomes(tmp_path):
    an = analyze(thm33, "thm33", flow_runs(), tmp_path)
    assert verdict(an, REACH) == S
    an = analyze(thm33, "thm33", flow_runs(gaps={0.0: 1.0, 1e-4: 0.1, 1e-2: 0.2}), tmp_path)
    assert verdict(an, REACH) == NS
    an = analyze(thm33, "thm33", flow_runs(gaps={0.0: 1.0, 1e-4: lambda k: 0.1 if k == 0 else 1e-6,
                                                 1e-2: 3e-3}), tmp_path)
    assert verdict(an, REACH) == INC
    an = analyze(thm33, "thm33", flow_runs(trials=2), tmp_path)
    assert verdict(an, REACH) == INC
    an = analyze(thm33, "thm33", flow_runs(certified=0), tmp_path)
    assert verdict(an, REACH) == INC


def test_thm33_stall_three_outcomes(tmp_path):
    an = analyze(thm33, "thm33", flow_runs(), tmp_path)
    assert verdict(an, STALL) == S
    an = analyze(thm33, "thm33", flow_runs(gaps={0.0: 1e-5, 1e-4: 1e-6, 1e-2: 3e-3}), tmp_path)
    assert verdict(an, STALL) == NS
    an = analyze(thm33, "thm33", flow_runs(gaps={0.0: lambda k: 1e-5 if k == 0 else 1.0, 1e-4: 1e-6,
                                                 1e-2: 3e-3}), tmp_path)
    assert verdict(an, STALL) == INC
    an = analyze(thm33, "thm33", flow_runs(trials=2), tmp_path)
    assert verdict(an, STALL) == INC


def test_thm33_large_sigma_three_outcomes(tmp_path):
    an = analyze(thm33, "thm33", flow_runs(), tmp_path)
    assert verdict(an, LARGE) == S
    # The largest σ reaches ε as well as the small ones, every trial: not supported.
    an = analyze(thm33, "thm33", flow_runs(gaps={0.0: 1.0, 1e-4: 1e-6, 1e-2: 7e-4}), tmp_path)
    assert verdict(an, LARGE) == NS
    an = analyze(thm33, "thm33", flow_runs(gaps={0.0: 1.0, 1e-4: 1e-6, 1e-2: lambda k: 7e-4 if k else 3e-3}),
                 tmp_path)
    assert verdict(an, LARGE) == INC
    an = analyze(thm33, "thm33", flow_runs(trials=2), tmp_path)
    assert verdict(an, LARGE) == INC


def test_thm33_time_three_outcomes(tmp_path):
    an = analyze(thm33, "thm33", flow_runs(), tmp_path)
    assert verdict(an, TIME) == S
    an = analyze(thm33, "thm33", flow_runs(time_exp=5.0), tmp_path)
    assert verdict(an, TIME) == NS
    an = analyze(thm33, "thm33", flow_runs(time_exp=lambda s, k: 3.5 + 0.5 * k), tmp_path)
    assert verdict(an, TIME) == INC
    an = analyze(thm33, "thm33", flow_runs(levels=2), tmp_path)
    assert verdict(an, TIME) == INC
    an = analyze(thm33, "thm33", flow_runs(trials=2), tmp_path)
    assert verdict(an, TIME) == INC


def test_thm33_mass_is_a_sanity_check(tmp_path):
    an = analyze(thm33, "thm33", flow_runs(), tmp_path)
    assert verdict(an, MASS) == S and claim(an, MASS).kind == "sanity check"
    an = analyze(thm33, "thm33", flow_runs(mass_error=lambda s, k: 1e-9 if k == 1 else 1e-15), tmp_path)
    assert verdict(an, MASS) == NS
    assert all(c.kind == "evidence" for c in an.claims if not c.claim.startswith(MASS))


# --------------------------------------------------------------------------- fig4

CLS = "Two-layer nets outperform the kernel method in test error"
REG = "Two-layer nets outperform the kernel method in test mse"
FIG4_NS = (25, 50, 100, 200, 400)


def fig4_runs(trials=5, diff=-0.02, spread=0.0, ns=FIG4_NS, base=0.1):
    """Paired runs of both tasks: net = base + diff + spread·(trial − centre), kernel = base."""
    out = []
    for task, metric, b in (("classification", "error", base), ("regression", "mse", base / 10)):
        for n in ns:
            for k in range(trials):
                d = (diff + spread * (k - (trials - 1) / 2)) * (1 if metric == "error" else 0.1)
                out.append(run({"_task": task, "_n": n,
                                "test_data": f"teacher:d=20,k=6,n=1000,task={task},margin=0,seed={k},sample=1"},
                               {f"nn_test_{metric}": b + d, f"relu_best_test_{metric}": b}, trial=k))
    return out


@pytest.mark.parametrize("prefix", [CLS, REG])
def test_fig4_three_outcomes(tmp_path, prefix):
    an = analyze(fig4, "fig4", fig4_runs(spread=0.002), tmp_path)
    assert verdict(an, prefix) == S
    an = analyze(fig4, "fig4", fig4_runs(diff=0.02, spread=0.002), tmp_path)
    assert verdict(an, prefix) == NS
    an = analyze(fig4, "fig4", fig4_runs(diff=0.0, spread=0.01), tmp_path)
    assert verdict(an, prefix) == INC
    an = analyze(fig4, "fig4", fig4_runs(trials=2, spread=0.002), tmp_path)
    assert verdict(an, prefix) == INC


def test_fig4_single_trial_carries_test_set_error(tmp_path):
    """One trial per point: the interval is the test-set sampling error (n_test = 1000). A 0.005
    difference in 0-1 error is within it (inconclusive); 0.05 is not (not supported)."""
    an = analyze(fig4, "fig4", fig4_runs(trials=1, diff=0.005), tmp_path)
    assert verdict(an, CLS) == INC
    assert "test-set sampling error" in claim(an, CLS).detail
    an = analyze(fig4, "fig4", fig4_runs(trials=1, diff=0.05), tmp_path)
    assert verdict(an, CLS) == NS
    an = analyze(fig4, "fig4", fig4_runs(trials=1, diff=-0.05), tmp_path)
    assert verdict(an, CLS) == INC  # never supported from one trial


# --------------------------------------------------------------------------- all claims

def test_every_claim_has_a_kind_and_evidence_claims_are_covered(tmp_path):
    """The prefixes tested above cover every claim each analysis emits."""
    cases = [(ji_alignment, "ji-alignment", align_runs(), {ALIGN, PSI, DIRECTION}),
             (ji_rate, "ji-rate", rate_runs(), {BOUND, NGD, GD, DUAL}),
             (ji_ntk, "ji-ntk", ntk_runs(), {RATE, LAZY, MARGIN}),
             (thm33, "thm33", flow_runs(), {REACH, STALL, LARGE, TIME, MASS}),
             (fig4, "fig4", fig4_runs(), {CLS, REG})]
    for module, name, runs, prefixes in cases:
        an = analyze(module, name, runs, tmp_path)
        for c in an.claims:
            assert any(c.claim.startswith(p) for p in prefixes), (name, c.claim)
        assert len(an.claims) == len(prefixes), (name, [c.claim for c in an.claims])
