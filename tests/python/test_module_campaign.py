"""An adversarial campaign on every public function of `import marginlab as ml`, kept as tests.

The rule every case checks: a call either works (and then gives, bit for bit, what the same values
as a contiguous float64 array give) or raises TypeError / ValueError (marginlab.InputError is a
ValueError) whose message names the offending argument — never another exception, never a crash,
a hang or a huge allocation. The riskiest calls (sizes that must be refused before anything is
allocated, absurd thread counts) run in a child interpreter with a memory limit, so that a crash
or an allocation of gigabytes cannot take pytest down with it.

A case that shows a real defect stays here, marked xfail(strict=True) with "BUG: …" as its
reason (bug()): the fix turns it into an XPASS, which fails until the mark is removed. The 80 found
when the campaign was written are fixed; their cases stay as regression tests.
"""
import os
import re
import resource
import struct
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import marginlab as ml

D = ml.data.generate("wei-d", d=4, n=12, seed=3)
X, Y = D.X, D.y                                   # 12 x 4 inputs, labels -1/+1
K = ml.kernel.gram(X)
_rng = np.random.default_rng(7)
W1, W2 = _rng.standard_normal((3, 4)), _rng.standard_normal((1, 3))
W = [W1, W2]                                      # a two-layer net 4-3-1
NET = ml.nn.train(X, Y, width=3, steps=5, lambda_=1e-2, seed=1)[0]   # a train() trial dict
CLASSES = (np.arange(12) % 3).astype(float)       # class indices 0, 1, 2
ZERO_ONE = (Y > 0).astype(float)                  # 0/1 labels where -1/+1 are needed
REALS = Y * 0.5 + 0.1                             # real targets where classes are needed
HUGE = 10 ** 12                                   # rows of a broadcast view: ~8 TB as float64
_START_MAXRSS_MB = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bcast(shape, value=1.0):
    """A read-only view of one number with the given (huge) shape: nothing allocated."""
    return np.broadcast_to(np.full((1,) * len(shape), value), shape)


def named(msg, name):
    """Whether `name` (or, for lambda_, lambda) appears in msg as a word of its own."""
    for cand in {name, name.rstrip("_")}:
        if re.search(r"(?<![A-Za-z0-9_])" + re.escape(cand) + r"(?![A-Za-z0-9_])", msg):
            return True
    return False


def refused(call, names):
    """call() raises TypeError/ValueError naming one of `names`; any other exception propagates."""
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    msg = str(info.value)
    assert any(named(msg, n) for n in names), f"the message does not name {' or '.join(names)}: {msg!r}"


def bug(reason):
    """The marks of a case that shows a known defect (none open now)."""
    return pytest.mark.xfail(strict=True, reason="BUG: " + reason)


# ---- bit-for-bit comparison of results ------------------------------------------------------------

def _timing(key):
    return isinstance(key, str) and (key.endswith("seconds") or key.endswith("per_second"))


def canon(r):
    """A result as nested tuples of bytes: arrays by dtype, shape and C-order bytes, floats by
    their bits; wall-clock keys dropped."""
    if isinstance(r, dict):
        return tuple(sorted((k, canon(v)) for k, v in r.items() if not _timing(k)))
    if isinstance(r, (list, tuple)):
        return tuple(canon(v) for v in r)
    if type(r).__module__.startswith("torch"):
        r = r.detach().numpy()
    if isinstance(r, np.ndarray):
        return ("array", r.dtype.str, r.shape, np.ascontiguousarray(r).tobytes())
    if isinstance(r, (float, np.floating)):
        return ("float", struct.pack("<d", float(r)))
    if isinstance(r, str):                            # e.g. fit's solver: "coordinate_ascent 7.7e-06 s, …"
        return re.sub(r"[0-9][0-9.e+-]* s\b", "<time> s", r)
    return r


def same(a, b):
    return canon(a) == canon(b)


# ---- the tables of calls that must be refused, naming their argument -------------------------------
# Each entry: (id, call taking a scratch folder, names of which one must appear, the defect the case
# found when the campaign was written, or None). Every defect recorded here is fixed: the text stays as
# the case's history; a new open defect is marked with bug() where its table is turned into params.

def train(*a, **k):
    return ml.nn.train(*a, **{"width": 3, "steps": 3, **k})


def flow(*a, **k):
    return ml.meanfield.flow(*a, **{"lambda_": 1e-2, "steps": 3, "particles": 3, "oracle": "none",
                                    "reference": "none", **k})


DICT_AS_LIST = "a dict is taken as the list of its keys where a number is expected"
ZERO_D = "a 0-d numpy array where a number or list is expected raises 'iteration over a 0-d array', naming nothing"
NONE_IS_DEFAULT = "None for a typed (non-Optional) keyword silently means its default"
LABEL_MSG = ("labels of the wrong kind are refused in CLI words ('--loss logistic needs binary (±1) labels, but "
             "Python arrays has …'), never naming the argument y")

DATA = [
    ("generate n str", lambda t: ml.data.generate("wei-d", d=4, n="x"), ["n"], None),
    ("generate n None", lambda t: ml.data.generate("wei-d", d=4, n=None), ["n"], None),
    ("generate n empty dict", lambda t: ml.data.generate("wei-d", d=4, n={}), ["n"], None),
    ("generate n dict", lambda t: ml.data.generate("wei-d", d=4, n={12: "x"}), ["n"], DICT_AS_LIST),
    ("generate n set", lambda t: ml.data.generate("wei-d", d=4, n={12}), ["n"], DICT_AS_LIST + " (a set too)"),
    ("generate n bool", lambda t: ml.data.generate("wei-d", d=4, n=True), ["n"], None),
    ("generate n 1.5", lambda t: ml.data.generate("wei-d", d=4, n=1.5), ["n"], None),
    ("generate n nan", lambda t: ml.data.generate("wei-d", d=4, n=float("nan")), ["n"], None),
    ("generate n inf", lambda t: ml.data.generate("wei-d", d=4, n=float("inf")), ["n"], None),
    ("generate n negative", lambda t: ml.data.generate("wei-d", d=4, n=-3), ["n"], None),
    ("generate n 0", lambda t: ml.data.generate("wei-d", d=4, n=0), ["n"], None),
    ("generate n 10**12", lambda t: ml.data.generate("wei-d", d=4, n=HUGE), ["n"], None),
    ("generate n 10**30", lambda t: ml.data.generate("wei-d", d=4, n=10 ** 30), ["n"], None),
    ("generate n 2**64", lambda t: ml.data.generate("wei-d", d=4, n=2 ** 64), ["n"], None),
    ("generate n object", lambda t: ml.data.generate("wei-d", d=4, n=object()), ["n"], None),
    ("generate n complex", lambda t: ml.data.generate("wei-d", d=4, n=1j), ["n"], None),
    ("generate d 10**12", lambda t: ml.data.generate("wei-d", d=HUGE, n=2), ["d"], None),
    ("generate d list of str", lambda t: ml.data.generate("wei-d", d=["a"], n=12), ["d"], None),
    ("generate seed -1", lambda t: ml.data.generate("wei-d", d=4, n=12, seed=-1), ["seed"], None),
    ("generate seed 2**64", lambda t: ml.data.generate("wei-d", d=4, n=12, seed=2 ** 64), ["seed"], None),
    ("generate unknown keyword", lambda t: ml.data.generate("wei-d", d=4, n=12, bogus=1), ["bogus"], None),
    ("generate source None", lambda t: ml.data.generate(None), ["source"], None),
    ("generate source int", lambda t: ml.data.generate(5), ["source"], None),
    ("generate source unknown", lambda t: ml.data.generate("nope"), ["source"], None),
    ("generate a reader", lambda t: ml.data.generate("csv"), ["source"], None),
    ("load None", lambda t: ml.data.load(None), ["source"], None),
    ("load bytes", lambda t: ml.data.load(b"wei-d"), ["source"], None),
    ("load empty", lambda t: ml.data.load(""), ["source"], None),
    ("load missing file", lambda t: ml.data.load(t / "none.csv"), ["source"], None),
    ("load spec with keywords", lambda t: ml.data.load("wei-d:d=4", n=3), ["source"], None),
    ("load spec n 10**12", lambda t: ml.data.load("wei-d:d=4,n=1000000000000"), ["n"], None),
    ("load csv path None", lambda t: ml.data.load("csv", path=None), ["path"], None),
    ("load csv path missing", lambda t: ml.data.load("csv", path=str(t / "none.csv")), ["path", "none.csv"], None),
    ("sources with an argument", lambda t: ml.data.sources(1), ["sources"], None),
]

GRAM = [
    ("kernel int", lambda t: ml.kernel.gram(X, kernel=5), ["kernel"], None),
    ("kernel unknown", lambda t: ml.kernel.gram(X, kernel="rbf"), ["kernel"], None),
    ("kernel None", lambda t: ml.kernel.gram(X, kernel=None), ["kernel"], NONE_IS_DEFAULT),
    ("rw str", lambda t: ml.kernel.gram(X, rw="1"), ["rw"], None),
    ("rw bool", lambda t: ml.kernel.gram(X, rw=True), ["rw"], None),
    ("rw nan", lambda t: ml.kernel.gram(X, rw=float("nan")), ["rw"], None),
    ("rw inf", lambda t: ml.kernel.gram(X, rw=float("inf")), ["rw"], None),
    ("rw negative", lambda t: ml.kernel.gram(X, rw=-1.0), ["rw"], None),
    ("rw 10**400", lambda t: ml.kernel.gram(X, rw=10 ** 400), ["rw"], None),
    ("depth with ntk", lambda t: ml.kernel.gram(X, depth=3), ["depth"], None),
    ("deep depth 10**30", lambda t: ml.kernel.gram(X, kernel="deep-ntk", depth=10 ** 30), ["depth"], None),
    ("deep depth 0", lambda t: ml.kernel.gram(X, kernel="deep-ntk", depth=0), ["depth"], None),
    ("deep depth float", lambda t: ml.kernel.gram(X, kernel="deep-ntk", depth=2.0), ["depth"], None),
    ("deep width 0", lambda t: ml.kernel.gram(X, kernel="deep-ntk", parameterization="standard", width=0),
     ["width"], None),
    ("dtype numpy type", lambda t: ml.kernel.gram(X, dtype=np.float32), ["dtype"], None),
    ("dtype float16", lambda t: ml.kernel.gram(X, dtype="float16"), ["dtype"], None),
    ("Y columns", lambda t: ml.kernel.gram(X, X[:, :3]), ["Y"], None),
    ("Y columns float32", lambda t: ml.kernel.gram(X, X[:, :3], dtype="float32"), ["Y"], None),
    ("Y 1-D", lambda t: ml.kernel.gram(X, X[0]), ["Y"], None),
    ("Y str", lambda t: ml.kernel.gram(X, "abc"), ["Y"], None),
    ("Y nan", lambda t: ml.kernel.gram(X, np.full((2, 4), np.nan)), ["Y"], None),
    ("Y empty", lambda t: ml.kernel.gram(X, np.zeros((0, 4))), ["Y"], None),
    ("X inf", lambda t: ml.kernel.gram(np.where(X > 0, np.inf, X)), ["X"], None),
    ("X 0-d", lambda t: ml.kernel.gram(np.float64(1.0)), ["X"], None),
    ("X 3-d", lambda t: ml.kernel.gram(X[None]), ["X"], None),
    ("X dict", lambda t: ml.kernel.gram({"X": X}), ["X"], None),
    ("unknown keyword", lambda t: ml.kernel.gram(X, bogus=1), ["bogus"], None),
    ("X 10**12 rows", lambda t: ml.kernel.gram(bcast((HUGE, 4))), ["X"], None),
    ("X 10**10 columns", lambda t: ml.kernel.gram(bcast((2, 10 ** 10))), ["X"], None),
    ("Gram 10**6 x 10**6", lambda t: ml.kernel.gram(bcast((10 ** 6, 4))), ["X", "Gram"], None),
    ("float32 Gram 10**6 x 10**6", lambda t: ml.kernel.gram(bcast((10 ** 6, 4)), dtype="float32"),
     ["X", "Gram"], None),
    ("cross-Gram 10**6 x 10**6", lambda t: ml.kernel.gram(bcast((10 ** 6, 4)), bcast((10 ** 6, 4))),
     ["X", "Y", "Gram"], None),
]

