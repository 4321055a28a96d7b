"""DictionaryLearning, MiniBatchDictionaryLearning and SparseCoder transform with threshold coding
against scikit-learn's own; the iterative coding algorithms are refused by name."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_methods_match
from mle_runtime import UnsupportedModelError, export_model
from sklearn.decomposition import DictionaryLearning, MiniBatchDictionaryLearning, SparseCoder
from sklearn.preprocessing import StandardScaler


@pytest.mark.parametrize("name", ["iris", "wine", "diabetes"])
@pytest.mark.parametrize("estimator", [DictionaryLearning, MiniBatchDictionaryLearning])
@pytest.mark.parametrize("options", [{}, {"transform_alpha": 0.3}, {"positive_code": True, "fit_algorithm": "cd"}, {"split_sign": True}])
def test_threshold_coding(datasets, export_load, name, estimator, options):
    X = StandardScaler().fit_transform(datasets[name][0])
    model = estimator(n_components=5, transform_algorithm="threshold", max_iter=5, random_state=0, **options).fit(X)
    assert_methods_match(model, export_load(model), X)


@pytest.mark.parametrize("alpha", [None, 0.5])
@pytest.mark.parametrize("split_sign", [False, True])
def test_sparse_coder_with_a_given_dictionary(datasets, export_load, alpha, split_sign):
    X, _ = datasets["wine"]
    dictionary = np.random.default_rng(0).normal(size=(6, X.shape[1]))
    model = SparseCoder(dictionary, transform_algorithm="threshold", transform_alpha=alpha, split_sign=split_sign).fit(X)
    assert_methods_match(model, export_load(model), X)


def test_iterative_coding_is_refused_by_name(datasets, model_dir):
    X, _ = datasets["iris"]
    with pytest.raises(UnsupportedModelError, match="transform_algorithm='omp'"):
        export_model(DictionaryLearning(n_components=3, max_iter=3, random_state=0).fit(X), model_dir / "omp.mle")
