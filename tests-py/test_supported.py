"""The converter registry's promises: `supported()`, docs/SUPPORTED.md generated from it, and the
tolerance a composed model is held to."""

from __future__ import annotations

import pathlib

import pytest
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

import mle_runtime
from mle_runtime.exporters import registry, supported_doc

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "SUPPORTED.md"


def test_supported_lists_every_registered_model_with_its_methods():
    rows = mle_runtime.supported()
    assert [row["model"] for row in rows] == mle_runtime.supported_models()
    by_name = {row["model"]: row for row in rows}
    logistic = by_name["sklearn.linear_model.LogisticRegression"]
    assert logistic["methods"]["predict"] == registry.IDENTICAL
    assert logistic["methods"]["predict_proba"] == registry.FLOAT64
    assert all(row["methods"] for row in rows)


def test_supported_doc_is_generated_from_the_registry():
    assert DOC.read_text(encoding="utf-8") == supported_doc.markdown(), "docs/SUPPORTED.md is stale: run `make docs`"


def test_a_pipeline_is_held_to_its_loosest_part(datasets):
    X, y = datasets["diabetes"]
    exact = make_pipeline(DecisionTreeRegressor(max_depth=3)).fit(X, y)
    assert registry.proven_tolerance(exact, "predict") == registry.IDENTICAL
    scaled = make_pipeline(StandardScaler(), DecisionTreeRegressor(max_depth=3)).fit(X, y)
    assert registry.proven_tolerance(scaled, "predict") == registry.FLOAT64
    with pytest.raises(KeyError, match="predict_proba"):
        registry.proven_tolerance(LinearRegression().fit(X, y), "predict_proba")


def test_registering_without_a_promise_is_refused():
    class Unpromised:
        pass

    with pytest.raises(TypeError, match="methods"):
        registry.register(Unpromised, methods={})


def test_every_scikit_learn_estimator_that_predicts_or_transforms_converts_or_says_why_not():
    names, missing = registry.coverage("sklearn")
    assert len(names) - len(missing) >= 175, f"{len(names) - len(missing)} of {len(names)}"
    assert all(missing.values()), [name for name, reason in missing.items() if not reason]