_P = ml.kernel.RidgePath(K, Y)
RIDGE = [
    ("RidgePath K str", lambda t: ml.kernel.RidgePath("K", Y), ["K"], None),
    ("RidgePath K None", lambda t: ml.kernel.RidgePath(None, Y), ["K"], None),
    ("RidgePath K not square", lambda t: ml.kernel.RidgePath(K[:, :5], Y), ["K"], None),
    ("RidgePath K not symmetric", lambda t: ml.kernel.RidgePath(K + np.triu(np.ones_like(K)), Y), ["K"], None),
    ("RidgePath K nan", lambda t: ml.kernel.RidgePath(np.where(K > 1, np.nan, K), Y), ["K"], None),
    ("RidgePath K 3-d", lambda t: ml.kernel.RidgePath(K[None], Y), ["K"], None),
    ("RidgePath K 0-d", lambda t: ml.kernel.RidgePath(np.float64(1.0), Y), ["K"], None),
    ("RidgePath K 10**6 x 10**6", lambda t: ml.kernel.RidgePath(bcast((10 ** 6, 10 ** 6)), np.ones(3)), ["K"], None),
    ("RidgePath Y length", lambda t: ml.kernel.RidgePath(K, Y[:5]), ["Y"], None),
    ("RidgePath Y 3-d", lambda t: ml.kernel.RidgePath(K, Y[:, None, None]), ["Y"], None),
    ("RidgePath Y 0-d", lambda t: ml.kernel.RidgePath(K, np.float64(1.0)), ["Y"], None),
    ("RidgePath Y strings", lambda t: ml.kernel.RidgePath(K, ["a"] * 12), ["Y"], None),
    ("RidgePath Y ragged", lambda t: ml.kernel.RidgePath(K, [[1.0], [1.0, 2.0]]), ["Y"], None),
    ("RidgePath Y None", lambda t: ml.kernel.RidgePath(K, None), ["Y"], None),
    ("RidgePath Y 12 x 10**12", lambda t: ml.kernel.RidgePath(K, bcast((12, HUGE))), ["Y"], None),
    ("RidgePath rcond nan", lambda t: ml.kernel.RidgePath(K, Y, rcond=float("nan")), ["rcond"], None),
    ("RidgePath rcond str", lambda t: ml.kernel.RidgePath(K, Y, rcond="1"), ["rcond"], None),
    ("RidgePath rcond positional", lambda t: ml.kernel.RidgePath(K, Y, 1e-12), ["RidgePath"], None),
    ("coefficients lam keyword", lambda t: _P.coefficients(lam=1.0), ["lam"], None),
    ("coefficients no argument", lambda t: _P.coefficients(), ["lambda_"], None),
    ("ridge_solve lambda_ str", lambda t: ml.kernel.ridge_solve(K, Y, "1"), ["lambda_"], None),
    ("ridge_solve lambda_ None", lambda t: ml.kernel.ridge_solve(K, Y, None), ["lambda_"], None),
    ("ridge_solve lambda_ bool", lambda t: ml.kernel.ridge_solve(K, Y, True), ["lambda_"], None),
    ("ridge_solve lambda_ nan", lambda t: ml.kernel.ridge_solve(K, Y, float("nan")), ["lambda_"], None),
    ("ridge_solve lambda_ inf", lambda t: ml.kernel.ridge_solve(K, Y, float("inf")), ["lambda_"], None),
    ("ridge_solve lambda_ 0", lambda t: ml.kernel.ridge_solve(K, Y, 0.0), ["lambda_"], None),
    ("ridge_solve lambda_ missing", lambda t: ml.kernel.ridge_solve(K, Y), ["lambda_"], None),
    ("ridge_solve Y length", lambda t: ml.kernel.ridge_solve(K, Y[:3], 1.0), ["Y"], None),
    ("ridge_solve K not square", lambda t: ml.kernel.ridge_solve(K[:5], Y, 1.0), ["K"], None),
    ("ridge_solve K negative definite", lambda t: ml.kernel.ridge_solve(-K, Y, 1e-6), ["K"], None),
]
for _m in ("coefficients", "fitted", "rkhs_norm_squared"):
    for _label, _v in (("str", "1"), ("None", None), ("bool", True), ("nan", float("nan")), ("inf", float("inf")),
                       ("negative", -1.0), ("10**400", 10 ** 400), ("list", [1.0]), ("0-d array", np.array(1e-3))):
        RIDGE.append((f"{_m} {_label}", lambda t, m=_m, v=_v: getattr(_P, m)(v), ["lambda_"], None))
for _m in ("flow_coefficients", "flow_fitted"):
    for _label, _v in (("str", "1"), ("None", None), ("bool", True), ("nan", float("nan")), ("negative", -1.0),
                       ("10**400", 10 ** 400)):
        RIDGE.append((f"{_m} {_label}", lambda t, m=_m, v=_v: getattr(_P, m)(v), ["tau"], None))

FIT = [
    ("lambda_ dict", lambda t: ml.kernel.fit(X, Y, lambda_={1e-3: "x"}), ["lambda_"], DICT_AS_LIST),
    ("lambda_ empty list", lambda t: ml.kernel.fit(X, Y, lambda_=[]), ["lambda_"], None),
    ("lambda_ list of str", lambda t: ml.kernel.fit(X, Y, lambda_=["a"]), ["lambda_"], None),
    ("lambda_ bool", lambda t: ml.kernel.fit(X, Y, lambda_=True), ["lambda_"], None),
    ("lambda_ nan", lambda t: ml.kernel.fit(X, Y, lambda_=float("nan")), ["lambda_"], None),
    ("lambda_ negative", lambda t: ml.kernel.fit(X, Y, lambda_=[1e-3, -1.0]), ["lambda_"], None),
    ("lambda_ missing for ridge", lambda t: ml.kernel.fit(X, Y), ["lambda_"], None),
    ("lambda_ with interp", lambda t: ml.kernel.fit(X, Y, predictor="interp", lambda_=1.0), ["lambda_"], None),
    ("lambda_ 2*10**6 values", lambda t: ml.kernel.fit(X, Y, lambda_=range(1, 2 * 10 ** 6)), ["lambda_"], None),
    ("predictor unknown", lambda t: ml.kernel.fit(X, Y, predictor="knn", lambda_=1.0), ["predictor"], None),
    ("svm C 0", lambda t: ml.kernel.fit(X, Y, predictor="svm", C=0.0), ["C"], None),
    ("svm C nan", lambda t: ml.kernel.fit(X, Y, predictor="svm", C=float("nan")), ["C"], None),
    ("svm bias int", lambda t: ml.kernel.fit(X, Y, predictor="svm", bias=1), ["bias"], None),
    ("C with ridge", lambda t: ml.kernel.fit(X, Y, lambda_=1.0, C=1.0), ["C"], None),
    ("svm real labels", lambda t: ml.kernel.fit(X, REALS, predictor="svm"), ["y"], LABEL_MSG),
    ("logistic real labels", lambda t: ml.kernel.fit(X, REALS, predictor="logistic", lambda_=1e-3), ["y"],
     LABEL_MSG),
    ("falkon centers 0", lambda t: ml.kernel.fit(X, Y, predictor="falkon", lambda_=1e-3, centers=0), ["centers"],
     None),
    ("falkon centers str", lambda t: ml.kernel.fit(X, Y, predictor="falkon", lambda_=1e-3, centers="a"),
     ["centers"], None),
    ("falkon seed 2**64", lambda t: ml.kernel.fit(X, Y, predictor="falkon", lambda_=1e-3, seed=2 ** 64), ["seed"],
     None),
    ("falkon tol nan", lambda t: ml.kernel.fit(X, Y, predictor="falkon", lambda_=1e-3, tol=float("nan")), ["tol"],
     None),
    ("logistic_tol negative", lambda t: ml.kernel.fit(X, Y, predictor="logistic", lambda_=1e-3, logistic_tol=-1.0),
     ["logistic_tol"], "a bad logistic_tol is reported as 'fit: tol must be > 0', naming falkon's keyword tol"),
    ("logistic_max_iterations 0",
     lambda t: ml.kernel.fit(X, Y, predictor="logistic", lambda_=1e-3, logistic_max_iterations=0),
     ["logistic_max_iterations"], "reported as 'fit: max_iterations must be >= 1', naming falkon's keyword"),
    ("X_test without y_test", lambda t: ml.kernel.fit(X, Y, X, lambda_=1e-3), ["X_test", "y_test"], None),
    ("X_test columns", lambda t: ml.kernel.fit(X, Y, X[:, :3], Y, lambda_=1e-3), ["X_test"], None),
    ("y_test length", lambda t: ml.kernel.fit(X, Y, X, Y[:5], lambda_=1e-3), ["y_test"], None),
    ("y length", lambda t: ml.kernel.fit(X, Y[:5], lambda_=1e-3), ["y"], None),
    ("y 2-D", lambda t: ml.kernel.fit(X, np.c_[Y, Y], lambda_=1e-3), ["y"], None),
    ("y nan", lambda t: ml.kernel.fit(X, np.where(Y > 0, np.nan, Y), lambda_=1e-3), ["y"], None),
    ("multiclass unknown", lambda t: ml.kernel.fit(X, Y, lambda_=1e-3, multiclass="x"), ["multiclass"], None),
    ("rw 1e308", lambda t: ml.kernel.fit(X, Y, lambda_=1e-3, rw=1e308), ["rw"],
     "a finite rw = 1e308 ends in marginlab.InternalError 'LAPACK dsyevd did not converge' (a bug by the "
     "module's own definition), not a ValueError naming rw"),
]

SVM = [
    ("y 0/1", lambda t: ml.kernel.kernel_svm(K, ZERO_ONE), ["y"], None),
    ("y strings", lambda t: ml.kernel.kernel_svm(K, ["a"] * 12), ["y"], None),
    ("y length", lambda t: ml.kernel.kernel_svm(K, Y[:4]), ["y"], None),
    ("y 2-D", lambda t: ml.kernel.kernel_svm(K, np.c_[Y, Y]), ["y"], None),
    ("y 0-d", lambda t: ml.kernel.kernel_svm(K, np.float64(1.0)), ["y"], None),
    ("K not symmetric", lambda t: ml.kernel.kernel_svm(K + np.triu(np.ones_like(K)), Y), ["K"], None),
    ("C 0", lambda t: ml.kernel.kernel_svm(K, Y, C=0.0), ["C"], None),
    ("C inf", lambda t: ml.kernel.kernel_svm(K, Y, C=float("inf")), ["C"], None),
    ("C str", lambda t: ml.kernel.kernel_svm(K, Y, C="1"), ["C"], None),
    ("bias int", lambda t: ml.kernel.kernel_svm(K, Y, bias=1), ["bias"], None),
    ("bias str", lambda t: ml.kernel.kernel_svm(K, Y, bias="yes"), ["bias"], None),
    ("tol 0", lambda t: ml.kernel.kernel_svm(K, Y, tol=0.0), ["tol"], None),
    ("tol nan", lambda t: ml.kernel.kernel_svm(K, Y, tol=float("nan")), ["tol"], None),
    ("max_epochs 0", lambda t: ml.kernel.kernel_svm(K, Y, max_epochs=0), ["max_epochs"], None),
    ("max_epochs 10**30", lambda t: ml.kernel.kernel_svm(K, Y, max_epochs=10 ** 30), ["max_epochs"], None),
    ("max_libsvm_n -1", lambda t: ml.kernel.kernel_svm(K, Y, max_libsvm_n=-1, bias=True), ["max_libsvm_n"], None),
    ("max_libsvm_n 2**64", lambda t: ml.kernel.kernel_svm(K, Y, max_libsvm_n=2 ** 64, bias=True),
     ["max_libsvm_n"], None),
    ("max_libsvm_n below n", lambda t: ml.kernel.kernel_svm(K, Y, max_libsvm_n=1, bias=True), ["max_libsvm_n"],
     None),
]

SCALE_BLAMES_WEIGHTS = ("output_scale=0 passes the binding's range check [0, inf] and is then refused as "
                        "'weights: the output scale must be … > 0', naming weights, not output_scale")
