"""Converters for scikit-learn's MultiOutputClassifier and MultiOutputRegressor.

This module owns the stacking of one fitted estimator per target: predict is their predictions as
the columns of one array, as `np.asarray([...]).T` makes it, and MultiOutputClassifier's
predict_proba is the list of each estimator's probabilities (the exported method returns them as a
tuple). Each estimator is converted by its registered converter, from the model's input as it is
(a Table of string and numeric columns included).
"""

from __future__ import annotations

from sklearn.multioutput import MultiOutputClassifier, MultiOutputRegressor

from ..errors import UnsupportedModelError
from .registry import IDENTICAL, register
from .sklearn_composition import convert, hstack, method_output, vector


def _predictions(builder, model, converted):
    predictions = [vector(builder, method_output(o, e, "predict", model)) for o, e in zip(converted, model.estimators_)]
    dtypes = sorted({p.dtype for p in predictions})
    if len(dtypes) > 1:
        raise UnsupportedModelError(
            f"{type(model).__name__} whose estimators predict labels of different kinds ({', '.join(dtypes)}) cannot be exported: "
            "numpy would turn them all into strings"
        )
    return hstack(builder, predictions)


@register(MultiOutputRegressor, methods={"predict": IDENTICAL}, composed=True, tables=True)
def multi_output_regressor(builder, model, x):
    converted = [convert(builder, e, x, model) for e in model.estimators_]
    return {"variable": _predictions(builder, model, converted)}


@register(MultiOutputClassifier, methods={"predict": IDENTICAL, "predict_proba": IDENTICAL}, composed=True, tables=True,
          note="predict_proba returns one array per output (a tuple)")
def multi_output_classifier(builder, model, x):
    converted = [convert(builder, e, x, model) for e in model.estimators_]
    outputs = {"label": _predictions(builder, model, converted)}
    if hasattr(model, "predict_proba"):
        outputs["probabilities"] = [method_output(o, e, "predict_proba", model) for o, e in zip(converted, model.estimators_)]
    # Each output has its own classes; the model as a whole has no single list of labels.
    builder.class_labels = None
    return outputs
