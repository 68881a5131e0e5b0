"""
the perturbed Wasserstein gradient flow
"""
from __future__ import annotations
import typing
__all__: list[str] = ['FLOW_FIELDS', 'flow']
def flow(X: typing.Any, y: typing.Any, **kwargs) -> dict:
    """
    Runs the perturbed Wasserstein gradient flow (Wei et al. eq. 3.2) of the measure ρ over
    neurons θ = (w, u) on L[ρ] = Σ_i log(1 + e^{−y_i f_ρ(x_i)}) + λ∫‖θ‖²dρ, as `marginlab
    meanfield` does. y in {-1, +1}. Returns a dict: trace (one dict per logged step), steps,
    best, reference (L*'s bracket), measure (w, U, mass of the final particles), weights and
    output_scale (the equivalent two-layer network), termination. A diverged flow raises
    FailedRunError. Keyword options:
        lambda (float, default 0.01): λ of V(θ) = λ‖θ‖² (R is the sum of logistic losses, Example 3.2)
        eta (float, default 0.01): step size η
        sigma (float, default 0): noise rate σ of eq. 3.2 (0 = plain particle gradient descent)
        temperature (float, default 0): Langevin temperature τ (0 = off)
        steps (int, default 10000): step budget
        injection (string, default append): append | redraw (append: K new particles per step, pruning; redraw: a fixed count)
        inject (int, default 1): append: particles injected per step (K)
        budget (int, default 2000): append: maximum particle count
        protect (int, default 0): append: steps a new particle is safe from pruning (0 = ceil(1/eta))
        init (string, default sphere): start (point: a Dirac mass, one neuron): sphere | point | cone
        particles (int, default 1000): initial particle count M
        init_radius (float, default 1): initial ‖θ‖ of every particle
        cone_angle (float, default 0.3): cone start: half-angle in radians
        seed (uint, default 0): random seed
        threads (int, default 0): threads, 0 = the global setting (results do not depend on it)
        log_points (int, default 50): logged steps besides 0 and the last
        log_spacing (string, default log): log | linear
        oracle (string, default auto): diagnostics: auto | exact | bnb | ascent | none (ascent: uncertified)
        reference (string, default auto): L*: auto | global | none
        target_gap (float, default 0): stop when L - L*_lower <= this (0 = off)
        time_limit (float, default 0): wall-clock budget in seconds (0 = off)
    """
FLOW_FIELDS: str = '    lambda (float, default 0.01): λ of V(θ) = λ‖θ‖² (R is the sum of logistic losses, Example 3.2)\n    eta (float, default 0.01): step size η\n    sigma (float, default 0): noise rate σ of eq. 3.2 (0 = plain particle gradient descent)\n    temperature (float, default 0): Langevin temperature τ (0 = off)\n    steps (int, default 10000): step budget\n    injection (string, default append): append | redraw (append: K new particles per step, pruning; redraw: a fixed count)\n    inject (int, default 1): append: particles injected per step (K)\n    budget (int, default 2000): append: maximum particle count\n    protect (int, default 0): append: steps a new particle is safe from pruning (0 = ceil(1/eta))\n    init (string, default sphere): start (point: a Dirac mass, one neuron): sphere | point | cone\n    particles (int, default 1000): initial particle count M\n    init_radius (float, default 1): initial ‖θ‖ of every particle\n    cone_angle (float, default 0.3): cone start: half-angle in radians\n    seed (uint, default 0): random seed\n    threads (int, default 0): threads, 0 = the global setting (results do not depend on it)\n    log_points (int, default 50): logged steps besides 0 and the last\n    log_spacing (string, default log): log | linear\n    oracle (string, default auto): diagnostics: auto | exact | bnb | ascent | none (ascent: uncertified)\n    reference (string, default auto): L*: auto | global | none\n    target_gap (float, default 0): stop when L - L*_lower <= this (0 = off)\n    time_limit (float, default 0): wall-clock budget in seconds (0 = off)\n'
