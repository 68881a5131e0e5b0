"""
the perturbed Wasserstein gradient flow
"""
from __future__ import annotations
import typing
__all__: list[str] = ['flow']
def flow(*args, **kwargs) -> typing.Any:
    """
    Runs the perturbed Wasserstein gradient flow (Wei et al. eq. 3.2) of a measure over neurons.
    
    ρ over θ = (w, u) on L[ρ] = Σ_i log(1 + e^{−y_i f_ρ(x_i)}) + λ_sum ∫‖θ‖²dρ, as
    `marginlab meanfield` does. λ: give lambda_ (the mean-loss λ of the module, run as λ_sum =
    n·λ) or lambda_sum (the flow's own, the CLI's --lambda). The reported objective values are the
    summed L[ρ]. A diverged flow raises marginlab.FailedRunError.
    
    Parameters
    ----------
    X : ArrayLike
        n x d inputs
    y : ArrayLike
        n labels in {-1, +1}
    lambda_ : float | None, default None
        λ of the mean-loss objective (1/n) Σ ℓ + λ∫‖θ‖²dρ, run as λ_sum = n·λ (give
        this or lambda_sum)
    eta : float, default 0.01
        step size η
    sigma : float, default 0.0
        noise rate σ of eq. 3.2 (0 = plain particle gradient descent)
    temperature : float, default 0.0
        Langevin temperature τ (0 = off)
    steps : int, default 10000
        step budget
    injection : Literal['append', 'redraw'], default 'append'
        append | redraw (append: K new particles per step, pruning; redraw: a fixed count)
    inject : int, default 1
        append: particles injected per step (K)
    budget : int, default 2000
        append: maximum particle count
    protect : int, default 0
        append: steps a new particle is safe from pruning (0 = ceil(1/eta))
    init : Literal['sphere', 'point', 'cone'], default 'sphere'
        start (point: a Dirac mass, one neuron): sphere | point | cone
    particles : int, default 1000
        initial particle count M
    init_radius : float, default 1.0
        initial ‖θ‖ of every particle
    cone_angle : float, default 0.3
        cone start: half-angle in radians
    seed : int, default 0
        random seed
    threads : int, default 0
        threads, 0 = the global setting (results do not depend on it)
    log_points : int, default 50
        logged steps besides 0 and the last
    log_spacing : Literal['log', 'linear'], default 'log'
        log | linear
    oracle : Literal['auto', 'exact', 'bnb', 'ascent', 'none'], default 'auto'
        diagnostics: auto | exact | bnb | ascent | none (ascent: uncertified)
    reference : Literal['auto', 'global', 'none'], default 'auto'
        L*: auto | global | none
    target_gap : float, default 0.0
        stop when L - L*_lower <= this (0 = off)
    time_limit : float, default 0.0
        wall-clock budget in seconds (0 = off)
    lambda_sum : float | None, default None
        λ_sum of the summed objective L[ρ] (the CLI's meanfield --lambda)
    progress : bool, default False
        show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then
    callback : Callable[[dict[str, Any]], bool | None] | None, default None
        called with a dict at each logged step (step, total_steps and the record's values);
        returning False stops the computation early (termination 'stopped', with what it has so
        far); an exception it raises stops it and is re-raised
    
    Returns
    -------
    dict[str, Any]
        termination, message, seconds, steps, best, best_step, first_within_target, first_below,
        gap_levels, steps_per_second, mass_corrected, renormalized, particles, reference (L*'s
        bracket: available, lower, upper, certified, oracle) — the keys of `meanfield --json`'s
        summary — and trace (one dict per logged step), measure (w, U, mass of the final
        particles), weights and output_scale (the equivalent two-layer network), lambda_sum
    """
