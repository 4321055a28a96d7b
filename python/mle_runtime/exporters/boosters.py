"""Exporters for XGBoost, LightGBM and CatBoost models: each saves the booster in its framework's
own format and hands the bytes to the engine's Java converters (the `exporters` module), which the
JVM and Spark use too, so every booster is converted by one implementation.

This module owns what only the live Python object knows: which booster a wrapper holds, the
wrapper's class labels (LightGBM and CatBoost accept any labels), its feature names and the
framework's version. It registers a saver per installed framework; it must not read the file
formats itself.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from typing import Any

import numpy as np

from ..errors import ModelError
from .registry import FLOAT32, FLOAT64, IDENTICAL, SavedModel, register_file



def _classifier(tolerance: float) -> dict[str, float]:
    """What a converted classifier offers: the wrappers' three methods (a regressor or ranker has predict)."""
    return {"predict": IDENTICAL, "predict_proba": tolerance, "decision_function": tolerance}


def _booster(tolerance: float) -> dict[str, float]:
    """What a converted raw booster offers: predict as the booster's own, and for a classification
    objective the wrappers' predict_proba and decision_function (the margins)."""
    return {"predict": tolerance, "predict_proba": tolerance, "decision_function": tolerance}


_BOOSTER_NOTE = ("predict is {}: the positive class's probability (binary), the probability matrix (multi-class), "
                 "the class index as a float (XGBoost's multi:softmax and binary:hinge), the values (regression, ranking); "
                 "predict_proba and decision_function for classification objectives")


def _feature_names(model: Any) -> list[str] | None:
    names = getattr(model, "feature_names_in_", None)
    return None if names is None else [str(n) for n in names]


def _classes(model: Any) -> Any:
    """The wrapper's classes_ when they are not simply 0..K−1 (which the converted model returns as is)."""
    if not hasattr(model, "predict_proba"):
        return None
    classes = getattr(model, "classes_", None)
    if classes is None or len(classes) == 0:
        return None
    classes = np.asarray(classes)
    if classes.dtype.kind in "iu" and np.array_equal(classes, np.arange(len(classes))):
        return None
    return classes


def _fitted(model: Any, check) -> None:
    try:
        check()
    except Exception as exc:
        raise ModelError(f"{type(model).__name__} is not fitted: call fit() before export_model() ({exc})") from exc


if importlib.util.find_spec("xgboost") is not None:
    import xgboost

    def _xgboost(model: Any, booster: Any, options: dict[str, str]) -> SavedModel:
        return SavedModel(
            framework="xgboost",
            source=f"{type(model).__name__} (XGBoost {xgboost.__version__})",
            content=bytes(booster.save_raw(raw_format="json")),
            framework_version=xgboost.__version__,
            model_type=type(model).__name__,
            feature_names=_feature_names(model) or (list(booster.feature_names) if booster.feature_names else None),
            classes=_classes(model),
            options=options,
        )

    @register_file(xgboost.XGBClassifier, xgboost.XGBRFClassifier, methods=_classifier(FLOAT32), note="margins in float32, as XGBoost computes them")
    @register_file(xgboost.XGBRegressor, xgboost.XGBRanker, xgboost.XGBRFRegressor, methods={"predict": FLOAT32})
    def xgboost_wrapper(model):
        _fitted(model, model.get_booster)
        # The wrappers predict with the trees up to best_iteration, which the converter honours by default.
        return _xgboost(model, model.get_booster(), {})

    @register_file(xgboost.Booster, methods=_booster(FLOAT32), note=_BOOSTER_NOTE.format("Booster.predict (every tree)"))
    def xgboost_booster(model):
        # Booster.predict uses every tree, whatever best_iteration says.
        return _xgboost(model, model, {"iterations": "all", "predict": "booster"})


if importlib.util.find_spec("lightgbm") is not None:
    import lightgbm

    def _lightgbm(model: Any, booster: Any, options: dict[str, str]) -> SavedModel:
        return SavedModel(
            framework="lightgbm",
            source=f"{type(model).__name__} (LightGBM {lightgbm.__version__})",
            content=booster.model_to_string().encode("utf-8"),
            framework_version=lightgbm.__version__,
            model_type=type(model).__name__,
            feature_names=_feature_names(model),
            classes=_classes(model),
            options=options,
        )

    @register_file(lightgbm.LGBMClassifier, methods=_classifier(FLOAT64))
    @register_file(lightgbm.LGBMRegressor, lightgbm.LGBMRanker, methods={"predict": FLOAT64})
    def lightgbm_wrapper(model):
        _fitted(model, lambda: model.booster_)
        # model_to_string saves the trees up to best_iteration when early stopping set one, which is
        # what both the wrappers' predict and Booster.predict use by default.
        return _lightgbm(model, model.booster_, {})

    @register_file(lightgbm.Booster, methods=_booster(FLOAT64), note=_BOOSTER_NOTE.format("Booster.predict"))
    def lightgbm_booster(model):
        return _lightgbm(model, model, {"predict": "booster"})


if importlib.util.find_spec("catboost") is not None:
    import catboost

    _CATBOOST_FEATURES = "numeric features, and categorical features whose categories are integers (up to 2^24 in magnitude)"

    def _catboost(model: Any, options: dict[str, str]) -> SavedModel:
        if not model.is_fitted():
            raise ModelError(f"{type(model).__name__} is not fitted: call fit() before export_model()")
        # CatBoost writes its JSON format only to a file.
        with tempfile.TemporaryDirectory(prefix="mle-catboost-") as tmp:
            path = os.path.join(tmp, "model.json")
            model.save_model(path, format="json")
            with open(path, "rb") as f:
                content = f.read()
        names = model.feature_names_
        return SavedModel(
            framework="catboost",
            source=f"{type(model).__name__} (CatBoost {catboost.__version__})",
            content=content,
            framework_version=catboost.__version__,
            model_type=type(model).__name__,
            feature_names=[str(n) for n in names] if names and not all(str(n) == str(i) for i, n in enumerate(names)) else None,
            classes=_classes(model),
            options=options,
        )

    @register_file(catboost.CatBoostClassifier, methods=_classifier(FLOAT64), note=_CATBOOST_FEATURES)
    @register_file(catboost.CatBoostRegressor, methods={"predict": FLOAT64}, note=_CATBOOST_FEATURES)
    def catboost_model(model):
        return _catboost(model, {})

    @register_file(catboost.CatBoost, methods={"predict": FLOAT64},
                   note=_CATBOOST_FEATURES + "; predict is CatBoost.predict's default, the raw formula values")
    def catboost_base_model(model):
        return _catboost(model, {"predict": "booster"})