NTK = [
    ("weights str", lambda t: ml.kernel.empirical_ntk("W", X), ["weights"], None),
    ("weights None", lambda t: ml.kernel.empirical_ntk(None, X), ["weights"], None),
    ("weights generator", lambda t: ml.kernel.empirical_ntk((w for w in W), X), ["weights"], None),
    ("weights dict without layers", lambda t: ml.kernel.empirical_ntk({}, X), ["weights"], None),
    ("weights list of str", lambda t: ml.kernel.empirical_ntk(["a", "b"], X), ["weights"], None),
    ("weights mismatched", lambda t: ml.kernel.empirical_ntk([W1, np.ones((1, 5))], X), ["weights"], None),
    ("weights nan", lambda t: ml.kernel.empirical_ntk([W1 * np.nan, W2], X), ["weights"], None),
    ("weights 3-d layer", lambda t: ml.kernel.empirical_ntk([W1[None], W2], X), ["weights"], None),
    ("weights 1-d layer", lambda t: ml.kernel.empirical_ntk([np.ones(4), np.ones((1, 1))], X), ["weights"], None),
    ("weights 10**10-row layer", lambda t: ml.kernel.empirical_ntk([bcast((10 ** 10, 4)), W2], X), ["weights"],
     None),
    ("dict output_scale str", lambda t: ml.kernel.empirical_ntk({"weights": W, "output_scale": "2"}, X),
     ["weights", "output_scale"], None),
    ("dict frozen_output int", lambda t: ml.kernel.empirical_ntk({"weights": W, "frozen_output": 1}, X),
     ["weights", "frozen_output"], None),
    ("dict layers str", lambda t: ml.kernel.empirical_ntk({"weights": "W"}, X), ["weights"], None),
    ("dict objective list", lambda t: ml.kernel.empirical_ntk({"weights": W, "objective": []}, X), ["weights"],
     None),
    ("dict output_scale contradicted", lambda t: ml.kernel.empirical_ntk({"weights": W, "output_scale": 2.0}, X,
                                                                         output_scale=1.0), ["output_scale"], None),
    ("X1 columns", lambda t: ml.kernel.empirical_ntk(W, X[:, :3]), ["X1"], None),
    ("X2 columns", lambda t: ml.kernel.empirical_ntk(W, X, X[:, :3]), ["X2"], None),
    ("X1 10**12 rows", lambda t: ml.kernel.empirical_ntk(W, bcast((HUGE, 4))), ["X1"], None),
    ("output 1 of 1", lambda t: ml.kernel.empirical_ntk(W, X, output=1), ["output"], None),
    ("output -1", lambda t: ml.kernel.empirical_ntk(W, X, output=-1), ["output"], None),
    ("output 2**64", lambda t: ml.kernel.empirical_ntk(W, X, output=2 ** 64), ["output"], None),
    ("output bool", lambda t: ml.kernel.empirical_ntk(W, X, output=True), ["output"], None),
    ("output float", lambda t: ml.kernel.empirical_ntk(W, X, output=0.0), ["output"], None),
    ("output_scale nan", lambda t: ml.kernel.empirical_ntk(W, X, output_scale=float("nan")), ["output_scale"],
     None),
    ("output_scale negative", lambda t: ml.kernel.empirical_ntk(W, X, output_scale=-1.0), ["output_scale"], None),
    ("output_scale 0", lambda t: ml.kernel.empirical_ntk(W, X, output_scale=0.0), ["output_scale"],
     SCALE_BLAMES_WEIGHTS),
    ("output_scale str", lambda t: ml.kernel.empirical_ntk(W, X, output_scale="1"), ["output_scale"], None),
    ("frozen_output int", lambda t: ml.kernel.empirical_ntk(W, X, frozen_output=1), ["frozen_output"], None),
    ("frozen_output str", lambda t: ml.kernel.empirical_ntk(W, X, frozen_output="yes"), ["frozen_output"], None),
    ("mc width 0", lambda t: ml.kernel.monte_carlo_ntk(X, width=0), ["width"], None),
    ("mc width 10**12", lambda t: ml.kernel.monte_carlo_ntk(X, width=HUGE, samples=2), ["width"], None),
    ("mc width 10**30", lambda t: ml.kernel.monte_carlo_ntk(X, width=10 ** 30), ["width"], None),
    ("mc samples 1", lambda t: ml.kernel.monte_carlo_ntk(X, samples=1), ["samples"], None),
    ("mc samples 10**12", lambda t: ml.kernel.monte_carlo_ntk(X, width=2, samples=HUGE), ["samples"], None),
    ("mc samples str", lambda t: ml.kernel.monte_carlo_ntk(X, samples="2"), ["samples"], None),
    ("mc seed -1", lambda t: ml.kernel.monte_carlo_ntk(X, seed=-1), ["seed"], None),
    ("mc seed 2**64", lambda t: ml.kernel.monte_carlo_ntk(X, seed=2 ** 64), ["seed"], None),
    ("mc net unknown", lambda t: ml.kernel.monte_carlo_ntk(X, net="cnn"), ["net"], None),
    ("mc depth with two-layer", lambda t: ml.kernel.monte_carlo_ntk(X, depth=3), ["depth"], None),
    ("mc mlp depth 0", lambda t: ml.kernel.monte_carlo_ntk(X, net="mlp", depth=0), ["depth"], None),
    ("mc rw nan", lambda t: ml.kernel.monte_carlo_ntk(X, rw=float("nan")), ["rw"], None),
    ("mc rw inf", lambda t: ml.kernel.monte_carlo_ntk(X, width=5, samples=2, rw=float("inf")), ["rw"],
     "rw=inf is accepted and every result (ntk_mean, …) is NaN/inf"),
    ("mc mlp w_std inf", lambda t: ml.kernel.monte_carlo_ntk(X, net="mlp", width=5, samples=2, w_std=float("inf")),
     ["w_std"], "w_std=inf is accepted and every result is NaN/inf"),
    ("mc w_std with two-layer", lambda t: ml.kernel.monte_carlo_ntk(X, w_std=2.0), ["w_std"], None),
    ("mc X2 columns", lambda t: ml.kernel.monte_carlo_ntk(X, X[:, :2]), ["X2"], None),
    ("mc X1 nan", lambda t: ml.kernel.monte_carlo_ntk(X * np.nan), ["X1"], None),
    ("kernel_names with an argument", lambda t: ml.kernel.kernel_names(1), ["kernel_names"], None),
]

_nrp = ml.kernel.ntk_regime_predict
Y_IS_NOT_Y = "the message names RidgePath's internal argument Y, not the caller's y"
NRP = [
    ("steps str", lambda t: _nrp(K, Y, 1.0, "10"), ["steps"], None),
    ("steps None", lambda t: _nrp(K, Y, 1.0, None), ["steps"], None),
    ("steps bool", lambda t: _nrp(K, Y, 1.0, True), ["steps"], None),
    ("steps nan", lambda t: _nrp(K, Y, 1.0, float("nan")), ["steps"], None),
    ("steps negative", lambda t: _nrp(K, Y, 1.0, -1), ["steps"], None),
    ("steps [nan]", lambda t: _nrp(K, Y, 1.0, [float("nan")]), ["steps"], None),
    ("steps [-1]", lambda t: _nrp(K, Y, 1.0, [-1.0]), ["steps"], None),
    ("steps 2-D", lambda t: _nrp(K, Y, 1.0, [[1]]), ["steps"], None),
    ("steps empty list", lambda t: _nrp(K, Y, 1.0, []), ["steps"],
     "steps=[] raises ValueError 'need at least one array to stack', naming nothing"),
    ("steps list of str", lambda t: _nrp(K, Y, 1.0, ["a"]), ["steps"], None),
    ("steps dict", lambda t: _nrp(K, Y, 1.0, {1: 2}), ["steps"], None),
    ("steps 10**400", lambda t: _nrp(K, Y, 1.0, 10 ** 400), ["steps"],
     "an integer beyond float range raises OverflowError 'int too large to convert to float'"),
    ("steps [10**400]", lambda t: _nrp(K, Y, 1.0, [10 ** 400]), ["steps"], None),
    ("eta 0", lambda t: _nrp(K, Y, 0.0, 10), ["eta"], None),
    ("eta nan", lambda t: _nrp(K, Y, float("nan"), 10), ["eta"], None),
    ("eta inf", lambda t: _nrp(K, Y, float("inf"), 10), ["eta"], None),
    ("eta str", lambda t: _nrp(K, Y, "1", 10), ["eta"], None),
    ("eta bool", lambda t: _nrp(K, Y, True, 10), ["eta"], None),
    ("eta None", lambda t: _nrp(K, Y, None, 10), ["eta"], None),
    ("eta 10**400", lambda t: _nrp(K, Y, 10 ** 400, 10), ["eta"],
     "an integer beyond float range raises OverflowError 'int too large to convert to float'"),
    ("y strings", lambda t: _nrp(K, ["a"] * 12, 1.0, 10), ["y"], None),
    ("y None", lambda t: _nrp(K, None, 1.0, 10), ["y"], None),
    ("y length", lambda t: _nrp(K, Y[:5], 1.0, 10), ["y"], Y_IS_NOT_Y + " ('Y: expected 12 entries, got 5')"),
    ("y 0-d", lambda t: _nrp(K, np.float64(1.0), 1.0, 10), ["y"], None),
    ("y 3-d", lambda t: _nrp(K, Y[:, None, None], 1.0, 10), ["y"], None),
    ("y empty", lambda t: _nrp(K, np.zeros(0), 1.0, 10), ["y"], None),
    ("y nan", lambda t: _nrp(K, np.where(Y > 0, np.nan, Y), 1.0, 10), ["y"], None),
    ("y ragged", lambda t: _nrp(K, [[1.0], [1.0, 2.0]], 1.0, 10), ["y"], None),
    ("y complex", lambda t: _nrp(K, Y + 0j, 1.0, 10), ["y"], None),
    ("K str", lambda t: _nrp("K", Y, 1.0, 10), ["K"], None),
    ("K None", lambda t: _nrp(None, Y, 1.0, 10), ["K"], None),
    ("K not square", lambda t: _nrp(K[:, :5], Y, 1.0, 10), ["K"], None),
    ("f0 shape", lambda t: _nrp(K, Y, 1.0, 10, f0=Y[:3]), ["f0"], None),
    ("f0 nan", lambda t: _nrp(K, Y, 1.0, 10, f0=Y * np.nan), ["f0"], None),
    ("f0 str", lambda t: _nrp(K, Y, 1.0, 10, f0="a"), ["f0"], None),
    ("K_test columns", lambda t: _nrp(K, Y, 1.0, 10, K_test=K[:, :5]), ["K_test"], None),
    ("K_test 1-D", lambda t: _nrp(K, Y, 1.0, 10, K_test=K[0]), ["K_test"], None),
    ("K_test nan", lambda t: _nrp(K, Y, 1.0, 10, K_test=K * np.nan), ["K_test"], None),
    ("K_test str", lambda t: _nrp(K, Y, 1.0, 10, K_test="a"), ["K_test"], None),
    ("f0_test shape", lambda t: _nrp(K, Y, 1.0, 10, K_test=K, f0_test=Y[:3]), ["f0_test"], None),
]

TRAIN_KW = [  # (keyword, value, bug)
    ("steps", "3", None), ("steps", True, None), ("steps", 3.0, None), ("steps", -1, None),
    ("steps", 10 ** 30, None), ("steps", 2 ** 64, None), ("steps", None, NONE_IS_DEFAULT + " (1000 steps)"),
    ("width", "3", None), ("width", True, None), ("width", 0, None), ("width", -3, None),
    ("width", float("nan"), None), ("width", float("inf"), None), ("width", HUGE, None), ("width", 2.5, None),
    ("width", ["a"], None), ("width", [3, 3], None), ("width", {3: "x"}, DICT_AS_LIST),
    ("lambda_", float("nan"), None), ("lambda_", -1.0, None), ("lambda_", "0", None), ("lambda_", [1e-3], None),
    ("lambda_", float("inf"), "lambda_=inf passes validation; the run 'diverges' (FailedRunError, naming nothing)"),
    ("lr", 0.0, None), ("lr", -1.0, None),
    ("lr", float("inf"), "lr=inf passes validation ('lr must be > 0'); the run 'diverges' (FailedRunError)"),
    ("loss", "hinge", None), ("loss", 3, None), ("optimizer", 3, None), ("optimizer", "lbfgs", None),
    ("seed", -1, None), ("seed", 2 ** 64, None), ("seed", 1.0, None),
    ("trials", 0, None), ("trials", HUGE, None), ("trial_offset", -1, None),
    ("batch_size", -1, None), ("batch_size", HUGE, None), ("log_points", -1, None), ("log_points", HUGE, None),
    ("freeze_output", 1, None), ("freeze_output", "True", None), ("progress", 1, None), ("callback", 3, None),
    ("init_std", float("nan"), None), ("init_std", [1.0, 1.0, 1.0], None), ("init_std", -1.0, None),
    ("init_std", float("inf"), "init_std=inf passes validation; the run 'diverges' (FailedRunError)"),
    ("reg_power", 0.0, None), ("reg_power", float("nan"), None),
    ("reg_power", float("inf"), "reg_power=inf is accepted (and a network saved with it cannot be loaded)"),
    ("depth", 0, None), ("depth", 10 ** 6, None), ("depth", 10 ** 30, None), ("dtype", "float16", None),
    ("time_limit", -1.0, None), ("time_limit", float("nan"), None), ("decay_every", -1, None),
    ("eps", 0.0, None), ("momentum", 2.0, None), ("beta1", 1.0, None), ("beta2", float("nan"), None),
    ("data", 3, None), ("save", 3, None), ("save", b"x", None), ("save", "", None),
    ("init", "W", None), ("init", [], None), ("init", [W1, np.ones((1, 5))], None),
    ("init", [W1 * np.nan, W2], None),
    ("init", [W1], "a one-layer init for a two-layer net: 'initial parameters: expected 2 layers, got 1', "
                   "naming nothing"),
    ("init", [[W1, W2]] * 2, "two inits for one trial: 'train: expected no initialization, one, or one per "
                             "trial', naming nothing"),
    ("bogus", 1, None),
]
def _label(v):
    if isinstance(v, list) and v and not isinstance(v[0], (int, float, str)):
        return "[" + ", ".join(_label(x) for x in v) + "]"
    if isinstance(v, np.ndarray) and v.ndim:
        return f"array{v.shape}" + (" nan" if np.isnan(v).any() else "")
    return f"{v!r:.30}"


