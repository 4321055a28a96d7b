"""scikit-learn's libsvm estimators (SVC, NuSVC, SVR, NuSVR, OneClassSVM) against their own outputs: every
kernel libsvm offers, one-vs-one and one-vs-rest decision shapes, break_ties, libsvm's probabilities,
string labels, rows whose one-vs-one votes tie, and the refusals of what a model file cannot hold."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import CLASSIFICATION, assert_proven
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR, NuSVC, NuSVR, OneClassSVM

import mle_runtime
from mle_runtime import UnsupportedModelError

# SVC(probability=True) is deprecated from scikit-learn 1.9 on, but it still fits and predicts.
pytestmark = pytest.mark.filterwarnings("ignore:The `probability` parameter:FutureWarning")

KERNELS = {
    "linear": dict(kernel="linear"),
    "poly": dict(kernel="poly", degree=3, gamma="scale", coef0=0.5),
    "poly-degree2-auto": dict(kernel="poly", degree=2, gamma="auto", coef0=1.0),
    "rbf-scale": dict(kernel="rbf", gamma="scale"),
    "rbf-auto": dict(kernel="rbf", gamma="auto"),
    "rbf-0.05": dict(kernel="rbf", gamma=0.05),
    "sigmoid": dict(kernel="sigmoid", gamma=0.01, coef0=-0.5),
}

METHODS = ("predict", "decision_function", "predict_proba", "score_samples")


@pytest.fixture(scope="module")
def scaled(datasets):
    """name → (standardised X, y) for the bundled datasets and digits; libsvm needs scaled inputs."""
    data = dict(datasets)
    data["digits"] = load_digits(return_X_y=True)
    return {name: (StandardScaler().fit_transform(X), y) for name, (X, y) in data.items()}


def compare(model, loaded, X):
    compared = []
    for method in METHODS:
        if not hasattr(model, method):
            assert not hasattr(loaded, method), f"the exported model has {method}, scikit-learn's has not"
            continue
        assert_proven(model, method, getattr(loaded, method)(X), getattr(model, method)(X))
        compared.append(method)
    return compared


def _classifier_cases():
    for name, params in KERNELS.items():
        for data in CLASSIFICATION:
            yield pytest.param(data, SVC(**params), id=f"SVC-{name}-{data}")
    for data in CLASSIFICATION:
        yield pytest.param(data, SVC(decision_function_shape="ovo"), id=f"SVC-ovo-{data}")
        yield pytest.param(data, SVC(kernel="poly", decision_function_shape="ovo", break_ties=False), id=f"SVC-poly-ovo-{data}")
        yield pytest.param(data, SVC(break_ties=True), id=f"SVC-break_ties-{data}")
        yield pytest.param(data, SVC(probability=True, random_state=0), id=f"SVC-probability-{data}")
        yield pytest.param(data, SVC(kernel="poly", probability=True, random_state=0, decision_function_shape="ovo"),
                           id=f"SVC-poly-probability-ovo-{data}")
        yield pytest.param(data, SVC(C=3.0, class_weight="balanced"), id=f"SVC-class_weight-{data}")
        yield pytest.param(data, NuSVC(nu=0.3), id=f"NuSVC-{data}")
        yield pytest.param(data, NuSVC(nu=0.3, kernel="sigmoid", gamma=0.02, probability=True, random_state=0),
                           id=f"NuSVC-sigmoid-probability-{data}")
        yield pytest.param(data, NuSVC(nu=0.2, kernel="linear", decision_function_shape="ovo"), id=f"NuSVC-linear-ovo-{data}")
    yield pytest.param("digits", SVC(probability=True, random_state=0), id="SVC-probability-digits")
    yield pytest.param("digits", SVC(kernel="poly", break_ties=True), id="SVC-poly-break_ties-digits")
    yield pytest.param("digits", NuSVC(nu=0.1, decision_function_shape="ovo"), id="NuSVC-ovo-digits")


@pytest.mark.parametrize("data, template", list(_classifier_cases()))
def test_classifiers_match_sklearn(scaled, export_load, data, template):
    X, y = scaled[data]
    model = clone(template).fit(X, y)
    compared = compare(model, export_load(model), X)
    assert "predict_proba" in compared or not model.probability or model.probability == "deprecated"


def test_string_labels_and_float32_input(scaled, export_load):
    X, y = scaled["iris"]
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = SVC(probability=True, random_state=0).fit(X, names)
    loaded = export_load(model)
    assert loaded.predict(X).dtype.kind == "U"
    compare(model, loaded, X)
    X32 = X.astype(np.float32)
    compare(model, loaded, X32)


def test_pipeline_with_raw_features(datasets, export_load):
    X, y = datasets["wine"]
    model = make_pipeline(StandardScaler(), SVC(kernel="poly", probability=True, random_state=0)).fit(X, y)
    assert compare(model, export_load(model), X) == ["predict", "decision_function", "predict_proba"]


def test_tied_votes_break_as_libsvm_and_as_break_ties(scaled, export_load):
    """Rows spread beyond the data, where the one-vs-one votes of three or more classes often tie:
    predict takes libsvm's first class with most votes, break_ties the one-vs-rest argmax."""
    X, y = scaled["wine"]
    rows = np.random.default_rng(0).normal(scale=2.5, size=(3000, X.shape[1]))
    for template in (SVC(kernel="rbf", gamma=0.02), SVC(kernel="rbf", gamma=0.02, break_ties=True), SVC(kernel="linear", C=0.05)):
        model = clone(template).fit(X, y)
        decisions = model.decision_function(rows)
        votes = np.floor(decisions + 0.5)
        assert np.any(np.all(votes == 1, axis=1)), "no row with tied votes"
        compare(model, export_load(model), rows)


