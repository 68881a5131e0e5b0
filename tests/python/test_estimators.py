"""marginlab's scikit-learn estimators: scikit-learn's own conformance checks, model selection,
and the quantities the papers are about (the net's normalized margin and its certificate)."""
import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.kernel_ridge import KernelRidge  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator  # noqa: E402

import marginlab as ml  # noqa: E402
from marginlab.estimators import (NTKRidge, NTKRidgeClassifier, NTKSVC, TwoLayerReLUClassifier,  # noqa: E402
                                  _certificate_ends)



@pytest.mark.parametrize("estimator", [
    TwoLayerReLUClassifier(), TwoLayerReLUClassifier(loss="squared"),
    NTKRidge(), NTKRidge(kernel="precomputed"), NTKRidgeClassifier(), NTKRidgeClassifier(kernel="precomputed"),
    NTKSVC(), NTKSVC(kernel="precomputed"),
], ids=lambda e: f"{type(e).__name__}-{getattr(e, 'kernel', getattr(e, 'loss', ''))}")
def test_passes_check_estimator(estimator):
    # the net with its defaults (about 2 s: the certificate in fit is the exact oracle or ascent);
    # on check_estimator's tiny data sets it may warn
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        results = check_estimator(estimator, on_fail=None, on_skip=None)
    failed = [(r["check_name"], str(r["exception"])[:300]) for r in results if r["status"] == "failed"]
    assert not failed
    assert sum(r["status"] == "passed" for r in results) >= 40


@pytest.fixture(scope="module")
def wei():
    d = ml.data.load("wei-d:d=8,n=120,seed=2")
    t = ml.data.load("wei-d:d=8,n=200,seed=2,sample=1")
    return d.X, np.where(d.y > 0, "yes", "no"), t.X, np.where(t.y > 0, "yes", "no")


@pytest.fixture(scope="module")
def three_classes():
    """Three classes from wei-d's inputs, whose first two coordinates are (±1, 0) or (0, ±1): "a"
    for x_1 = ±1 (wei-d's own positive class), "b" for x_2 = +1, "c" for x_2 = −1."""
    d = ml.data.load("wei-d:d=6,n=150,seed=3")
    t = ml.data.load("wei-d:d=6,n=300,seed=3,sample=1")

    def label(X):
        return np.where(X[:, 0] != 0, "a", np.where(X[:, 1] > 0, "b", "c"))
    return d.X, label(d.X), t.X, label(t.X)


# --- the net ---------------------------------------------------------------------------------

def test_classifier_margin_certificate_and_labels(wei):
    X, y, Xt, yt = wei
    clf = TwoLayerReLUClassifier(width=64, lam=1e-2, steps=2000, lr=0.5, optimizer="gd").fit(X, y)
    assert list(clf.classes_) == ["no", "yes"] and set(clf.predict(Xt)) <= {"no", "yes"}
    yy = np.where(y == "yes", 1.0, -1.0)
    assert clf.normalized_margin_ == ml.margin.normalized_margin(clf.weights_, X, yy, clf.output_scale_)
    c = clf.certify()
    assert c["objective"] == pytest.approx(clf.objective_, rel=1e-12)
    lower, gap, certified = _certificate_ends(c)
    assert lower <= c["objective"] and gap == pytest.approx(c["objective"] - lower, rel=1e-9, abs=1e-12)
    assert clf.gap_certified_ in (True, False) and clf.optimum_lower_ <= clf.objective_
    assert clf.relative_gap_ == pytest.approx(clf.optimality_gap_ / clf.objective_)
    g = ml.margin.global_optimum(X, yy, lambda_=1e-2)
    assert g["objective"] <= c["objective"] + 1e-12          # Θ_λ is at least as good as GD's net
    assert clf.score(X, y) > 0.9