NN = [(f"train {k}={_label(v)}", lambda t, k=k, v=v: train(X, Y, **{k: v}), [k], b) for k, v, b in TRAIN_KW]
NN += [
    ("train eps inf (adam)", lambda t: train(X, Y, optimizer="adam", eps=float("inf")), ["eps"],
     "eps=inf passes validation ('eps must be > 0') and trains"),
    ("train save to a missing folder", lambda t: train(X, Y, save=str(t / "no" / "x.npz")), ["save", "x.npz"],
     None),
    ("train X str", lambda t: train("X", Y), ["X"], None),
    ("train X None", lambda t: train(None, Y), ["X"], None),
    ("train X 3-d", lambda t: train(X[None], Y), ["X"], None),
    ("train X 1-d", lambda t: train(X[:, 0], Y), ["X"], None),
    ("train X 0-d", lambda t: train(np.float64(1.0), Y), ["X"], None),
    ("train X empty", lambda t: train(np.zeros((0, 4)), np.zeros(0)), ["X"], None),
    ("train X 10**12 rows", lambda t: train(bcast((HUGE, 4)), bcast((HUGE,))), ["X"], None),
    ("train y length", lambda t: train(X, Y[:5]), ["y"], None),
    ("train y 2-D", lambda t: train(X, np.c_[Y, Y]), ["y"], None),
    ("train y nan", lambda t: train(X, Y * np.nan), ["y"], None),
    ("train y 0/1 for logistic", lambda t: train(X, ZERO_ONE), ["y"], LABEL_MSG),
    ("train y reals for logistic", lambda t: train(X, REALS), ["y"], LABEL_MSG),
    ("train y reals for exponential", lambda t: train(X, REALS, loss="exponential"), ["y"], LABEL_MSG),
    ("train y reals for cross-entropy", lambda t: train(X, REALS, loss="cross-entropy"), ["y"], LABEL_MSG),
    ("train X_test columns", lambda t: train(X, Y, X[:, :3], Y), ["X_test"], None),
    ("train y_test length", lambda t: train(X, Y, X, Y[:3]), ["y_test"], None),
    ("train X_test alone", lambda t: train(X, Y, X), ["X_test", "y_test"], None),
    ("objective weights str", lambda t: ml.nn.objective(X, Y, "W", width=3), ["weights"], None),
    ("objective weights None", lambda t: ml.nn.objective(X, Y, None, width=3), ["weights"], None),
    ("objective weights of another width", lambda t: ml.nn.objective(X, Y, W), ["weights", "width"], None),
    ("objective weights nan", lambda t: ml.nn.objective(X, Y, [W1 * np.nan, W2], width=3), ["weights"], None),
    ("objective weights list of str", lambda t: ml.nn.objective(X, Y, ["a", "b"], width=3), ["weights"], None),
    ("objective weights 10**10 rows", lambda t: ml.nn.objective(X, Y, [bcast((10 ** 10, 4)), W2], width=3),
     ["weights"], None),
    ("objective y length", lambda t: ml.nn.objective(X, Y[:3], W, width=3), ["y"], None),
    ("objective y 0/1", lambda t: ml.nn.objective(X, ZERO_ONE, W, width=3), ["y"], LABEL_MSG),
    ("objective X columns", lambda t: ml.nn.objective(X[:, :3], Y, W, width=3), ["X", "weights"], None),
    ("objective depth 3", lambda t: ml.nn.objective(X, Y, W, width=3, depth=3), ["weights", "depth"], None),
    ("objective lambda_ nan", lambda t: ml.nn.objective(X, Y, W, width=3, lambda_=float("nan")), ["lambda_"],
     None),
    ("objective lambda_ inf", lambda t: ml.nn.objective(X, Y, W, width=3, lambda_=float("inf")), ["lambda_"],
     "lambda_=inf is accepted: objective inf and gradients NaN/inf"),
    ("outputs X columns", lambda t: ml.nn.outputs(W, X[:, :3]), ["X"], None),
    ("outputs X str", lambda t: ml.nn.outputs(W, "X"), ["X"], None),
    ("outputs X nan", lambda t: ml.nn.outputs(W, X * np.nan), ["X"], None),
    ("outputs X 10**12 rows", lambda t: ml.nn.outputs(W, bcast((HUGE, 4))), ["X"], None),
    ("outputs output_scale negative", lambda t: ml.nn.outputs(W, X, output_scale=-1.0), ["output_scale"], None),
    ("outputs output_scale inf", lambda t: ml.nn.outputs(W, X, output_scale=float("inf")), ["output_scale"], None),
    ("outputs output_scale bool", lambda t: ml.nn.outputs(W, X, output_scale=True), ["output_scale"], None),
    ("outputs frozen_output int", lambda t: ml.nn.outputs(W, X, frozen_output=1), ["frozen_output"], None),
    ("outputs dict frozen_output str", lambda t: ml.nn.outputs({"final": W, "frozen_output": "x"}, X),
     ["weights", "frozen_output"], None),
    ("outputs weights set", lambda t: ml.nn.outputs({1, 2}, X), ["weights"], None),
    ("save_network path None", lambda t: ml.nn.save_network(None, W), ["path"],
     "path=None is read as '' and fails late: ': cannot move the finished file into place', naming nothing"),
    ("save_network path int", lambda t: ml.nn.save_network(3, W), ["path"], None),
    ("save_network path empty", lambda t: ml.nn.save_network("", W), ["path"], None),
    ("save_network path NUL", lambda t: ml.nn.save_network("a\0b", W), ["path"], None),
    ("save_network path a folder", lambda t: ml.nn.save_network(t / "a_folder", W), ["path", "a_folder"], None),
    ("save_network key empty", lambda t: ml.nn.save_network(t / "n.npz", W, key=""), ["key"], None),
    ("save_network key with /", lambda t: ml.nn.save_network(t / "n.npz", W, key="a/b"), ["key"], None),
    ("save_network key int", lambda t: ml.nn.save_network(t / "n.npz", W, key=3), ["key"], None),
    ("save_network objective str", lambda t: ml.nn.save_network(t / "n.npz", W, objective="x"), ["objective"],
     None),
    ("save_network objective unknown key",
     lambda t: ml.nn.save_network(t / "n.npz", W, objective={"loss": "logistic", "lambda": 1e-3, "x": 1}),
     ["objective"], None),
    ("save_network objective without lambda",
     lambda t: ml.nn.save_network(t / "n.npz", W, objective={"loss": "logistic"}), ["objective"], None),
    ("save_network objective lambda nan",
     lambda t: ml.nn.save_network(t / "n.npz", W, objective={"loss": "logistic", "lambda": float("nan")}),
     ["objective", "lambda"], None),
    ("save_network objective lambda str",
     lambda t: ml.nn.save_network(t / "n.npz", W, objective={"loss": "logistic", "lambda": "1"}),
     ["objective", "lambda"], None),
    ("save_network objective loss unknown",
     lambda t: ml.nn.save_network(t / "n.npz", W, objective={"loss": "hinge", "lambda": 1.0}), ["loss"], None),
    ("save_network objective loss int",
     lambda t: ml.nn.save_network(t / "n.npz", W, objective={"loss": 3, "lambda": 1.0}), ["loss"], None),
    ("save_network objective reg_power 0",
     lambda t: ml.nn.save_network(t / "n.npz", W, objective={"loss": "logistic", "lambda": 1.0, "reg_power": 0.0}),
     ["reg_power"], None),
    ("save_network objective int key", lambda t: ml.nn.save_network(t / "n.npz", W, objective={1: 2}),
     ["objective"], None),
    ("save_network weights nan", lambda t: ml.nn.save_network(t / "n.npz", [W1 * np.nan, W2]), ["weights"], None),
    ("save_network output_scale nan", lambda t: ml.nn.save_network(t / "n.npz", W, output_scale=float("nan")),
     ["output_scale"], None),
    ("load_network path None", lambda t: ml.nn.load_network(None), ["path"],
     "path=None is read as '' and refused as ': no such file', naming nothing"),
    ("load_network path int", lambda t: ml.nn.load_network(3), ["path"], None),
    ("load_network missing file", lambda t: ml.nn.load_network(t / "none.npz"), ["path", "none.npz"], None),
    ("load_network a folder", lambda t: ml.nn.load_network(t / "a_folder"), ["path", "a_folder"], None),
    ("load_network key int", lambda t: ml.nn.load_network(t / "n.npz", key=3), ["key"], None),
    ("load_network trial -1", lambda t: ml.nn.load_network(t / "n.npz", trial=-1), ["trial"], None),
    ("load_network trial 2**64", lambda t: ml.nn.load_network(t / "n.npz", trial=2 ** 64), ["trial"], None),
    ("load_network trial bool", lambda t: ml.nn.load_network(t / "n.npz", trial=True), ["trial"], None),
    ("trace_frame None", lambda t: ml.nn.trace_frame(None), ["trials"],
     "trace_frame(None) raises \"'NoneType' object is not iterable\", naming nothing"),
    ("trace_frame one trial dict", lambda t: ml.nn.trace_frame(NET), ["trials"],
     "trace_frame(a single trial dict) raises \"string indices must be integers\", naming nothing"),
    ("trace_frame trial without trace", lambda t: ml.nn.trace_frame([{"trial": 0}]), ["trials", "trace"],
     "a trial without 'trace' raises KeyError, not TypeError/ValueError"),
]

MARGIN = [
    ("normalized_margin y 0/1", lambda t: ml.margin.normalized_margin(W, X, ZERO_ONE), ["y"], None),
    ("normalized_margin y reals", lambda t: ml.margin.normalized_margin(W, X, REALS), ["y"], None),
    ("normalized_margin y length", lambda t: ml.margin.normalized_margin(W, X, Y[:3]), ["y"], None),
    ("normalized_margin X columns", lambda t: ml.margin.normalized_margin(W, X[:, :3], Y), ["X"], None),
    ("normalized_margin three layers",
     lambda t: ml.margin.normalized_margin([W1, np.ones((3, 3)), W2], X, Y), ["weights"], None),
    ("normalized_margin two outputs", lambda t: ml.margin.normalized_margin([W1, np.ones((2, 3))], X, Y),
     ["weights"], None),
    ("normalized_margin frozen", lambda t: ml.margin.normalized_margin(W, X, Y, frozen_output=True),
     ["weights", "frozen_output"], None),
    ("normalized_margin output_scale 0", lambda t: ml.margin.normalized_margin(W, X, Y, output_scale=0.0),
     ["output_scale"], SCALE_BLAMES_WEIGHTS),
    ("normalized_margin X inf", lambda t: ml.margin.normalized_margin(W, np.where(X > 0, np.inf, X), Y), ["X"], None),
    ("certify no lambda_", lambda t: ml.margin.certify(W, X, Y), ["lambda_"], None),
    ("certify lambda_ nan", lambda t: ml.margin.certify(W, X, Y, lambda_=float("nan")), ["lambda_"], None),
    ("certify lambda_ 0", lambda t: ml.margin.certify(W, X, Y, lambda_=0.0), ["lambda_"], None),
    ("certify lambda_ str", lambda t: ml.margin.certify(W, X, Y, lambda_="1"), ["lambda_"], None),
    ("certify lambda_ bool", lambda t: ml.margin.certify(W, X, Y, lambda_=True), ["lambda_"], None),
    ("certify loss exponential", lambda t: ml.margin.certify(W, X, Y, lambda_=1e-3, loss="exponential"), ["loss"],
     None),
    ("certify oracle unknown", lambda t: ml.margin.certify(W, X, Y, lambda_=1e-3, oracle="x"), ["oracle"], None),
    ("certify max_rounds -1", lambda t: ml.margin.certify(W, X, Y, lambda_=1e-3, max_rounds=-1), ["max_rounds"],
     None),
    ("certify max_rounds 10**30", lambda t: ml.margin.certify(W, X, Y, lambda_=1e-3, max_rounds=10 ** 30),
     ["max_rounds"], None),
    ("certify tolerance nan", lambda t: ml.margin.certify(W, X, Y, lambda_=1e-3, tolerance=float("nan")),
     ["tolerance"], None),
    ("certify columns_per_round 10**12",
     lambda t: ml.margin.certify(W, X, Y, lambda_=1e-3, columns_per_round=HUGE), ["columns_per_round"], None),
    ("certify other_objective int", lambda t: ml.margin.certify(W, X, Y, lambda_=1e-3, other_objective=1),
     ["other_objective"], None),
    ("certify y 0/1", lambda t: ml.margin.certify(W, X, ZERO_ONE, lambda_=1e-3), ["y"], None),
    ("certify frozen", lambda t: ml.margin.certify(W, X, Y, lambda_=1e-3, frozen_output=True),
     ["weights", "frozen_output"], None),
    ("certify dict lambda_ contradicted", lambda t: ml.margin.certify(NET, X, Y, lambda_=1.0), ["lambda_"], None),
    ("certify dict objective lambda str",
     lambda t: ml.margin.certify({**NET, "objective": {"loss": "logistic", "lambda": "x"}}, X, Y), ["weights"],
     None),
    ("certify dict objective lambda nan",
     lambda t: ml.margin.certify({**NET, "objective": {"loss": "logistic", "lambda": float("nan")}}, X, Y),
     ["weights"], None),
    ("global_optimum no lambda_", lambda t: ml.margin.global_optimum(X, Y), ["lambda_"], None),
    ("global_optimum lambda_ nan", lambda t: ml.margin.global_optimum(X, Y, lambda_=float("nan")), ["lambda_"],
     None),
    ("global_optimum lambda_ 0", lambda t: ml.margin.global_optimum(X, Y, lambda_=0.0), ["lambda_"], None),
    ("global_optimum y 0/1", lambda t: ml.margin.global_optimum(X, ZERO_ONE, lambda_=1e-2), ["y"], None),
    ("global_optimum y reals", lambda t: ml.margin.global_optimum(X, REALS, lambda_=1e-2), ["y"], None),
    ("global_optimum X nan", lambda t: ml.margin.global_optimum(X * np.nan, Y, lambda_=1e-2), ["X"], None),
    ("global_optimum max_rounds 0", lambda t: ml.margin.global_optimum(X, Y, lambda_=1e-2, max_rounds=0),
     ["max_rounds"], None),
    ("global_optimum columns_per_round 10**12",
     lambda t: ml.margin.global_optimum(X, Y, lambda_=1e-2, columns_per_round=HUGE), ["columns_per_round"], None),
    ("global_optimum callback int", lambda t: ml.margin.global_optimum(X, Y, lambda_=1e-2, callback=3),
     ["callback"], None),
    ("global_optimum progress str", lambda t: ml.margin.global_optimum(X, Y, lambda_=1e-2, progress="x"),
     ["progress"], None),
    ("global_optimum exact oracle in 4 dimensions",
     lambda t: ml.margin.global_optimum(X, Y, lambda_=1e-2, oracle="exact"), ["oracle"], None),
    ("global_optimum X 10**12 rows", lambda t: ml.margin.global_optimum(bcast((HUGE, 4)), bcast((HUGE,)),
                                                                        lambda_=1e-2), ["X"], None),
    ("l1svm y 0/1", lambda t: ml.margin.l1svm(X, ZERO_ONE), ["y"], None),
    ("l1svm y length", lambda t: ml.margin.l1svm(X, Y[:3]), ["y"], None),
    ("l1svm max_rounds -1", lambda t: ml.margin.l1svm(X, Y, max_rounds=-1), ["max_rounds"], None),
    ("l1svm initial_inputs -1", lambda t: ml.margin.l1svm(X, Y, initial_inputs=-1), ["initial_inputs"], None),
    ("l1svm columns_per_round 10**12", lambda t: ml.margin.l1svm(X, Y, columns_per_round=HUGE),
     ["columns_per_round"], None),
    ("l1svm tolerance negative", lambda t: ml.margin.l1svm(X, Y, tolerance=-1.0), ["tolerance"], None),
    ("l1svm oracle none", lambda t: ml.margin.l1svm(X, Y, oracle="none"), ["oracle"], None),
    ("l1svm not ReLU-separable", lambda t: ml.margin.l1svm(np.ones((4, 2)), np.array([1.0, -1, 1, -1])),
     ["X", "inputs"], None),
]