__signatures__: list = [{'name': 'flow', 'params': [{'name': 'X', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n x d inputs', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'y', 'annotation': 'ArrayLike', 'default': None, 'doc': 'n labels in {-1, +1}', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'lambda_', 'annotation': 'float | None', 'default': 'None', 'doc': 'λ of the mean-loss objective (1/n) Σ ℓ + λ∫‖θ‖²dρ, run as λ_sum = n·λ (give this or lambda_sum)', 'keyword_only': True, 'var_keyword': False, 'field': 'lambda'}, {'name': 'eta', 'annotation': 'float', 'default': '0.01', 'doc': 'step size η', 'keyword_only': True, 'var_keyword': False, 'field': 'eta'}, {'name': 'sigma', 'annotation': 'float', 'default': '0.0', 'doc': 'noise rate σ of eq. 3.2 (0 = plain particle gradient descent)', 'keyword_only': True, 'var_keyword': False, 'field': 'sigma'}, {'name': 'temperature', 'annotation': 'float', 'default': '0.0', 'doc': 'Langevin temperature τ (0 = off)', 'keyword_only': True, 'var_keyword': False, 'field': 'temperature'}, {'name': 'steps', 'annotation': 'int', 'default': '10000', 'doc': 'step budget', 'keyword_only': True, 'var_keyword': False, 'field': 'steps'}, {'name': 'injection', 'annotation': "Literal['append', 'redraw']", 'default': "'append'", 'doc': 'append | redraw (append: K new particles per step, pruning; redraw: a fixed count)', 'keyword_only': True, 'var_keyword': False, 'field': 'injection'}, {'name': 'inject', 'annotation': 'int', 'default': '1', 'doc': 'append: particles injected per step (K)', 'keyword_only': True, 'var_keyword': False, 'field': 'inject'}, {'name': 'budget', 'annotation': 'int', 'default': '2000', 'doc': 'append: maximum particle count', 'keyword_only': True, 'var_keyword': False, 'field': 'budget'}, {'name': 'protect', 'annotation': 'int', 'default': '0', 'doc': 'append: steps a new particle is safe from pruning (0 = ceil(1/eta))', 'keyword_only': True, 'var_keyword': False, 'field': 'protect'}, {'name': 'init', 'annotation': "Literal['sphere', 'point', 'cone']", 'default': "'sphere'", 'doc': 'start (point: a Dirac mass, one neuron): sphere | point | cone', 'keyword_only': True, 'var_keyword': False, 'field': 'init'}, {'name': 'particles', 'annotation': 'int', 'default': '1000', 'doc': 'initial particle count M', 'keyword_only': True, 'var_keyword': False, 'field': 'particles'}, {'name': 'init_radius', 'annotation': 'float', 'default': '1.0', 'doc': 'initial ‖θ‖ of every particle', 'keyword_only': True, 'var_keyword': False, 'field': 'init_radius'}, {'name': 'cone_angle', 'annotation': 'float', 'default': '0.3', 'doc': 'cone start: half-angle in radians', 'keyword_only': True, 'var_keyword': False, 'field': 'cone_angle'}, {'name': 'seed', 'annotation': 'int', 'default': '0', 'doc': 'random seed', 'keyword_only': True, 'var_keyword': False, 'field': 'seed'}, {'name': 'threads', 'annotation': 'int', 'default': '0', 'doc': 'threads, 0 = the global setting (results do not depend on it)', 'keyword_only': True, 'var_keyword': False, 'field': 'threads'}, {'name': 'log_points', 'annotation': 'int', 'default': '50', 'doc': 'logged steps besides 0 and the last', 'keyword_only': True, 'var_keyword': False, 'field': 'log_points'}, {'name': 'log_spacing', 'annotation': "Literal['log', 'linear']", 'default': "'log'", 'doc': 'log | linear', 'keyword_only': True, 'var_keyword': False, 'field': 'log_spacing'}, {'name': 'oracle', 'annotation': "Literal['auto', 'exact', 'bnb', 'ascent', 'none']", 'default': "'auto'", 'doc': 'diagnostics: auto | exact | bnb | ascent | none (ascent: uncertified)', 'keyword_only': True, 'var_keyword': False, 'field': 'oracle'}, {'name': 'reference', 'annotation': "Literal['auto', 'global', 'none']", 'default': "'auto'", 'doc': 'L*: auto | global | none', 'keyword_only': True, 'var_keyword': False, 'field': 'reference'}, {'name': 'target_gap', 'annotation': 'float', 'default': '0.0', 'doc': 'stop when L - L*_lower <= this (0 = off)', 'keyword_only': True, 'var_keyword': False, 'field': 'target_gap'}, {'name': 'time_limit', 'annotation': 'float', 'default': '0.0', 'doc': 'wall-clock budget in seconds (0 = off)', 'keyword_only': True, 'var_keyword': False, 'field': 'time_limit'}, {'name': 'lambda_sum', 'annotation': 'float | None', 'default': 'None', 'doc': "λ_sum of the summed objective L[ρ] (the CLI's meanfield --lambda)", 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'progress', 'annotation': 'bool', 'default': 'False', 'doc': 'show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then', 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'callback', 'annotation': 'Callable[[dict[str, Any]], bool | None] | None', 'default': 'None', 'doc': "called with a dict at each logged step (step, total_steps and the record's values); returning False stops the computation early (termination 'stopped', with what it has so far); an exception it raises stops it and is re-raised", 'keyword_only': True, 'var_keyword': False, 'field': ''}], 'returns': 'dict[str, Any]', 'doc': "Runs the perturbed Wasserstein gradient flow (Wei et al. eq. 3.2) of a measure over neurons.\n\nρ over θ = (w, u) on L[ρ] = Σ_i log(1 + e^{−y_i f_ρ(x_i)}) + λ_sum ∫‖θ‖²dρ, as\n`marginlab meanfield` does. λ: give lambda_ (the mean-loss λ of the module, run as λ_sum =\nn·λ) or lambda_sum (the flow's own, the CLI's --lambda). The reported objective values are the\nsummed L[ρ]. A diverged flow raises marginlab.FailedRunError.\n\nParameters\n----------\nX : ArrayLike\n    n x d inputs\ny : ArrayLike\n    n labels in {-1, +1}\nlambda_ : float | None, default None\n    λ of the mean-loss objective (1/n) Σ ℓ + λ∫‖θ‖²dρ, run as λ_sum = n·λ (give\n    this or lambda_sum)\neta : float, default 0.01\n    step size η\nsigma : float, default 0.0\n    noise rate σ of eq. 3.2 (0 = plain particle gradient descent)\ntemperature : float, default 0.0\n    Langevin temperature τ (0 = off)\nsteps : int, default 10000\n    step budget\ninjection : Literal['append', 'redraw'], default 'append'\n    append | redraw (append: K new particles per step, pruning; redraw: a fixed count)\ninject : int, default 1\n    append: particles injected per step (K)\nbudget : int, default 2000\n    append: maximum particle count\nprotect : int, default 0\n    append: steps a new particle is safe from pruning (0 = ceil(1/eta))\ninit : Literal['sphere', 'point', 'cone'], default 'sphere'\n    start (point: a Dirac mass, one neuron): sphere | point | cone\nparticles : int, default 1000\n    initial particle count M\ninit_radius : float, default 1.0\n    initial ‖θ‖ of every particle\ncone_angle : float, default 0.3\n    cone start: half-angle in radians\nseed : int, default 0\n    random seed\nthreads : int, default 0\n    threads, 0 = the global setting (results do not depend on it)\nlog_points : int, default 50\n    logged steps besides 0 and the last\nlog_spacing : Literal['log', 'linear'], default 'log'\n    log | linear\noracle : Literal['auto', 'exact', 'bnb', 'ascent', 'none'], default 'auto'\n    diagnostics: auto | exact | bnb | ascent | none (ascent: uncertified)\nreference : Literal['auto', 'global', 'none'], default 'auto'\n    L*: auto | global | none\ntarget_gap : float, default 0.0\n    stop when L - L*_lower <= this (0 = off)\ntime_limit : float, default 0.0\n    wall-clock budget in seconds (0 = off)\nlambda_sum : float | None, default None\n    λ_sum of the summed objective L[ρ] (the CLI's meanfield --lambda)\nprogress : bool, default False\n    show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then\ncallback : Callable[[dict[str, Any]], bool | None] | None, default None\n    called with a dict at each logged step (step, total_steps and the record's values);\n    returning False stops the computation early (termination 'stopped', with what it has so\n    far); an exception it raises stops it and is re-raised\n\nReturns\n-------\ndict[str, Any]\n    termination, message, seconds, steps, best, best_step, first_within_target, first_below,\n    gap_levels, steps_per_second, mass_corrected, renormalized, particles, reference (L*'s\n    bracket: available, lower, upper, certified, oracle) — the keys of `meanfield --json`'s\n    summary — and trace (one dict per logged step), measure (w, U, mass of the final\n    particles), weights and output_scale (the equivalent two-layer network), lambda_sum\n", 'observed': True}]