def test_random_state_is_marginlabs_seed(wei):
    X, y, _, _ = wei
    yy = np.where(y == "yes", 1.0, -1.0)
    opts = dict(width=16, lam=1e-2, steps=50, lr=0.5, init_std=0.5, optimizer="gd")
    clf = TwoLayerReLUClassifier(random_state=7, tol=None, **opts).fit(X, y)
    ref = ml.nn.train(X, yy, depth=2, width=16, lambda_=1e-2, steps=50, lr=0.5, init_std=0.5, seed=7,
                      optimizer="gd", log_points=10)[0]
    assert all(np.array_equal(a, b) for a, b in zip(clf.weights_, ref["final"]))   # bit for bit
    a = TwoLayerReLUClassifier(random_state=np.random.RandomState(3), tol=None, **opts).fit(X, y)
    b = TwoLayerReLUClassifier(random_state=np.random.RandomState(3), tol=None, **opts).fit(X, y)
    assert np.array_equal(a.weights_[0], b.weights_[0]) and not np.array_equal(a.weights_[0], clf.weights_[0])
    TwoLayerReLUClassifier(random_state=None, tol=None, **opts).fit(X, y)


def test_multiclass_net_trains_cross_entropy(three_classes):
    X, y, Xt, yt = three_classes
    clf = TwoLayerReLUClassifier().fit(X, y)
    assert list(clf.classes_) == ["a", "b", "c"] and clf.weights_[1].shape == (3, clf.width)
    assert clf.decision_function(Xt).shape == (len(Xt), 3)
    assert clf.score(X, y) > 0.9 and clf.score(Xt, yt) > 0.75
    assert np.isnan(clf.optimality_gap_) and not clf.gap_certified_
    with pytest.raises(ValueError, match="certify"):
        clf.certify()
    sq = TwoLayerReLUClassifier(loss="squared").fit(X, y)      # l outputs regressing the classes
    assert sq.weights_[1].shape[0] == 3 and sq.score(X, y) > 0.9 and not hasattr(sq, "predict_proba")
    assert np.array_equal(sq.predict(Xt), sq.classes_[sq.decision_function(Xt).argmax(axis=1)])
    with pytest.raises(ValueError, match="loss='exponential'.*3 classes"):
        TwoLayerReLUClassifier(loss="exponential", steps=10).fit(X, y)