FLOW_KW = [
    ("threads", 1025), ("threads", -1), ("threads", 2 ** 64), ("threads", True), ("threads", "2"),
    ("steps", -1), ("steps", 10 ** 30), ("particles", 0), ("particles", HUGE), ("particles", -5),
    ("budget", 0), ("inject", -1), ("eta", 0.0), ("eta", float("nan")), ("eta", float("inf")), ("eta", "0.1"),
    ("sigma", -1.0), ("sigma", float("nan")), ("temperature", float("inf")), ("init", "x"),
    ("init_radius", 0.0), ("init_radius", float("nan")), ("cone_angle", 10.0), ("seed", -1), ("seed", 2 ** 64),
    ("log_points", HUGE), ("log_spacing", "x"), ("oracle", "x"), ("reference", "x"), ("target_gap", -1.0),
    ("target_gap", float("nan")), ("time_limit", -1.0), ("lambda_", float("nan")), ("lambda_", -1.0),
    ("lambda_", "1"), ("lambda_", True), ("protect", -1), ("injection", "x"), ("callback", "x"),
    ("progress", None),
]
MEANFIELD = [(f"flow {k}={v!r}", lambda t, k=k, v=v: flow(X, Y, **{k: v}), [k], None) for k, v in FLOW_KW]
MEANFIELD += [
    ("flow steps None", lambda t: flow(X, Y, steps=None), ["steps"], NONE_IS_DEFAULT + " (10000 steps)"),
    ("flow lambda_ and lambda_sum", lambda t: flow(X, Y, lambda_sum=1.0), ["lambda_", "lambda_sum"], None),
    ("flow no lambda", lambda t: ml.meanfield.flow(X, Y, steps=2), ["lambda_", "lambda_sum"], None),
    ("flow y 0/1", lambda t: flow(X, ZERO_ONE), ["y"], None),
    ("flow y reals", lambda t: flow(X, REALS), ["y"], None),
    ("flow y length", lambda t: flow(X, Y[:5]), ["y"], None),
    ("flow X nan", lambda t: flow(X * np.nan, Y), ["X"], None),
    ("flow X 3-d", lambda t: flow(X[None], Y), ["X"], None),
    ("flow inject with redraw", lambda t: flow(X, Y, injection="redraw", inject=3), ["inject"], None),
]

EXPERIMENT = [
    ("run name None", lambda t: ml.experiment.run(None, "smoke", t / "a"), ["name"],
     "name=None is read as '' and refused as \"'' is neither a config file nor a built-in experiment\""),
    ("run name int", lambda t: ml.experiment.run(3, "smoke", t / "a"), ["name"], None),
    ("run name empty", lambda t: ml.experiment.run("", "smoke", t / "a"), ["name"], None),
    ("run name unknown", lambda t: ml.experiment.run("nope", "smoke", t / "a"), ["name", "nope"], None),
    ("run scale None", lambda t: ml.experiment.run("thm21", None, t / "a"), ["scale"], None),
    ("run scale int", lambda t: ml.experiment.run("thm21", 3, t / "a"), ["scale"], None),
    ("run scale unknown", lambda t: ml.experiment.run("thm21", "huge", t / "a"), ["scale"], None),
    ("run out int", lambda t: ml.experiment.run("thm21", "smoke", 3), ["out"], None),
    ("run set str", lambda t: ml.experiment.run("thm21", "smoke", t / "a", set="a=b"), ["set"], None),
    ("run set list of int", lambda t: ml.experiment.run("thm21", "smoke", t / "a", set=[3]), ["set"], None),
    ("run set unknown key", lambda t: ml.experiment.run("thm21", "smoke", t / "a", set=["nokey=1"]),
     ["set", "nokey"], None),
    ("run set without =", lambda t: ml.experiment.run("thm21", "smoke", t / "a", set=["abc"]), ["set"], None),
    ("run threads -1", lambda t: ml.experiment.run("thm21", "smoke", t / "a", threads=-1), ["threads"], None),
    ("run threads 10**6", lambda t: ml.experiment.run("thm21", "smoke", t / "a", threads=10 ** 6), ["threads"],
     None),
    ("run threads bool", lambda t: ml.experiment.run("thm21", "smoke", t / "a", threads=True), ["threads"], None),
    ("run max_trials -1", lambda t: ml.experiment.run("thm21", "smoke", t / "a", max_trials=-1), ["max_trials"],
     None),
    ("run max_trials 2**64", lambda t: ml.experiment.run("thm21", "smoke", t / "a", max_trials=2 ** 64),
     ["max_trials"], None),
    ("run shard garbage", lambda t: ml.experiment.run("thm21", "smoke", t / "a", shard="x"), ["shard"], None),
    ("run shard 3/2", lambda t: ml.experiment.run("thm21", "smoke", t / "a", shard="3/2"), ["shard"], None),
    ("run shard 0/0", lambda t: ml.experiment.run("thm21", "smoke", t / "a", shard="0/0"), ["shard"], None),
    ("run shard 0/10**30", lambda t: ml.experiment.run("thm21", "smoke", t / "a", shard="0/" + "1" + "0" * 30),
     ["shard"], None),
    ("run shard int", lambda t: ml.experiment.run("thm21", "smoke", t / "a", shard=3), ["shard"], None),
    ("run callback int", lambda t: ml.experiment.run("thm21", "smoke", t / "a", callback=3), ["callback"], None),
    ("merge inputs str", lambda t: ml.experiment.merge("x", t / "m"), ["inputs"], None),
    ("merge inputs None", lambda t: ml.experiment.merge(None, t / "m"), ["inputs"], None),
    ("merge inputs list of int", lambda t: ml.experiment.merge([3], t / "m"), ["inputs"], None),
    ("merge inputs empty", lambda t: ml.experiment.merge([], t / "m"), ["inputs", "folder"], None),
    ("merge input missing", lambda t: ml.experiment.merge([t / "nope"], t / "m"), ["inputs", "nope"], None),
    ("load None", lambda t: ml.experiment.load(None), ["directory"],
     "raises TypeError 'expected str, bytes or os.PathLike object, not NoneType', naming nothing"),
    ("load int", lambda t: ml.experiment.load(3), ["directory"],
     "raises TypeError 'expected str, bytes or os.PathLike object, not int', naming nothing"),
    ("report None", lambda t: ml.experiment.report(None), ["directory"],
     "raises TypeError 'expected str, bytes or os.PathLike object, not NoneType', naming nothing"),
    ("list_experiments with an argument", lambda t: ml.experiment.list_experiments(1), ["list_experiments"], None),
]

MODULE = [
    ("set_threads -1", lambda t: ml.set_threads(-1), ["n"], None),
    ("set_threads 1025", lambda t: ml.set_threads(1025), ["n"], None),
    ("set_threads 2**64", lambda t: ml.set_threads(2 ** 64), ["n"], None),
    ("set_threads str", lambda t: ml.set_threads("2"), ["n"], None),
    ("set_threads bool", lambda t: ml.set_threads(True), ["n"], None),
    ("set_threads float", lambda t: ml.set_threads(1.0), ["n"], None),
    ("set_threads None", lambda t: ml.set_threads(None), ["n"], None),
    ("set_threads unknown keyword", lambda t: ml.set_threads(n=1, m=2), ["m"], None),
    ("threads with an argument", lambda t: ml.threads(1), ["threads"], None),
    ("build_info with a keyword", lambda t: ml.build_info(x=1), ["x"], None),
]


def _params(*tables):
    """pytest params from (prefix, table) pairs, ids 'prefix: case'."""
    return [pytest.param(call, names, id=f"{prefix}: {ident}") for prefix, table in tables for ident, call, names, _ in table]


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A scratch folder, also the working directory (a stray file lands there, not in the tree), holding
    a valid network file n.npz and a folder a_folder; marginlab's thread count is restored afterwards."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_folder").mkdir()
    ml.nn.save_network(tmp_path / "n.npz", W)
    threads = ml.threads()
    yield tmp_path
    ml.set_threads(threads)


@pytest.mark.parametrize("call, names", _params(("data", DATA), ("gram", GRAM), ("ridge", RIDGE), ("fit", FIT),
                                                ("kernel_svm", SVM), ("ntk", NTK), ("ntk_regime_predict", NRP)))
def test_data_and_kernel_refuse_naming_the_argument(call, names, scratch):
    refused(lambda: call(scratch), names)


@pytest.mark.parametrize("call, names", _params(("nn", NN), ("margin", MARGIN), ("meanfield", MEANFIELD),
                                                ("experiment", EXPERIMENT), ("module", MODULE)))
def test_nn_margin_meanfield_experiment_refuse_naming_the_argument(call, names, scratch):
    threads = ml.threads()
    refused(lambda: call(scratch), names)
    assert ml.threads() == threads        # a refused setting changes nothing


# ---- calls that must work (and where meaningful, equal the plain-type call) -----------------------

def test_numpy_scalars_pathlike_and_tuples_are_taken_as_their_values(tmp_path):
    d = ml.data.generate("wei-d", d=np.int64(4), n=np.uint8(12), seed=np.int32(3))
    assert same((d.X, d.y, d.kind, d.num_classes), (D.X, D.y, D.kind, D.num_classes))
    assert same(ml.kernel.gram(X, rw=np.float32(0.5), ru=np.int64(2)), ml.kernel.gram(X, rw=0.5, ru=2.0))
    assert same(ml.kernel.RidgePath(K, Y).coefficients(np.float32(0.25)), ml.kernel.RidgePath(K, Y).coefficients(0.25))
    assert same(ml.kernel.empirical_ntk(tuple(W), X, output=np.int64(0)), ml.kernel.empirical_ntk(W, X))
    assert same(ml.kernel.kernel_svm(K, Y, bias=np.bool_(True)), ml.kernel.kernel_svm(K, Y, bias=True))
    a = ml.nn.train(X, Y, width=np.int64(3), steps=np.int16(4), lambda_=np.float32(0.5), seed=np.uint64(2 ** 64 - 1))
    b = ml.nn.train(X, Y, width=3, steps=4, lambda_=float(np.float32(0.5)), seed=2 ** 64 - 1)
    assert same(a, b)
    ml.nn.save_network(tmp_path / "net.npz", NET)                       # a PathLike and a train() dict
    loaded = ml.nn.load_network(str(tmp_path / "net.npz"))
    assert same(loaded["weights"], NET["final"]) and loaded["objective"]["lambda"] == 1e-2
    assert same(ml.nn.outputs(loaded, X), ml.nn.outputs(NET, X))
    assert same(ml.kernel.fit(X, Y, lambda_=(1e-3, np.float64(1e-2)))["fits"][1]["coefficients"],
                ml.kernel.fit(X, Y, lambda_=1e-2)["fits"][0]["coefficients"])


