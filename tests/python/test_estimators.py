"""marginlab's scikit-learn estimators: scikit-learn's own conformance checks, model selection,
and the quantities the papers are about (the net's normalized margin and its certificate)."""
import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator  # noqa: E402

import marginlab as ml  # noqa: E402
from marginlab.estimators import NTKRidge, NTKSVC, TwoLayerReLUClassifier  # noqa: E402


@pytest.mark.parametrize("estimator", [TwoLayerReLUClassifier(steps=300), NTKRidge(), NTKSVC()],
                         ids=lambda e: type(e).__name__)
def test_passes_check_estimator(estimator):
    results = check_estimator(estimator, on_fail=None, on_skip=None)
    failed = [(r["check_name"], str(r["exception"])[:300]) for r in results if r["status"] == "failed"]
    assert not failed
    assert sum(r["status"] == "passed" for r in results) >= 50


@pytest.fixture(scope="module")
def wei():
    d = ml.data.load("wei-d:d=8,n=120,seed=2")
    t = ml.data.load("wei-d:d=8,n=200,seed=2,sample=1")
    return d.X, np.where(d.y > 0, "yes", "no"), t.X, np.where(t.y > 0, "yes", "no")


def test_classifier_margin_certificate_and_labels(wei):
    X, y, Xt, yt = wei
    clf = TwoLayerReLUClassifier(width=64, lam=1e-2, steps=2000, lr=0.5).fit(X, y)
    assert list(clf.classes_) == ["no", "yes"] and set(clf.predict(Xt)) <= {"no", "yes"}
    yy = np.where(y == "yes", 1.0, -1.0)
    assert clf.normalized_margin_ == ml.margin.normalized_margin(clf.weights_, X, yy, clf.output_scale_)
    c = clf.certify()
    assert c["objective"] == pytest.approx(clf.objective_, rel=1e-12)
    lower = c["lower_bound"] if c["certified"] else c["lower_estimate"]
    assert lower <= c["objective"]
    g = ml.margin.global_optimum(X, yy, lambda_=1e-2)
    assert g["objective"] <= c["objective"] + 1e-12          # Θ_λ is at least as good as GD's net
    assert clf.score(X, y) > 0.9


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
    clf = GridSearchCV(TwoLayerReLUClassifier(steps=200), {"lam": [1e-3, 1e-1]}, cv=2).fit(X, y)
    assert np.isfinite(clf.best_estimator_.normalized_margin_)


def test_ridge_is_pickled_without_its_decomposition_and_still_predicts_paths(wei):
    import pickle

    X, _, Xt, _ = wei
    yr = X[:, 0] * X[:, 2]
    m = NTKRidge(alpha=1e-3).fit(X, yr)
    m2 = pickle.loads(pickle.dumps(m))
    assert np.array_equal(m2.predict(Xt), m.predict(Xt))
    assert np.array_equal(m2.predict_path(Xt, [1e-3, 1e-1]), m.predict_path(Xt, [1e-3, 1e-1]))


def test_multiclass_is_refused_with_sklearn_wording():
    X = np.random.default_rng(0).standard_normal((30, 3))
    with pytest.raises(ValueError, match="Only binary classification is supported.*got 3 classes"):
        NTKSVC().fit(X, np.arange(30) % 3)
