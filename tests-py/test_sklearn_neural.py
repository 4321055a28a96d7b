"""Multi-layer perceptrons against scikit-learn: every activation, binary, multiclass and multilabel
classification, single and multi-output regression."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_proven
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
CLASSIFIER_METHODS = ("predict", "predict_proba", "predict_log_proba")


@pytest.fixture(scope="module")
def data(all_datasets):
    return {name: (StandardScaler().fit_transform(X), y) for name, (X, y) in all_datasets.items()}


def _compare(model, loaded, X, methods):
    assert sorted(loaded.methods) == sorted(methods)
    for method in methods:
        assert_proven(model, method, getattr(loaded, method)(X), getattr(model, method)(X))


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_classifier(data, export_load, name, activation):
    X, y = data[name]
    model = MLPClassifier(hidden_layer_sizes=(16, 8), activation=activation, max_iter=60, random_state=0).fit(X, y)
    _compare(model, export_load(model), X, CLASSIFIER_METHODS)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_classifier_labels_and_multilabel(data, export_load, activation):
    X, y = data["wine"]
    names = np.array(["barolo", "grignolino", "barbera"])[y]
    model = MLPClassifier(hidden_layer_sizes=(10,), activation=activation, max_iter=60, random_state=1).fit(X, names)
    _compare(model, export_load(model), X, CLASSIFIER_METHODS)
    binary = MLPClassifier(hidden_layer_sizes=(6,), activation=activation, max_iter=60, random_state=2).fit(X, names == "barbera")
    _compare(binary, export_load(binary), X, CLASSIFIER_METHODS)
    indicators = np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int)
    multilabel = MLPClassifier(hidden_layer_sizes=(12,), activation=activation, max_iter=80, random_state=3).fit(X, indicators)
    predicted = multilabel.predict(X)
    assert predicted.ndim == 2 and 0 < predicted.sum() < predicted.size
    _compare(multilabel, export_load(multilabel), X, CLASSIFIER_METHODS)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("outputs", [1, 2])
def test_mlp_regressor(data, export_load, activation, outputs):
    X, y = data["diabetes"]
    target = y if outputs == 1 else np.column_stack([y, -0.5 * y])
    model = MLPRegressor(hidden_layer_sizes=(20, 10), activation=activation, max_iter=80, random_state=0).fit(X, target)
    _compare(model, export_load(model), X, ("predict",))