def test_ridge_path_methods_and_ntk_regime_predict_over_times():
    p = ml.kernel.RidgePath(K, Y)
    for m in (p.coefficients, p.fitted, p.rkhs_norm_squared):
        assert np.all(np.isfinite(m(0))) and np.all(np.isfinite(m(1e-3)))
    for m in (p.flow_coefficients, p.flow_fitted):
        assert np.all(np.isfinite(m(0.5))) and np.all(np.isfinite(m(np.inf)))
    steps = np.array([0, 1, 10, np.inf])
    many = ml.kernel.ntk_regime_predict(K, Y, 1.0, steps, K_test=K[:5])
    for i, s in enumerate(steps):                                       # one entry per time, as scalar calls
        one = ml.kernel.ntk_regime_predict(K, Y, 1.0, s, K_test=K[:5])
        assert np.allclose(many[0][i], one[0], rtol=0, atol=1e-12) and np.allclose(many[1][i], one[1], atol=1e-12)
    assert np.array_equal(ml.kernel.ntk_regime_predict(K, Y, 1.0, 0), np.zeros(12))


def test_predictors_of_fit_and_the_empirical_ntks_work():
    Xd = np.random.default_rng(1).standard_normal((12, 4))            # distinct inputs: K is invertible
    for predictor, kw in (("interp", {}), ("ridge", {"lambda_": [0.0, 1e-3]}), ("logistic", {"lambda_": 1e-3}),
                          ("svm", {"C": 10.0}), ("falkon", {"lambda_": 1e-3, "centers": 6})):
        r = ml.kernel.fit(Xd, Y, X, Y, predictor=predictor, **kw)
        assert r["outputs"] == 1 and r["test_scores"].shape[0] == 12, predictor
        assert all(np.all(np.isfinite(f["coefficients"])) for f in r["fits"]), predictor
    assert ml.kernel.fit(X, CLASSES, lambda_=1e-3)["outputs"] == 3     # class indices: one-hot
    refused(lambda: ml.kernel.fit(X, Y, predictor="interp"), ["K", "kernel", "interpolation"])  # duplicate inputs
    assert set(ml.kernel.kernel_names()) >= {"ntk", "relu", "deep-ntk"}
    assert ml.kernel.gram(X, X[:3], dtype="float32").dtype == np.float32
    assert np.array_equal(ml.kernel.gram(X, dtype="float32"), ml.kernel.gram(X).astype(np.float32))
    r = ml.kernel.monte_carlo_ntk(X, X[:2], width=8, samples=3)
    assert r["ntk_mean"].shape == (12, 2) and np.all(np.isfinite(r["ntk_stderr"]))
    assert ml.kernel.empirical_ntk(NET, X, X[:3]).shape == (12, 3)


@pytest.mark.parametrize("kw", [dict(rw=1e308), dict(ru=1e200), dict(kernel="deep-ntk", w_std=1e308)],
                         ids=["rw 1e308", "ru 1e200", "deep w_std 1e308"])
def test_gram_of_finite_options_is_finite_or_refused(kw):
    try:
        G = ml.kernel.gram(X, **kw)
    except ValueError as e:
        assert any(named(str(e), k) for k in kw)
    else:
        assert np.all(np.isfinite(G)), "non-finite Gram entries"


def test_global_optimum_of_a_huge_finite_lambda():
    # 2λ overflows: refused naming lambda (it once returned objective inf, 'converged', certified)
    refused(lambda: ml.margin.global_optimum(X, Y, lambda_=1e308, max_rounds=5), ["lambda_"])
    r = ml.margin.global_optimum(X, Y, lambda_=1e300, max_rounds=5)
    assert np.isfinite(r["objective"]) and r["objective"] >= r["lower"]


def test_zero_d_arrays_are_their_numbers():
    assert same(tuple(ml.data.generate("wei-d", d=4, n=np.array(12))), tuple(ml.data.generate("wei-d", d=4, n=12)))
    assert same(ml.kernel.fit(X, Y, lambda_=np.array(1e-3)), ml.kernel.fit(X, Y, lambda_=1e-3))
    assert same(ml.nn.train(X, Y, width=np.array(3.0), steps=3), ml.nn.train(X, Y, width=3, steps=3))


def test_a_network_that_train_saves_can_be_loaded(tmp_path):
    path = tmp_path / "net.npz"
    try:
        ml.nn.train(X, Y, width=3, steps=3, reg_power=float("inf"), save=path)
    except ValueError as e:
        assert named(str(e), "reg_power")
        return
    ml.nn.load_network(path)


def test_callbacks_exceptions_are_re_raised_and_false_stops():
    class Mine(Exception):
        pass

    def boom(record):
        raise Mine("from the callback")

    for call in (lambda cb: ml.nn.train(X, Y, width=3, steps=5, callback=cb),
                 lambda cb: ml.margin.l1svm(X, Y, max_rounds=3, callback=cb),
                 lambda cb: flow(X, Y, callback=cb)):
        with pytest.raises(Mine):
            call(boom)
    assert ml.nn.train(X, Y, width=3, steps=50, callback=lambda r: False)[0]["termination"] == "stopped"


def test_trace_frame_of_trials_and_of_no_trials():
    trials = ml.nn.train(X, Y, width=3, steps=4, trials=2, log_points=2)
    df = ml.nn.trace_frame(trials)
    assert sorted(set(df["trial"])) == [0, 1] and "layer_norm_1" in df.columns
    assert len(ml.nn.trace_frame([])) == 0


# ---- experiments: run, merge, load, report on a tiny store --------------------------------------

@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("campaign") / "thm21"
    s = ml.experiment.run("thm21", "smoke", out, max_trials=1)
    return out, s


