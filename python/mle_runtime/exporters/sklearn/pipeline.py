"""Converter for scikit-learn's Pipeline (and make_pipeline), composing the steps' converters.

This module owns chaining: each step but the last must convert to a "transformed" value that feeds
the next, and the pipeline's outputs are those of its final step (a transformer's "transformed", a
classifier's labels, scores and probabilities, a regressor's values). Steps set to None or
"passthrough" are skipped. The input, a matrix, a Table of columns or a vector [N] (when the first
step takes one: a vectorizer's documents), goes to the first step as it is; the columns the pipeline
reads are those its first step reads. It must not convert any step itself; the registry finds each
step's converter.
"""

from __future__ import annotations

from sklearn.pipeline import Pipeline

from ...errors import ModelError
from .. import columns
from ..columns import ANY
from ..registry import ANYTHING, IDENTICAL, converter_for, register


def _steps(model):
    return [(name, step) for name, step in model.steps if step is not None and not (isinstance(step, str) and step == "passthrough")]


@columns.kinds(Pipeline)
def _pipeline_kinds(model, n: int) -> list:
    for _, step in _steps(model):
        found = columns.input_kinds(step, n)
        # A step that passes every column on as it is (FunctionTransformer(func=None)) leaves the choice to the next.
        if any(kind != ANY for kind in found):
            return found
    return [ANY] * n


@columns.vector_input(Pipeline)
def _pipeline_vector(model) -> str | None:
    """A pipeline takes the vector its first step takes (a vectorizer's documents), if it takes one."""
    steps = _steps(model)
    return columns.vector_dtype(steps[0][1]) if steps else None


@register(Pipeline, missing=ANYTHING, methods=dict.fromkeys(("predict", "predict_proba", "decision_function", "transform", "score_samples"), IDENTICAL),
          composed=True, tables=True, note="the methods of its final step")
def pipeline(builder, model, x):
    steps = _steps(model)
    if not steps:
        return {"transformed": x}
    for name, step in steps[:-1]:
        outputs = converter_for(step)(builder, step, x)
        if "transformed" not in outputs:
            raise ModelError(f"pipeline step {name!r} ({type(step).__name__}) is not a transformer, but other steps follow it")
        x = outputs["transformed"]
    # The final step's outputs are the pipeline's: an earlier step's sparse matrix never reaches the
    # caller and is computed densely, with equal values.
    _, final = steps[-1]
    return converter_for(final)(builder, final, x)