def test_predict_proba_is_the_losss_probability_model(wei, three_classes):
    X, y, Xt, _ = wei
    clf = TwoLayerReLUClassifier(steps=300, tol=None).fit(X, y)
    f = clf.decision_function(Xt)
    p = clf.predict_proba(Xt)
    assert p.shape == (len(Xt), 2) and np.allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    assert np.allclose(p[:, 1], 1 / (1 + np.exp(-f)), rtol=1e-12, atol=0)
    assert np.allclose(clf.predict_log_proba(Xt), np.log(p), rtol=1e-12, atol=1e-300)
    assert np.array_equal(clf.classes_[p.argmax(axis=1)], clf.predict(Xt))
    X3, y3, Xt3, _ = three_classes
    m = TwoLayerReLUClassifier(steps=300).fit(X3, y3)
    f3, p3 = m.decision_function(Xt3), m.predict_proba(Xt3)
    e = np.exp(f3 - f3.max(axis=1, keepdims=True))
    assert np.allclose(p3, e / e.sum(axis=1, keepdims=True), rtol=1e-12, atol=1e-15)
    assert np.allclose(p3.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    assert np.array_equal(m.classes_[p3.argmax(axis=1)], m.predict(Xt3))
    for loss in ("squared", "exponential"):           # margin losses: no probability model
        assert not hasattr(TwoLayerReLUClassifier(loss=loss), "predict_proba")
        assert not hasattr(TwoLayerReLUClassifier(loss=loss).fit(X, y), "predict_log_proba")
    assert hasattr(TwoLayerReLUClassifier(loss="cross-entropy"), "predict_proba")


def test_binary_cross_entropy_is_a_two_output_softmax(wei):
    X, y, Xt, _ = wei
    clf = TwoLayerReLUClassifier(loss="cross-entropy", steps=300).fit(X, y)
    assert clf.weights_[1].shape[0] == 2
    out = ml.nn.outputs(clf.weights_, Xt, clf.output_scale_)
    assert np.array_equal(clf.decision_function(Xt), out[:, 1] - out[:, 0])
    assert np.allclose(clf.predict_proba(Xt)[:, 1], 1 / (1 + np.exp(-clf.decision_function(Xt))), rtol=1e-12)


def test_convergence_warning_for_an_undertrained_net_and_none_for_the_defaults():
    d = ml.data.generate("wei-d", d=20, n=100, seed=1)
    with pytest.warns(ConvergenceWarning, match=r"relative gap .* > tol = 0\.1"):
        under = TwoLayerReLUClassifier(steps=5).fit(d.X, d.y)
    assert under.relative_gap_ > 0.1
    for data in (d, ml.data.generate("wei-d", d=8, n=200, seed=1)):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            clf = TwoLayerReLUClassifier().fit(data.X, data.y)
        assert 0 <= clf.relative_gap_ <= 0.1 and clf.optimality_gap_ >= 0
        assert clf.objective_ - clf.optimum_lower_ == pytest.approx(clf.optimality_gap_, rel=1e-9, abs=1e-15)
    with warnings.catch_warnings():                  # tol=None: no certificate, no warning
        warnings.simplefilter("error", ConvergenceWarning)
        quiet = TwoLayerReLUClassifier(steps=5, tol=None).fit(d.X, d.y)
    assert np.isnan(quiet.relative_gap_)


def test_grid_search_and_pipeline(wei):
    X, y, Xt, yt = wei
    search = GridSearchCV(make_pipeline(StandardScaler(), NTKSVC(C=1.0)),
                          {"ntksvc__C": [0.1, 10.0], "ntksvc__kernel": ["ntk", "relu"]}, cv=3)
    search.fit(X, y)
    assert set(search.best_params_) == {"ntksvc__C", "ntksvc__kernel"}
    assert search.score(Xt, yt) > 0.7
    yr = X[:, 0] - X[:, 1]
    ridge = GridSearchCV(NTKRidge(), {"alpha": [1e-4, 1e-2, 1.0]}, cv=3).fit(X, yr)
    assert ridge.best_params_["alpha"] in (1e-4, 1e-2, 1.0)
    clf = GridSearchCV(TwoLayerReLUClassifier(steps=200, tol=None), {"lam": [1e-3, 1e-1]}, cv=2).fit(X, y)
    assert np.isfinite(clf.best_estimator_.normalized_margin_)


# --- parameters ------------------------------------------------------------------------------

@pytest.mark.parametrize("estimator, name", [
    (NTKRidge(alpha="x"), "alpha"), (NTKRidge(alpha=float("nan")), "alpha"), (NTKRidge(alpha=-1.0), "alpha"),
    (NTKRidge(kernel="rbf"), "kernel"), (NTKRidge(depth=0), "depth"), (NTKRidgeClassifier(alpha=np.inf), "alpha"),
    (TwoLayerReLUClassifier(lr="fast"), "lr"), (TwoLayerReLUClassifier(width=0), "width"),
    (TwoLayerReLUClassifier(steps=-1), "steps"), (TwoLayerReLUClassifier(loss="hinge"), "loss"),
    (TwoLayerReLUClassifier(random_state=-1), "random_state"), (TwoLayerReLUClassifier(tol=-0.1), "tol"),
    (TwoLayerReLUClassifier(optimizer="sgd"), "optimizer"), (TwoLayerReLUClassifier(lam=float("nan")), "lam"),
    (NTKSVC(fit_intercept="no"), "fit_intercept"), (NTKSVC(C=-1), "C"), (NTKSVC(C=0.0), "C"),
], ids=lambda v: v if isinstance(v, str) else type(v).__name__)
def test_bad_parameters_raise_naming_the_parameter(estimator, name, wei):
    X, y, _, _ = wei
    with pytest.raises((TypeError, ValueError), match=f"'{name}' parameter of {type(estimator).__name__}"):
        estimator.fit(X, y if not isinstance(estimator, NTKRidge) else X[:, 0])


def test_predict_path_refuses_bad_alphas(wei):
    X, _, Xt, _ = wei
    m = NTKRidge().fit(X, X[:, 0])
    for bad in ([1e-3, -1.0], [np.nan], [np.inf]):
        with pytest.raises(ValueError, match="^alphas: "):
            m.predict_path(Xt, bad)


# --- the kernel estimators -------------------------------------------------------------------

def test_ridge_is_pickled_without_its_decomposition_and_still_predicts_paths(wei):
    X, _, Xt, _ = wei
    yr = X[:, 0] * X[:, 2]
    m = NTKRidge(alpha=1e-3).fit(X, yr)
    m2 = pickle.loads(pickle.dumps(m))
    assert np.array_equal(m2.predict(Xt), m.predict(Xt))
    assert np.array_equal(m2.predict_path(Xt, [1e-3, 1e-1]), m.predict_path(Xt, [1e-3, 1e-1]))
    w = np.linspace(0.5, 2.0, len(X))
    mw = NTKRidge(alpha=1e-3).fit(X, yr, sample_weight=w)
    mw2 = pickle.loads(pickle.dumps(mw))
    assert np.array_equal(mw2.predict_path(Xt, [1e-3, 1e-1]), mw.predict_path(Xt, [1e-3, 1e-1]))


def test_precomputed_kernel_is_the_kernel_path_bit_for_bit(wei):
    X, y, Xt, _ = wei
    K, Kt = ml.kernel.gram(X, kernel="relu"), ml.kernel.gram(Xt, X, kernel="relu")
    yr = X[:, 0] * X[:, 2]
    a, b = NTKRidge(kernel="relu").fit(X, yr), NTKRidge(kernel="precomputed").fit(K, yr)
    assert np.array_equal(a.predict(Xt), b.predict(Kt))
    assert np.array_equal(a.predict_path(Xt, [0.0, 1e-2]), b.predict_path(Kt, [0.0, 1e-2]))
    c, e = NTKRidgeClassifier(kernel="relu").fit(X, y), NTKRidgeClassifier(kernel="precomputed").fit(K, y)
    assert np.array_equal(c.decision_function(Xt), e.decision_function(Kt))
    s, t = NTKSVC(kernel="relu").fit(X, y), NTKSVC(kernel="precomputed").fit(K, y)
    assert np.array_equal(s.decision_function(Xt), t.decision_function(Kt))
    assert np.array_equal(s.support_, t.support_) and not hasattr(t, "support_vectors_")
    grid = {"C": [0.1, 10.0]}       # the pairwise tag: model selection slices K[train][:, train]
    gk = GridSearchCV(NTKSVC(kernel="relu"), grid, cv=3).fit(X, y)
    gp = GridSearchCV(NTKSVC(kernel="precomputed"), grid, cv=3).fit(K, y)
    assert np.array_equal(gk.cv_results_["mean_test_score"], gp.cv_results_["mean_test_score"])
    with pytest.raises(ValueError, match="square"):
        NTKRidge(kernel="precomputed").fit(X, yr)
    with pytest.raises(ValueError, match="features"):
        b.predict(Xt)


def test_ridge_sample_weight_is_sklearns_kernel_ridge(wei):
    X, _, Xt, _ = wei
    yr = np.column_stack([X[:, 0] * X[:, 1] + X[:, 2], np.sin(X[:, 3])])
    w = np.random.default_rng(0).uniform(0.0, 3.0, len(X))
    w[:5] = 0.0
    K, Kt = ml.kernel.gram(X), ml.kernel.gram(Xt, X)
    for alpha in (1e-4, 1e-1, 10.0):
        ref = KernelRidge(alpha=alpha, kernel="precomputed").fit(K, yr, sample_weight=w).predict(Kt)
        ours = NTKRidge(alpha=alpha).fit(X, yr, sample_weight=w)
        scale = max(np.max(np.abs(ref)), 1.0)
        assert np.max(np.abs(ours.predict(Xt) - ref)) <= 1e-8 * scale, alpha
        assert np.max(np.abs(ours.predict_path(Xt, [alpha])[0] - ref)) <= 1e-8 * scale, alpha
        assert not np.allclose(ours.predict(Xt), NTKRidge(alpha=alpha).fit(X, yr).predict(Xt), atol=1e-6)
    counts = np.arange(len(X)) % 3                  # integer weights = repeated rows (0: left out)
    rep = np.repeat(np.arange(len(X)), counts)
    a = NTKRidge(alpha=1e-2).fit(X, yr, sample_weight=counts).predict(Xt)
    b = NTKRidge(alpha=1e-2).fit(X[rep], yr[rep]).predict(Xt)
    assert np.max(np.abs(a - b)) <= 1e-8 * np.max(np.abs(b))
    ones = NTKRidge(alpha=1e-2).fit(X, yr, sample_weight=np.ones(len(X)))
    assert np.array_equal(ones.predict(Xt), NTKRidge(alpha=1e-2).fit(X, yr).predict(Xt))
    with pytest.raises(ValueError, match="weight"):
        NTKRidge().fit(X, yr, sample_weight=-np.ones(len(X)))


def test_ridge_classifier_is_ridge_on_plus_minus_one_targets(wei, three_classes):
    X, y, Xt, yt = wei
    clf = NTKRidgeClassifier(alpha=1e-2).fit(X, y)
    reg = NTKRidge(alpha=1e-2).fit(X, np.where(y == "yes", 1.0, -1.0))
    assert list(clf.classes_) == ["no", "yes"]
    assert np.array_equal(clf.decision_function(Xt), reg.predict(Xt))
    assert np.array_equal(clf.predict(Xt), np.where(reg.predict(Xt) > 0, "yes", "no"))
    assert clf.score(Xt, yt) == np.mean(clf.predict(Xt) == yt) > 0.7
    assert reg.score(Xt, np.where(yt == "yes", 1.0, -1.0)) < 1.0      # NTKRidge.score is R²
    X3, y3, Xt3, yt3 = three_classes
    m = NTKRidgeClassifier(alpha=1e-2).fit(X3, y3)
    Y = np.where(y3[:, None] == np.array(["a", "b", "c"])[None, :], 1.0, -1.0)
    F = NTKRidge(alpha=1e-2).fit(X3, Y).predict(Xt3)
    assert np.array_equal(m.decision_function(Xt3), F)
    assert np.array_equal(m.predict(Xt3), np.array(["a", "b", "c"])[F.argmax(axis=1)])
    assert m.score(Xt3, yt3) > 0.6
    w = np.random.default_rng(1).uniform(0.5, 2.0, len(X))
    ref = KernelRidge(alpha=1e-2, kernel="precomputed").fit(ml.kernel.gram(X), np.where(y == "yes", 1.0, -1.0),
                                                           sample_weight=w)
    ours = NTKRidgeClassifier(alpha=1e-2).fit(X, y, sample_weight=w).decision_function(Xt)
    assert np.max(np.abs(ours - ref.predict(ml.kernel.gram(Xt, X)))) <= 1e-8


def test_svc_support_and_what_it_does_not_offer(wei):
    X, y, Xt, _ = wei
    svc = NTKSVC(C=10.0).fit(X, y)
    yy = np.where(y == "yes", 1.0, -1.0)
    assert svc.n_support_.sum() == len(svc.support_) == np.count_nonzero(svc.dual_coef_)
    assert list(svc.n_support_) == [np.sum(yy[svc.support_] < 0), np.sum(yy[svc.support_] > 0)]
    assert np.all(yy[svc.support_[:svc.n_support_[0]]] < 0)
    assert np.array_equal(svc.support_vectors_, X[svc.support_])
    assert svc.decision_function(Xt).shape == (len(Xt),)
    assert not hasattr(svc, "predict_proba")
    with pytest.raises(TypeError):
        svc.fit(X, y, sample_weight=np.ones(len(X)))


def test_multiclass_svc_is_refused_with_sklearn_wording():
    X = np.random.default_rng(0).standard_normal((30, 3))
    with pytest.raises(ValueError, match="Only binary classification is supported.*got 3 classes"):
        NTKSVC().fit(X, np.arange(30) % 3)