def test_merge_into_none(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refused(lambda: ml.experiment.merge([store[0]], None), ["out"])


def test_experiment_run_merge_load_report(store, tmp_path):
    out, s = store
    assert s["ran"] == 1 and s["failed"] == 0
    assert {e["name"] for e in ml.experiment.list_experiments()} >= {"thm21", "fig5"}
    m = ml.experiment.merge([out], tmp_path / "merged")
    assert m["trials"] == s["total"] and m["copied"] == 1
    refused(lambda: ml.experiment.merge([out], out), ["out", str(out)])
    assert len(ml.experiment.load(out).records()) == s["total"]
    claims = ml.experiment.report(tmp_path / "merged")
    assert isinstance(claims, list)
    for fn in (ml.experiment.load, ml.experiment.report):        # documented: FileNotFoundError naming the folder
        with pytest.raises(FileNotFoundError, match="nope"):
            fn(tmp_path / "nope")


# ---- odd layouts: the numbers of a contiguous float64 copy, bit for bit ---------------------------

def _misaligned(a, order):
    a = np.asarray(a, dtype=np.float64)
    buf = np.zeros(a.size * 8 + 1, dtype=np.uint8)
    m = np.frombuffer(buf.data, dtype=np.float64, count=a.size, offset=1)
    m = m.reshape(a.shape) if order == "C" else m.reshape(a.shape[::-1]).T
    m[...] = a
    return m


def _readonly(a):
    a = a.copy(order="K")
    a.flags.writeable = False
    return a


LAYOUTS_2D = {
    "C": np.ascontiguousarray,
    "Fortran": np.asfortranarray,
    "misaligned C": lambda a: _misaligned(a, "C"),
    "misaligned Fortran": lambda a: _misaligned(a, "F"),
    "negative strides": lambda a: a[::-1, ::-1].copy()[::-1, ::-1],
    "read-only Fortran": lambda a: _readonly(np.asfortranarray(a)),
    "strided view": lambda a: np.repeat(np.repeat(a, 2, axis=0), 3, axis=1)[::2, ::3],
    "transposed strided": lambda a: np.repeat(a.T, 2, axis=1)[:, ::2].T,
    "big-endian": lambda a: a.astype(">f8"),
    "float32": lambda a: a.astype(np.float32),
    "nested list": lambda a: a.tolist(),
}
LAYOUTS_1D = {
    "negative stride": lambda v: v[::-1].copy()[::-1],
    "strided": lambda v: np.repeat(v, 3)[::3],
    "misaligned": lambda v: _misaligned(v, "C"),
    "read-only": _readonly,
    "big-endian": lambda v: v.astype(">f8"),
    "int8": lambda v: v.astype(np.int8),
    "float32": lambda v: v.astype(np.float32),
    "n x 1 column": lambda v: v[:, None],
    "list": lambda v: v.tolist(),
}

_quiet_est = dict(width=4, steps=5, tol=None)
CALLS_2D = {  # name: (base array, call of one array)
    "gram X": (X, lambda A: ml.kernel.gram(A)),
    "gram Y": (X[:5], lambda A: ml.kernel.gram(X, A)),
    "gram float32 X": (X, lambda A: ml.kernel.gram(A, dtype="float32")),
    "RidgePath K": (K, lambda A: ml.kernel.RidgePath(A, Y).coefficients(1e-3)),
    "RidgePath Y (n x 2)": (np.c_[Y, -Y], lambda A: ml.kernel.RidgePath(K, A).fitted(1e-2)),
    "ridge_solve K": (K, lambda A: ml.kernel.ridge_solve(A, Y, 1e-3)),
    "kernel_svm K": (K, lambda A: ml.kernel.kernel_svm(A, Y, C=10.0)),
    "fit X": (X, lambda A: ml.kernel.fit(A, Y, X, Y, lambda_=1e-3)),
    "fit X_test": (X[:5], lambda A: ml.kernel.fit(X, Y, A, Y[:5], predictor="svm", C=10.0)),
    "monte_carlo_ntk X1": (X, lambda A: ml.kernel.monte_carlo_ntk(A, width=8, samples=2)),
    "empirical_ntk X2": (X[:5], lambda A: ml.kernel.empirical_ntk(W, X, A)),
    "empirical_ntk weights[0]": (W1, lambda A: ml.kernel.empirical_ntk([A, W2], X)),
    "ntk_regime_predict K": (K, lambda A: ml.kernel.ntk_regime_predict(A, Y, 1.0, [1, 10])),
    "train X": (X, lambda A: ml.nn.train(A, Y, width=3, steps=5, log_points=2)),
    "train init[0]": (W1, lambda A: ml.nn.train(X, Y, width=3, steps=5, log_points=2, init=[A, W2])),
    "objective X": (X, lambda A: ml.nn.objective(A, Y, W, width=3, lambda_=1e-2)),
    "outputs weights[0]": (W1, lambda A: ml.nn.outputs([A, W2], X)),
    "certify X": (X, lambda A: ml.margin.certify(W, A, Y, lambda_=1e-2)),
    "global_optimum X": (X, lambda A: ml.margin.global_optimum(A, Y, lambda_=1e-2, max_rounds=2)),
    "l1svm X": (X, lambda A: ml.margin.l1svm(A, Y, max_rounds=2)),
    "flow X": (X, lambda A: flow(A, Y, steps=5, particles=4)),
}
CALLS_1D = {
    "train y": lambda v: ml.nn.train(X, v, width=3, steps=5, log_points=2),
    "fit y": lambda v: ml.kernel.fit(X, v, lambda_=1e-3),
    "kernel_svm y": lambda v: ml.kernel.kernel_svm(K, v, C=10.0),
    "ridge_solve Y": lambda v: ml.kernel.ridge_solve(K, v, 1e-3),
    "normalized_margin y": lambda v: ml.margin.normalized_margin(W, X, v),
    "certify y": lambda v: ml.margin.certify(W, X, v, lambda_=1e-2),
    "l1svm y": lambda v: ml.margin.l1svm(X, v, max_rounds=2),
    "flow y": lambda v: flow(X, v, steps=5, particles=4),
    "objective y": lambda v: ml.nn.objective(X, v, W, width=3),
}
_REFERENCE = {}


def _reference(key, call, base):
    if key not in _REFERENCE:
        _REFERENCE[key] = canon(call(np.ascontiguousarray(base, dtype=np.float64)))
    return _REFERENCE[key]


FIXED_LAYOUT_DEFECTS = {  # what these cases found (fixed; kept as their history)
    ("train init[0]", "nested list"):
        "init=[W1 as a nested list, W2] is taken as one network per trial (its first item is a list): "
        "'init[0][0]: expected a 2-D array, got 1-D'",
}


@pytest.mark.parametrize("call, layout", [
    pytest.param(c, lay, id=f"{c}-{lay}")
    for c in sorted(CALLS_2D) for lay in sorted(LAYOUTS_2D)])
def test_2d_layouts_give_the_numbers_of_a_contiguous_copy(call, layout):
    base, fn = CALLS_2D[call]
    A = LAYOUTS_2D[layout](base)
    values = np.asarray(A, dtype=np.float64)          # what the layout holds (float32 rounds)
    key = (call, values.tobytes())
    assert canon(fn(A)) == _reference(key, fn, values), f"{call} with a {layout} array"


@pytest.mark.parametrize("layout", sorted(LAYOUTS_1D))
@pytest.mark.parametrize("call", sorted(CALLS_1D))
def test_label_layouts_give_the_numbers_of_a_contiguous_copy(call, layout):
    fn = CALLS_1D[call]
    got = fn(LAYOUTS_1D[layout](Y))
    assert canon(got) == _reference((call, "y"), fn, Y), f"{call} with {layout} labels"


def test_ntk_regime_predict_k_test_layouts():
    Kt = ml.kernel.gram(X[:5], X)
    ref = ml.kernel.ntk_regime_predict(K, Y, 1.0, [1, 10], K_test=np.ascontiguousarray(Kt))
    for A in (np.asfortranarray(Kt), _misaligned(Kt, "F"), _readonly(np.asfortranarray(Kt))):
        assert same(ml.kernel.ntk_regime_predict(K, Y, 1.0, [1, 10], K_test=A), ref)


def test_broadcast_and_zero_stride_views_are_copied_correctly():
    row = bcast((12, 4), 0.5) + 0 * X                # a plain array of one repeated value …
    view = np.broadcast_to(X[:1], (12, 4))            # … and a zero-stride view of one row
    col = np.broadcast_to(X[:, :1], (12, 4))          # a zero-stride column view
    for A in (view, col):
        plain = np.ascontiguousarray(A)
        assert same(ml.kernel.gram(A), ml.kernel.gram(plain))
        assert same(ml.nn.outputs(W, A), ml.nn.outputs(W, plain))
        assert same(ml.kernel.monte_carlo_ntk(A, width=4, samples=2), ml.kernel.monte_carlo_ntk(plain, width=4,
                                                                                               samples=2))
        assert same(ml.kernel.empirical_ntk(W, A), ml.kernel.empirical_ntk(W, plain))
    assert same(ml.kernel.gram(row), ml.kernel.gram(np.full((12, 4), 0.5)))


# ---- the estimators ----------------------------------------------------------------------------

def _estimators():
    from marginlab.estimators import NTKSVC, NTKRidge, NTKRidgeClassifier, TwoLayerReLUClassifier
    return TwoLayerReLUClassifier, NTKRidge, NTKRidgeClassifier, NTKSVC


def _est(name, **params):
    TL, NR, NRC, SVC = _estimators()
    cls = {"TL": TL, "NR": NR, "NRC": NRC, "SVC": SVC}[name]
    return cls(**({**_quiet_est, **params} if name == "TL" else params))


Y_IS_NOT_Y_EST = "NTKRidge.fit(X, y) with string labels: 'Y: expected an array of real numbers', naming Y, not y"
ESTIMATORS = [
    ("TL width str", lambda: _est("TL", width="4").fit(X, Y), ["width"], None),
    ("TL width 0", lambda: _est("TL", width=0).fit(X, Y), ["width"], None),
    ("TL width 10**12", lambda: _est("TL", width=HUGE).fit(X, Y), ["width"], None),
    ("TL lam nan", lambda: _est("TL", lam=float("nan")).fit(X, Y), ["lam"], None),
    ("TL lam negative", lambda: _est("TL", lam=-1.0).fit(X, Y), ["lam"], None),
    ("TL lam None", lambda: _est("TL", lam=None).fit(X, Y), ["lam"], None),
    ("TL lr inf", lambda: _est("TL", lr=float("inf")).fit(X, Y), ["lr"], None),
    ("TL steps 0", lambda: _est("TL", steps=0).fit(X, Y), ["steps"], None),
    ("TL steps 10**30", lambda: _est("TL", steps=10 ** 30).fit(X, Y), ["steps"], None),
    ("TL loss hinge", lambda: _est("TL", loss="hinge").fit(X, Y), ["loss"], None),
    ("TL optimizer sgd", lambda: _est("TL", optimizer="sgd").fit(X, Y), ["optimizer"], None),
    ("TL scaling int", lambda: _est("TL", scaling=3).fit(X, Y), ["scaling"], None),
    ("TL random_state -1", lambda: _est("TL", random_state=-1).fit(X, Y), ["random_state"], None),
    ("TL random_state 2**64", lambda: _est("TL", random_state=2 ** 64).fit(X, Y), ["random_state"], None),
    ("TL tol nan", lambda: _est("TL", tol=float("nan")).fit(X, Y), ["tol"], None),
    ("TL X nan", lambda: _est("TL").fit(X * np.nan, Y), ["X"], None),
    ("TL X 3-d", lambda: _est("TL").fit(X[None], Y), ["X", "dim"], None),
    ("TL y length", lambda: _est("TL").fit(X, Y[:3]), ["y", "samples"], None),
    ("TL y reals", lambda: _est("TL").fit(X, REALS), ["y", "label"], None),
    ("TL y one class", lambda: _est("TL").fit(X, np.ones(12)), ["y"], None),
    ("TL predict columns", lambda: _est("TL").fit(X, Y).predict(X[:, :3]), ["X"], None),
    ("TL certify unknown option", lambda: _est("TL", lam=1e-2).fit(X, Y).certify(bogus=1), ["bogus"], None),
    ("TL certify oracle unknown", lambda: _est("TL", lam=1e-2).fit(X, Y).certify(oracle="x"), ["oracle"], None),
    ("TL certify with lam 0", lambda: _est("TL", lam=0.0).fit(X, Y).certify(), ["lam", "lambda"], None),
    ("NR alpha nan", lambda: _est("NR", alpha=float("nan")).fit(X, Y), ["alpha"], None),
    ("NR alpha str", lambda: _est("NR", alpha="1").fit(X, Y), ["alpha"], None),
    ("NR kernel unknown", lambda: _est("NR", kernel="rbf").fit(X, Y), ["kernel"], None),
    ("NR depth with ntk", lambda: _est("NR", depth=3).fit(X, Y), ["depth"], None),
    ("NR X nan", lambda: _est("NR").fit(X * np.nan, Y), ["X"], None),
    ("NR y length", lambda: _est("NR").fit(X, Y[:5]), ["y", "samples"], None),
    ("NR y strings", lambda: _est("NR").fit(X, ["a"] * 12), ["y"], Y_IS_NOT_Y_EST),
    ("NR sample_weight nan", lambda: _est("NR").fit(X, Y, sample_weight=np.full(12, np.nan)), ["sample_weight"],
     None),
    ("NR sample_weight length", lambda: _est("NR").fit(X, Y, sample_weight=np.ones(5)), ["sample_weight"], None),
    ("NR sample_weight negative", lambda: _est("NR").fit(X, Y, sample_weight=-np.ones(12)), ["sample_weight"],
     None),
    ("NR predict columns", lambda: _est("NR").fit(X, Y).predict(X[:, :3]), ["X"], None),
    ("NR precomputed not square", lambda: _est("NR", kernel="precomputed").fit(X, Y), ["X"], None),
    ("NR precomputed not symmetric", lambda: _est("NR", kernel="precomputed").fit(K + np.triu(np.ones_like(K)), Y),
     ["X", "K"], None),
    ("NR predict_path alphas nan", lambda: _est("NR").fit(X, Y).predict_path(X, [np.nan]), ["alphas"], None),
    ("NR predict_path alphas negative", lambda: _est("NR").fit(X, Y).predict_path(X, [-1.0]), ["alphas"], None),
    ("NR predict_path alphas strings", lambda: _est("NR").fit(X, Y).predict_path(X, ["a"]), ["alphas"],
     "alphas=['a'] raises \"could not convert string to float: 'a'\", naming nothing"),
    ("NR predict_path alphas empty", lambda: _est("NR").fit(X, Y).predict_path(X, []), ["alphas"],
     "alphas=[] raises 'need at least one array to stack', naming nothing"),
    ("NRC y reals", lambda: _est("NRC").fit(X, REALS), ["y", "label"], None),
    ("NRC y one class", lambda: _est("NRC").fit(X, np.ones(12)), ["y"], None),
    ("NRC rw nan", lambda: _est("NRC", rw=float("nan")).fit(X, Y), ["rw"], None),
    ("SVC C 0", lambda: _est("SVC", C=0.0).fit(X, Y), ["C"], None),
    ("SVC fit_intercept int", lambda: _est("SVC", fit_intercept=1).fit(X, Y), ["fit_intercept"], None),
    ("SVC three classes", lambda: _est("SVC").fit(X, CLASSES), ["y"], None),
    ("SVC y reals", lambda: _est("SVC").fit(X, REALS), ["y", "label"], None),
    ("SVC predict columns", lambda: _est("SVC").fit(X, Y).predict(X[:, :3]), ["X"], None),
]


@pytest.mark.parametrize("call, names", [pytest.param(c, n, id=i)
                                         for i, c, n, b in ESTIMATORS])
def test_estimators_refuse_naming_the_parameter(call, names):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        refused(call, names)


def test_estimators_fit_odd_layouts_as_contiguous_copies():
    TL, NR, NRC, SVC = _estimators()
    for est in (TL(**_quiet_est), NR(), NRC(), SVC(C=10.0)):
        for A in (_misaligned(X, "F"), X[::-1].copy()[::-1], X.astype(">f8")):
            a = est.fit(A, Y)
            pa = a.decision_function(X) if hasattr(a, "decision_function") else a.predict(X)
            b = est.fit(np.ascontiguousarray(A, dtype=np.float64), Y)
            pb = b.decision_function(X) if hasattr(b, "decision_function") else b.predict(X)
            assert same(pa, pb), type(est).__name__


# ---- torch: torch_weights, empirical_ntk_torch, torch_bridge.to_torch -----------------------------

def _torch():
    return pytest.importorskip("torch")


def _seq(*dims, bias=False, relu=True):
    torch = _torch()
    mods = []
    for i, (a, b) in enumerate(zip(dims, dims[1:])):
        if i and relu:
            mods.append(torch.nn.ReLU())
        mods.append(torch.nn.Linear(a, b, bias=bias))
    return torch.nn.Sequential(*mods)


def _tt(*a, **k):
    from marginlab.torch_bridge import to_torch
    return to_torch(*a, **k)


def _nan_model():
    m = _seq(4, 3, 1)
    with _torch().no_grad():
        m[0].weight[0, 0] = float("nan")
    return m


TT_NONE = "to_torch does not check its argument"
TORCH = [
    ("torch_weights list", lambda: ml.kernel.torch_weights([_seq(4, 3)]), ["model"], None),
    ("torch_weights None", lambda: ml.kernel.torch_weights(None), ["model"], None),
    ("torch_weights empty", lambda: ml.kernel.torch_weights(_torch().nn.Sequential()), ["model"], None),
    ("torch_weights bias", lambda: ml.kernel.torch_weights(_seq(4, 3, bias=True)), ["model"], None),
    ("torch_weights ends in ReLU",
     lambda: ml.kernel.torch_weights(_torch().nn.Sequential(*_seq(4, 3), _torch().nn.ReLU())), ["model"], None),
    ("torch_weights Tanh",
     lambda: ml.kernel.torch_weights(_torch().nn.Sequential(_seq(4, 3)[0], _torch().nn.Tanh(), _seq(3, 1)[0])),
     ["model"], None),
    ("torch_weights two Linear in a row", lambda: ml.kernel.torch_weights(_seq(4, 3, 1, relu=False)), ["model"],
     None),
    ("torch_weights Conv1d", lambda: ml.kernel.torch_weights(_torch().nn.Sequential(_torch().nn.Conv1d(1, 1, 1))),
     ["model"], None),
    ("torch_weights meta device",
     lambda: ml.kernel.torch_weights(_torch().nn.Sequential(_torch().nn.Linear(4, 3, bias=False, device="meta"))),
     ["model"], "a model on the meta device raises NotImplementedError 'Cannot copy out of meta tensor'"),
    ("empirical_ntk_torch model None", lambda: ml.kernel.empirical_ntk_torch(None, X), ["model"], None),
    ("empirical_ntk_torch nan weight", lambda: ml.kernel.empirical_ntk_torch(_nan_model(), X),
     ["model", "weights"], None),
    ("empirical_ntk_torch mismatched layers",
     lambda: ml.kernel.empirical_ntk_torch(_torch().nn.Sequential(*_seq(4, 3), _torch().nn.ReLU(), *_seq(5, 1)), X),
     ["model", "weights"], None),
    ("empirical_ntk_torch output 2", lambda: ml.kernel.empirical_ntk_torch(_seq(4, 3, 2), X, output=2),
     ["output"], None),
    ("empirical_ntk_torch output str", lambda: ml.kernel.empirical_ntk_torch(_seq(4, 3, 2), X, output="1"),
     ["output"], None),
    ("empirical_ntk_torch X columns", lambda: ml.kernel.empirical_ntk_torch(_seq(4, 3, 1), X[:, :3]),
     ["X1"], None),
    ("empirical_ntk_torch X2 columns", lambda: ml.kernel.empirical_ntk_torch(_seq(4, 3, 1), X, X[:, :3]),
     ["X2"], None),
    ("to_torch empty", lambda: _tt([]), ["weights"], None),
    ("to_torch ndarray", lambda: _tt(W1), ["weights"], None),
    ("to_torch 1-d layer", lambda: _tt([np.ones(4)]), ["weights"], None),
    ("to_torch 3-d layer", lambda: _tt([W1[None]]), ["weights"], None),
    ("to_torch mismatched", lambda: _tt([W1, np.ones((1, 5))]), ["weights"], None),
    ("to_torch output_scale nan", lambda: _tt(W, output_scale=float("nan")), ["output_scale"], None),
    ("to_torch output_scale list", lambda: _tt(W, output_scale=[1.0]), ["output_scale"], None),
    ("to_torch dtype str", lambda: _tt(W, dtype="float32"), ["dtype"], None),
    ("to_torch dict without layers", lambda: _tt({"x": 1}), ["weights"], None),
    ("to_torch dict output_scale contradicted", lambda: _tt({"weights": W, "output_scale": 2.0}, output_scale=1.0),
     ["output_scale"], None),
    ("to_torch None", lambda: _tt(None), ["weights"], TT_NONE + ": \"object of type 'NoneType' has no len()\""),
    ("to_torch str", lambda: _tt("W"), ["weights"], TT_NONE + ": a str is iterated, \"could not convert string "
                                                      "to float: 'W'\""),
    ("to_torch list of str", lambda: _tt(["a"]), ["weights"], TT_NONE + ": \"could not convert string to float\""),
    ("to_torch generator", lambda: _tt(w for w in W), ["weights"], TT_NONE + ": \"object of type 'generator' "
                                                                      "has no len()\""),
    ("to_torch nan weights", lambda: _tt([W1 * np.nan, W2]), ["weights"], "NaN weights are accepted silently"),
    ("to_torch inf weights", lambda: _tt([W1 * np.inf, W2]), ["weights"], "inf weights are accepted silently"),
    ("to_torch complex weights", lambda: _tt([W1 + 1j, W2]), ["weights"],
     "complex weights are accepted, the imaginary part dropped (ComplexWarning only)"),
    ("to_torch numeric strings", lambda: _tt([W1.astype(str), W2]), ["weights"],
     "an array of strings is accepted and parsed as numbers (the rest of the module refuses string arrays)"),
    ("to_torch output_scale str", lambda: _tt(W, output_scale="1"), ["output_scale"],
     "a str output_scale raises numpy's \"ufunc 'isfinite' not supported …\", naming nothing"),
    ("to_torch output_scale bool", lambda: _tt(W, output_scale=True), ["output_scale"],
     "output_scale=True is accepted as 1.0"),
    ("to_torch output_scale negative", lambda: _tt(W, output_scale=-1.0), ["output_scale"],
     "output_scale=-1 is accepted (ml.nn.outputs refuses it: 'expected a number in [0, inf]')"),
    ("to_torch frozen_output str", lambda: _tt(W, frozen_output="no"), ["frozen_output"],
     "frozen_output='no' is accepted, as True (a truthy string)"),
    ("to_torch frozen_output int", lambda: _tt(W, frozen_output=2), ["frozen_output"],
     "frozen_output=2 is accepted as True"),
    ("to_torch dict output_scale str", lambda: _tt({"weights": W, "output_scale": "x"}), ["output_scale", "weights"],
     "a dict's output_scale 'x' raises \"could not convert string to float: 'x'\", naming nothing"),
    ("to_torch dict layers None", lambda: _tt({"weights": None}), ["weights"],
     TT_NONE + ": \"object of type 'NoneType' has no len()\""),
]


@pytest.mark.parametrize("call, names", [pytest.param(c, n, id=i)
                                         for i, c, n, b in TORCH])
def test_torch_functions_refuse_naming_the_argument(call, names):
    _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        refused(call, names)


def test_torch_functions_work_and_agree_with_marginlab():
    torch = _torch()
    model = _seq(4, 3, 2)
    weights = ml.kernel.torch_weights(model)
    assert [w.shape for w in weights] == [(3, 4), (2, 3)]
    assert same(ml.kernel.empirical_ntk_torch(model, X, output=1), ml.kernel.empirical_ntk(weights, X, output=1))
    assert same(ml.kernel.empirical_ntk_torch(model, torch.from_numpy(X)), ml.kernel.empirical_ntk(weights, X))
    for net in (_tt(W), _tt(tuple(W)), _tt(NET), _tt({"weights": W, "output_scale": 0.5})):
        assert isinstance(net, torch.nn.Module)
    f = _tt(NET)(torch.from_numpy(X)).detach().numpy()
    assert np.allclose(f, ml.nn.outputs(NET, X), rtol=1e-12, atol=1e-12)
    odd = _tt([_misaligned(W1, "F"), W2.astype(">f8")])
    assert same(odd.layers[0].weight, _tt(W).layers[0].weight) and same(odd.layers[2].weight, _tt(W).layers[2].weight)
    assert _tt(W, frozen_output=True).layers[-1].weight.requires_grad is False


def test_to_torch_of_negative_strides():
    torch = _torch()
    net = _tt([W1[::-1, ::-1].copy()[::-1, ::-1], W2])
    assert same(net.layers[0].weight, torch.from_numpy(W1))


# ---- the riskiest calls, each in a child interpreter -----------------------------------------------

_CHILD = """
import resource, sys
limit = {limit}
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import numpy as np
import marginlab as ml
def report(call):
    try:
        call()
    except BaseException as e:
        mro = ",".join(c.__name__ for c in type(e).__mro__)
        print("RAISED", type(e).__name__, "|", mro, "|", " ".join(str(e).split()), flush=True)
    else:
        print("RETURNED", flush=True)
"""


def child(code, limit_gb=3, budget="1G", timeout=90):
    """Runs `code` (after _CHILD's preamble) in a fresh interpreter with an address-space limit and a
    memory budget; returns (returncode, last RAISED/RETURNED line, stdout + stderr)."""
    env = dict(os.environ, MARGINLAB_MEMORY_BUDGET=budget) if budget else dict(os.environ)
    src = _CHILD.format(limit=int(limit_gb * 2 ** 30) if limit_gb else 0) + textwrap.dedent(code)
    r = subprocess.run([sys.executable, "-c", src], capture_output=True, text=True, timeout=timeout, env=env)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith(("RAISED", "RETURNED"))]
    return r.returncode, (lines[-1] if lines else ""), r.stdout + r.stderr


