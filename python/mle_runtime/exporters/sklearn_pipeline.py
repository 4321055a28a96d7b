"""Converter for scikit-learn's Pipeline (and make_pipeline), composing the steps' converters.

This module owns chaining: each step but the last must convert to a "transformed" value that feeds
the next, and the pipeline's outputs are those of its final step (a transformer's "transformed", a
classifier's labels, scores and probabilities, a regressor's values). Steps set to None or
"passthrough" are skipped. It must not convert any step itself; the registry finds each step's
converter.
"""

from __future__ import annotations

from sklearn.pipeline import Pipeline

from ..errors import ModelError
from .registry import IDENTICAL, converter_for, register


@register(Pipeline, methods=dict.fromkeys(("predict", "predict_proba", "decision_function", "transform", "score_samples"), IDENTICAL),
          composed=True, note="the methods of its final step")
def pipeline(builder, model, x):
    steps = [(name, step) for name, step in model.steps if step is not None and step != "passthrough"]
    if not steps:
        return {"transformed": x}
    for name, step in steps[:-1]:
        outputs = converter_for(step)(builder, step, x)
        if "transformed" not in outputs:
            raise ModelError(f"pipeline step {name!r} ({type(step).__name__}) is not a transformer, but other steps follow it")
        x = outputs["transformed"]
    _, final = steps[-1]
    return converter_for(final)(builder, final, x)
