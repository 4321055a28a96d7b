"""RandomTreesEmbedding against scikit-learn's own transform: each tree's leaf one-hot encoded, as
dense output and inside a pipeline with a linear model."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_methods_match
from mle_runtime import UnsupportedModelError, export_model
from sklearn.ensemble import RandomTreesEmbedding
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "diabetes"])
@pytest.mark.parametrize("trees, depth", [(5, 3), (20, 5), (1, 1)])
def test_leaves_are_one_hot_encoded_as_scikit_learn_does(datasets, export_load, name, trees, depth):
    X, _ = datasets[name]
    model = RandomTreesEmbedding(n_estimators=trees, max_depth=depth, sparse_output=False, random_state=0).fit(X)
    assert_methods_match(model, export_load(model), X)
    moved = X + np.random.default_rng(1).normal(0, 0.5, X.shape) * X.std(axis=0)
    np.testing.assert_array_equal(export_load(model).transform(moved), model.transform(moved))


def test_inside_a_pipeline_the_sparse_embedding_is_computed_densely(datasets, export_load):
    X, y = datasets["breast_cancer"]
    model = make_pipeline(RandomTreesEmbedding(n_estimators=10, max_depth=4, random_state=0), LogisticRegression(max_iter=500)).fit(X, y)
    assert_methods_match(model, export_load(model), X)


def test_the_sparse_embedding_alone_is_refused_with_the_setting_to_change(datasets, model_dir):
    X, _ = datasets["iris"]
    with pytest.raises(UnsupportedModelError, match="sparse_output=False"):
        export_model(RandomTreesEmbedding(n_estimators=3, random_state=0).fit(X), model_dir / "rte.mle")
