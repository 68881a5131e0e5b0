"""Margins and global optima of two-layer ReLU nets f(x) = s · W2 relu(W1 x):

    normalized_margin(net, X, y)       γ(Θ) = min_i y_i f(x_i) / ‖Θ‖²  (Wei et al. §3)
    certify(net, X, y)                 a duality-gap certificate: how far L(Θ) is from min L
    global_optimum(X, y, lambda_=…)    Θ_λ, the global minimizer over all widths (bracket + net)
    l1svm(X, y)                        the max-margin net and its l1-SVM margin γ_ℓ1 (bracketed)

y in {-1, +1}. A result's keys do not depend on certification: `lower`, `gap`, `upper` hold the
values and `certified` says whether they are proven bounds (exact or branch-and-bound oracle) or
estimates (ascent). λ (lambda_) is the λ of L(Θ) = (1/n) Σ ℓ + λ‖Θ‖²; certify takes a network's
own objective from a train() or load_network() dict. Results are bitwise the CLI's, with its
--json keys.
"""
from ._api.margin import certify, global_optimum, l1svm, normalized_margin

__all__ = ["normalized_margin", "certify", "global_optimum", "l1svm"]
