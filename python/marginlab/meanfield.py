"""The perturbed Wasserstein gradient flow of Wei et al. §3 (eq. 3.2) on particles:

    r = flow(X, y, lambda_=1e-2, eta=0.01, sigma=1e-3, steps=10000, seed=0)
    r["trace"]        # one dict per logged step: objective, gap, min_first_variation, mass, …
    r["reference"]    # L* = inf L[ρ] bracketed by the global optimum (when available)
    r["weights"]      # the final measure as a two-layer network [W1, W2]

Keyword options are the CLI's `meanfield` flags and the TOML keys (FLOW_FIELDS). A diverged flow
raises marginlab.FailedRunError.
"""
from ._core import meanfield as _mf

FLOW_FIELDS = _mf.FLOW_FIELDS
flow = _mf.flow