def test_model_fitted_on_sparse_data(scaled, export_load):
    X, y = scaled["iris"]
    model = SVC(kernel="poly", degree=2).fit(sp.csr_matrix(X), y)
    compare(model, export_load(model), X)


def _regressor_cases():
    for name, params in KERNELS.items():
        yield pytest.param(SVR(C=20.0, epsilon=5.0, **params), id=f"SVR-{name}")
    yield pytest.param(NuSVR(nu=0.4, C=10.0), id="NuSVR-rbf")
    yield pytest.param(NuSVR(nu=0.6, kernel="poly", degree=2, coef0=1.0), id="NuSVR-poly")


@pytest.mark.parametrize("template", list(_regressor_cases()))
def test_regressors_match_sklearn(scaled, export_load, template):
    X, y = scaled["diabetes"]
    model = clone(template).fit(X, y)
    assert compare(model, export_load(model), X) == ["predict"]


def _one_class_cases():
    for name, params in KERNELS.items():
        for data in ("iris", "breast_cancer", "diabetes"):
            yield pytest.param(data, OneClassSVM(nu=0.2, **params), id=f"OneClassSVM-{name}-{data}")


@pytest.mark.parametrize("data, template", list(_one_class_cases()))
def test_one_class_svm_matches_sklearn(scaled, export_load, data, template):
    X, _ = scaled[data]
    model = clone(template).fit(X)
    rows = np.vstack([X, np.random.default_rng(1).normal(scale=3.0, size=(200, X.shape[1]))])
    loaded = export_load(model)
    assert compare(model, loaded, rows) == ["predict", "decision_function", "score_samples"]
    assert set(np.unique(loaded.predict(rows))) == {-1, 1}


@pytest.mark.parametrize("estimator", [SVC, NuSVC, SVR, NuSVR, OneClassSVM])
@pytest.mark.parametrize("kernel", ["precomputed", "callable"])
def test_precomputed_and_callable_kernels_are_refused(scaled, tmp_path, estimator, kernel):
    X, y = scaled["iris"]
    X = X[::3]
    y = y[::3]
    if kernel == "callable":
        model = estimator(kernel=lambda a, b: a @ b.T)
        shown = "a callable"
    else:
        model = estimator(kernel="precomputed")
        X = X @ X.T
        shown = "'precomputed'"
    model.fit(X) if estimator is OneClassSVM else model.fit(X, y)
    supported = "code" if kernel == "callable" else "linear, poly, rbf, sigmoid"
    with pytest.raises(UnsupportedModelError, match=f"{estimator.__name__}\\(kernel={shown}\\).*{supported}"):
        mle_runtime.export_model(model, tmp_path / "m.mle")
    assert not (tmp_path / "m.mle").exists()


def test_break_ties_with_ovo_is_refused(scaled, tmp_path):
    X, y = scaled["iris"]
    model = SVC(break_ties=True, decision_function_shape="ovo").fit(X, y)
    with pytest.raises(UnsupportedModelError, match="break_ties=True, decision_function_shape='ovo'"):
        mle_runtime.export_model(model, tmp_path / "m.mle")