def assert_child_refuses(code, names, **kw):
    rc, line, out = child(code, **kw)
    assert rc == 0, f"the child died (return code {rc}): {out[-2000:]}"
    assert line.startswith("RAISED"), f"the call returned: {out[-2000:]}"
    _, kind, mro, msg = (line.split(" ", 1)[0],) + tuple(s.strip() for s in line.split(" ", 1)[1].split("|", 2))
    assert "TypeError" in mro.split(",") or "ValueError" in mro.split(","), f"raised {kind}: {msg}"
    assert any(named(msg, n) for n in names), f"the message does not name {' or '.join(names)}: {msg!r}"


def test_set_threads_of_a_billion_then_a_call():
    rc, line, out = child("""
        report(lambda: ml.set_threads(10**9))
        print("threads", ml.threads())
        report(lambda: ml.kernel.gram(np.eye(3)))
        report(lambda: ml.set_threads(10**6))
        report(lambda: ml.nn.train(np.eye(3), np.array([1.0, -1.0, 1.0]), width=2, steps=2))
        """, limit_gb=None, budget=None, timeout=60)
    assert rc == 0, out
    lines = [ln for ln in out.splitlines() if ln.startswith(("RAISED", "RETURNED", "threads"))]
    assert lines[0].startswith("RAISED InputError") and named(lines[0].split("|", 2)[2], "n"), out
    assert lines[1] == "threads 1" and lines[2] == "RETURNED", out
    assert lines[3].startswith("RAISED InputError") and lines[4] == "RETURNED", out


def test_meanfield_flow_with_a_million_threads():
    assert_child_refuses("""
        d = ml.data.generate("wei-d", d=4, n=12, seed=3)
        report(lambda: ml.meanfield.flow(d.X, d.y, lambda_=1e-2, threads=10**6, steps=3, particles=3,
                                         oracle="none", reference="none"))
        """, ["threads"], limit_gb=None, budget=None, timeout=60)


def test_the_most_threads_allowed_then_calls_and_back():
    rc, line, out = child("""
        d = ml.data.generate("wei-d", d=4, n=12, seed=3)
        ml.set_threads(1024)
        print("threads", ml.threads())
        report(lambda: ml.kernel.gram(d.X))
        report(lambda: ml.nn.train(d.X, d.y, width=3, steps=3, trials=3))
        report(lambda: ml.meanfield.flow(d.X, d.y, lambda_=1e-2, threads=1024, steps=3, particles=3,
                                         oracle="none", reference="none"))
        ml.set_threads(1)
        print("threads", ml.threads())
        """, limit_gb=None, budget=None, timeout=60)
    assert rc == 0, out
    assert "threads 1024" in out and "threads 1" in out and out.count("RETURNED") == 3, out


HUGE_CHILD = [  # (id, code, names, bug)
    ("generate n 10**12", "report(lambda: ml.data.generate('wei-d', d=4, n=10**12))", ["n"], None),
    ("gram of 10**12 broadcast rows",
     "report(lambda: ml.kernel.gram(np.broadcast_to(np.ones((1, 4)), (10**12, 4))))", ["X"], None),
    ("gram 10**6 x 10**6", "report(lambda: ml.kernel.gram(np.broadcast_to(np.ones((1, 4)), (10**6, 4))))",
     ["X", "Gram"], None),
    ("monte_carlo_ntk width 10**12",
     "report(lambda: ml.kernel.monte_carlo_ntk(np.eye(3), width=10**12, samples=2))", ["width"], None),
    ("flow particles 10**12",
     "report(lambda: ml.meanfield.flow(np.eye(3), np.array([1., -1, 1]), lambda_=1e-2, particles=10**12, steps=1,"
     " oracle='none', reference='none'))", ["particles"], None),
    ("train 10**8 classes",
     "report(lambda: ml.nn.train(np.eye(3), np.array([0., 1, 10**8]), width=3, steps=1, loss='cross-entropy'))",
     ["y", "memory budget"], None),
    ("fit 10**8 classes",
     "report(lambda: ml.kernel.fit(np.eye(3), np.array([0., 1, 10**8]), lambda_=1e-3))", ["y", "memory budget"],
     "one label 10**8 makes fit() build a 10**8-class one-hot problem without checking the memory budget: "
     "MemoryError (std::bad_alloc) under the limit; ~7 GB RSS for 10**7"),
    ("empirical_ntk 10**5 x 10**5",
     "report(lambda: ml.kernel.empirical_ntk([np.ones((3, 4)), np.ones((1, 3))], np.zeros((10**5, 4))))",
     ["X1", "memory budget"],
     "the n1 x n2 result is never checked against the memory budget: MemoryError (std::bad_alloc)"),
    ("l1svm n = 3*10**6",
     "X = np.zeros((3 * 10**6, 4)); X[:, 0] = 1; X[::2, 1] = 1\n"
     "report(lambda: ml.margin.l1svm(X, np.ones(3 * 10**6), max_rounds=1))", ["X", "memory budget"],
     "l1svm allocates far beyond the memory budget (1G here) for large n: MemoryError (std::bad_alloc); "
     "without a limit the process was OOM-killed at n = 10**7"),
    ("ntk_regime_predict y of 10**12",
     "report(lambda: ml.kernel.ntk_regime_predict(np.eye(3), np.broadcast_to(np.ones(1), (10**12,)), 1.0, 1))",
     ["y"], "y is copied by numpy before any check: MemoryError 'Unable to allocate 7.28 TiB'"),
    ("ntk_regime_predict K_test of 10**9 rows",
     "report(lambda: ml.kernel.ntk_regime_predict(np.eye(3), np.ones(3), 1.0, 1, "
     "K_test=np.broadcast_to(np.ones((1, 3)), (10**9, 3))))",
     ["K_test"], "K_test is copied by numpy before any check: MemoryError 'Unable to allocate 22.4 GiB'"),
    ("TwoLayerReLUClassifier fit of 10**12 broadcast rows",
     "from marginlab.estimators import TwoLayerReLUClassifier as TL\n"
     "report(lambda: TL(width=2, steps=2, tol=None).fit(np.broadcast_to(np.ones((1, 4)), (10**12, 4)), "
     "np.broadcast_to(np.ones(1), (10**12,))))",
     ["X", "y"], "the estimators copy X (order='F') before any size check: MemoryError 'Unable to allocate 29.1 TiB'"),
    ("to_torch of a 10**9-row broadcast layer",
     "from marginlab.torch_bridge import to_torch\n"
     "report(lambda: to_torch([np.broadcast_to(np.ones((1, 4)), (10**9, 4))]))",
     ["weights"], "to_torch allocates the layer before any check: torch RuntimeError 'can't allocate memory: you "
                  "tried to allocate 32000000000 bytes'"),
]


@pytest.mark.parametrize("code, names", [pytest.param(c, n, id=i)
                                         for i, c, n, b in HUGE_CHILD])
def test_huge_sizes_are_refused_before_allocation_in_a_child(code, names):
    if "torch" in code:
        _torch()
    limit = 8 if "torch" in code else 3
    assert_child_refuses(code, names, limit_gb=limit, timeout=120)


# ---- last: this process never grew large ---------------------------------------------------------

def test_zz_the_test_process_stayed_small():
    """Nothing above allocated gigabytes: the peak RSS grew by less than 1.5 GB over this file, and
    stayed under 2 GB unless earlier test files had already passed that."""
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert maxrss_mb - _START_MAXRSS_MB < 1536, f"max RSS grew from {_START_MAXRSS_MB:.0f} to {maxrss_mb:.0f} MB"
    assert _START_MAXRSS_MB > 2048 or maxrss_mb < 2048, f"max RSS {maxrss_mb:.0f} MB"
