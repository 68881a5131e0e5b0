"""The perturbed Wasserstein gradient flow of Wei et al. §3 (eq. 3.2) on particles:

    r = flow(X, y, lambda_=2e-4, eta=0.01, sigma=1e-3, steps=10000, seed=0)
    r["trace"]        # one dict per logged step: objective, gap, min_first_variation, mass, …
    r["reference"]    # L* = inf L[ρ] bracketed by the global optimum (when available)
    r["weights"]      # the final measure as a two-layer network [W1, W2]

The flow's objective sums the loss (L[ρ] = Σ_i ℓ + λ_sum ∫‖θ‖²dρ, Example 3.2): lambda_ is the
module's mean-loss λ, run as λ_sum = n·λ; lambda_sum gives λ_sum itself (the CLI's meanfield
--lambda). A diverged flow raises marginlab.FailedRunError.
"""
from ._api.meanfield import flow

__all__ = ["flow"]
