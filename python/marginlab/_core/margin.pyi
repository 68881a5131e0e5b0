"""
margins, the l1-SVM, certificates and global optima
"""
from __future__ import annotations
import collections.abc
import typing
__all__: list[str] = ['CERTIFY_FIELDS', 'certify', 'global_optimum', 'l1svm', 'normalized_margin']
def certify(weights: collections.abc.Sequence, X: typing.Any, y: typing.Any, output_scale: typing.SupportsFloat | typing.SupportsIndex = 1.0, **kwargs) -> dict:
    """
    How far the two-layer net is from the global minimum of L(Θ) = (1/n)Σ ℓ(y_i f(x_i)) + λ‖Θ‖²:
    a dual lower end of min L and the gap L(Θ) − that end. Certified (an exact or branch-and-
    bound oracle): keys lower_bound and gap; otherwise lower_estimate and gap_estimate, never
    called bounds. Also objective, data_loss, bracket, certified, oracle_mode, dual_scale.
    The `marginlab certify` numbers, bit for bit. Keyword options:
        loss (string, default logistic): data loss (mean over the examples): logistic | squared
        lambda (float, default 0.001): regularization λ of λ‖Θ‖²
        oracle (string, default auto): auto | exact | bnb | ascent (ascent: an estimate, not a bound)
        max_rounds (int, default 300): global optimum: column-generation rounds
        tolerance (float, default 1e-10): global optimum: relative gap that stops
        columns_per_round (int, default 8): global optimum: directions added per round
    """
def global_optimum(X: typing.Any, y: typing.Any, **kwargs) -> dict:
    """
    Θ_λ: the global minimum of L(Θ) over two-layer nets of any width (its convex measure
    formulation, by column generation): objective (min L's upper end, attained by the balanced
    network weights/output_scale), lower_bound (certified) or lower_estimate, bracket. Keyword options (as certify):
        loss (string, default logistic): data loss (mean over the examples): logistic | squared
        lambda (float, default 0.001): regularization λ of λ‖Θ‖²
        oracle (string, default auto): auto | exact | bnb | ascent (ascent: an estimate, not a bound)
        max_rounds (int, default 300): global optimum: column-generation rounds
        tolerance (float, default 1e-10): global optimum: relative gap that stops
        columns_per_round (int, default 8): global optimum: directions added per round
    """
def l1svm(X: typing.Any, y: typing.Any, **kwargs) -> dict:
    """
    The l1-SVM over ReLU features: γ* = max over ‖a‖₁ ≤ 1 of min_i y_i Σ_j a_j relu(ū_j·x_i), the
    max-margin two-layer net's normalized margin (times 2: Wei et al. Thm 3.3). gamma_lo is
    attained by the returned network; upper_bound (certified) or upper_estimate is the other end. Keyword options:
        max_rounds (int, default 500): column-generation rounds
        tolerance (float, default 1e-09): stop when γ_hi − γ_lo ≤ tolerance · max‖x_i‖
        columns_per_round (int, default 8): directions added per round (at most)
        initial_inputs (int, default 32): first columns: ±x̂_i of this many inputs, and ±e_k
        oracle (string, default auto): best-neuron (pricing) oracle: auto | exact | bnb | ascent (ascent: an estimate, not a bound)
    """
def normalized_margin(weights: collections.abc.Sequence, X: typing.Any, y: typing.Any, output_scale: typing.SupportsFloat | typing.SupportsIndex = 1.0) -> float:
    """
    γ(Θ) = min_i y_i f(x_i) / ‖Θ‖² of the two-layer net weights = [W1 (m x d), W2 (1 x m)]
    (Wei et al. §3; ‖Θ‖² = ‖W1‖²_F + ‖W2‖²).
    """
CERTIFY_FIELDS: str = '    loss (string, default logistic): data loss (mean over the examples): logistic | squared\n    lambda (float, default 0.001): regularization λ of λ‖Θ‖²\n    oracle (string, default auto): auto | exact | bnb | ascent (ascent: an estimate, not a bound)\n    max_rounds (int, default 300): global optimum: column-generation rounds\n    tolerance (float, default 1e-10): global optimum: relative gap that stops\n    columns_per_round (int, default 8): global optimum: directions added per round\n'
