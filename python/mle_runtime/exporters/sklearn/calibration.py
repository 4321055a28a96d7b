"""Converters for scikit-learn's probability calibration: CalibratedClassifierCV, IsotonicRegression
and FrozenEstimator (how a prefitted classifier is handed to CalibratedClassifierCV).

This module owns the translation of calibrated classifiers as `sklearn.calibration` computes them:
per fitted pair, the classifier's decision_function (or probabilities), one calibrator per class
(Platt's sigmoid `expit(−(a·f + b))` or isotonic interpolation), the per-class normalisation and
the clip of values just above 1; then the mean over the pairs. Isotonic interpolation is the
engine's Interpolate operator, numpy's `interp` operation for operation.
"""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV, _SigmoidCalibration
from sklearn.frozen import FrozenEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.preprocessing import LabelEncoder

from ...errors import UnsupportedModelError
from ...ir import BATCH, Value
from ..registry import ANYTHING, FLOAT64, IDENTICAL, register
from .common import class_labels, uniform_normalized_rows
from .composition import (
    argmax,
    binary,
    column,
    convert,
    hstack,
    method_output,
    relabel,
    running_sum,
    vector,
    zeros_like,
)

_OUT_OF_BOUNDS = {"clip": "clip", "nan": "nan", "raise": "error"}


def isotonic(builder, model: IsotonicRegression, values: Value) -> Value:
    """IsotonicRegression.predict of a vector [N]: clip to the fitted range (out_of_bounds="clip"),
    interpolate through the thresholds, NaN outside it ("nan"), or an error ("raise")."""
    xp = np.asarray(model.X_thresholds_)
    fp = np.asarray(model.y_thresholds_)
    if xp.dtype != np.float64:
        raise UnsupportedModelError(
            f"IsotonicRegression fitted on {xp.dtype} data cannot be exported (scipy interpolates it in {xp.dtype}); fit it on float64"
        )
    # A single threshold predicts its value everywhere, whatever out_of_bounds says.
    mode = "clip" if len(xp) == 1 else _OUT_OF_BOUNDS[model.out_of_bounds]
    out = builder.add_node("Interpolate", [values.name, builder.add_constant("x_thresholds", xp),
                                           builder.add_constant("y_thresholds", fp.astype(np.float64))],
                           builder.unique_name("isotonic"), out_of_bounds=mode)
    return Value(out, "float64", values.shape)


@register(IsotonicRegression, methods={"predict": IDENTICAL, "transform": IDENTICAL},
          note="increasing, decreasing or auto; out_of_bounds clip, nan and raise (an error at run time); float64 fits")
def isotonic_regression(builder, model, x):
    prediction = isotonic(builder, model, vector(builder, x))
    transformed = builder.add_node("Identity", [prediction.name], builder.unique_name("transformed"))
    return {"variable": prediction, "transformed": Value(transformed, "float64", (BATCH,))}


def _calibrator(builder, calibrator, values: Value) -> Value:
    if isinstance(calibrator, _SigmoidCalibration):
        # expit(−(a · f + b))
        linear = binary(builder, "Add", binary(builder, "Mul", values, float(calibrator.a_), "platt"), float(calibrator.b_), "platt")
        negated = builder.add_node("Neg", [linear.name], builder.unique_name("platt"))
        return Value(builder.add_node("Sigmoid", [negated], builder.unique_name("calibrated")), "float64", values.shape)
    if isinstance(calibrator, IsotonicRegression):
        return isotonic(builder, calibrator, values)
    raise UnsupportedModelError(f"calibrator {type(calibrator).__name__} cannot be exported")


def _calibrated_probabilities(builder, model, pair, x) -> Value:
    """_CalibratedClassifier.predict_proba of one (classifier, calibrators) pair."""
    estimator = pair.estimator
    outputs = convert(builder, estimator, x, model)
    n_classes = len(pair.classes)
    if hasattr(estimator, "decision_function"):
        predictions = method_output(outputs, estimator, "decision_function", model)
    else:
        predictions = method_output(outputs, estimator, "predict_proba", model)
        # Binary probabilities are reduced to the positive (last) class's column.
        if n_classes == 2:
            predictions = column(builder, predictions, predictions.shape[1] - 1)
    columns = [vector(builder, predictions)] if len(predictions.shape) == 1 else [
        column(builder, predictions, j) for j in range(predictions.shape[1])]
    class_indices = LabelEncoder().fit(pair.classes).transform(estimator.classes_)
    calibrated: dict[int, Value] = {}
    for class_index, values, calibrator in zip(class_indices, columns, pair.calibrators):
        calibrated[int(class_index) + (1 if n_classes == 2 else 0)] = _calibrator(builder, calibrator, values)
    if n_classes == 2:
        proba = hstack(builder, [binary(builder, "Sub", 1.0, calibrated[1], "complement"), calibrated[1]])
    else:
        # Classes the classifier never saw keep probability 0.
        missing = [k for k in range(n_classes) if k not in calibrated]
        if missing:
            zeros = zeros_like(builder, next(iter(calibrated.values())))
            calibrated.update(dict.fromkeys(missing, zeros))
        stacked = hstack(builder, [calibrated[k] for k in range(n_classes)])
        proba = uniform_normalized_rows(builder, stacked)
    # proba[(1 < proba) & (proba <= 1 + 1e-5)] = 1: no calibrated value exceeds 1 by more than
    # rounding (sigmoids and interpolations of 0/1 targets stay within [0, 1]), so clipping at 1 is that.
    low, high = builder.add_constant("no_floor", np.float64(-np.inf)), builder.add_constant("one", np.float64(1.0))
    clipped = builder.add_node("Clip", [proba.name, low, high], builder.unique_name("clipped"))
    return Value(clipped, "float64", proba.shape)


@register(CalibratedClassifierCV, missing=ANYTHING, methods={"predict": IDENTICAL, "predict_proba": FLOAT64}, composed=True, tables=True,
          note="method sigmoid or isotonic; ensemble True or False; a FrozenEstimator for a prefitted classifier")
def calibrated_classifier(builder, model, x):
    if model.method not in ("sigmoid", "isotonic"):
        raise UnsupportedModelError(
            f"CalibratedClassifierCV(method={model.method!r}) cannot be exported; supported methods: sigmoid, isotonic"
        )
    shares = [_calibrated_probabilities(builder, model, pair, x) for pair in model.calibrated_classifiers_]
    proba = binary(builder, "Div", running_sum(builder, shares), float(len(shares)), "mean")
    labels = class_labels(builder, model.classes_)
    return {"probabilities": proba, "label": relabel(builder, argmax(builder, proba), labels, builder.class_labels[0])}


@register(FrozenEstimator, missing=ANYTHING, methods={"predict": IDENTICAL, "predict_proba": IDENTICAL, "decision_function": IDENTICAL,
                                    "transform": IDENTICAL}, composed=True, tables=True, note="the methods of the estimator it holds")
def frozen_estimator(builder, model, x):
    return convert(builder, model.estimator, x, model)
