"""Margins and global optima of two-layer ReLU nets f(x) = s · W2 relu(W1 x):

    normalized_margin(W, X, y)        γ(Θ) = min_i y_i f(x_i) / ‖Θ‖²  (Wei et al. §3)
    certify(W, X, y, lambda_=…)       a duality-gap certificate: how far L(Θ) is from min L
    global_optimum(X, y, lambda_=…)   Θ_λ, the global minimizer over all widths (bracket + net)
    l1svm(X, y)                        the max-margin net and its l1-SVM margin γ* (bracketed)

y in {-1, +1}. `certified` says whether a bound is proven (exact or branch-and-bound oracle);
otherwise the value is an estimate, never a bound. Keyword options are the CLI's flags and the
TOML keys (CERTIFY_FIELDS; lambda is spelled lambda_). Results are bitwise the CLI's.
"""
from ._core import margin as _m

CERTIFY_FIELDS = _m.CERTIFY_FIELDS
normalized_margin = _m.normalized_margin
certify = _m.certify
global_optimum = _m.global_optimum
l1svm = _m.l1svm
