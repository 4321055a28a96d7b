"""The datasets and models every section of the benchmark measures.

To add a model, append a `ModelSpec` to `MODELS`: a key, a title, its family (which decides the
competitors that can express it, see `competitors`) and a function from a thread count to an
unfitted estimator. Every section then measures it, and a runtime that cannot export it yet is
reported as "not yet supported" instead of stopping the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

BATCH_ROWS = 10_000


@dataclass(frozen=True)
class ModelSpec:
    key: str
    title: str
    family: str  # linear, pipeline, forest, xgboost, lightgbm, catboost, mlp
    build: Callable[[int], Any]


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    X: np.ndarray
    y: np.ndarray
    real: bool

    @property
    def batch(self) -> np.ndarray:
        """BATCH_ROWS rows of X (repeated when X has fewer), C-contiguous float64: what every runtime scores."""
        reps = -(-BATCH_ROWS // len(self.X))
        return np.ascontiguousarray(np.tile(self.X, (reps, 1))[:BATCH_ROWS], dtype=np.float64)


def _logistic(threads: int):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=5000)


def _encoded_logistic(threads: int):
    """Scaling and one-hot encoding in a ColumnTransformer: the first four columns binned (8 bins)
    and one-hot encoded, the others standardised, then a logistic regression."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder, StandardScaler

    binned = make_pipeline(KBinsDiscretizer(n_bins=8, encode="ordinal", quantile_method="averaged_inverted_cdf"),
                           OneHotEncoder(handle_unknown="ignore", sparse_output=False))
    prepare = ColumnTransformer([("onehot", binned, [0, 1, 2, 3])], remainder=StandardScaler())
    return make_pipeline(prepare, LogisticRegression(max_iter=1000))


def _forest(threads: int):
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=100, n_jobs=threads, random_state=0)


def _xgboost(threads: int):
    import xgboost

    return xgboost.XGBClassifier(n_estimators=500, max_depth=6, n_jobs=threads, random_state=0)


def _lightgbm(threads: int):
    import lightgbm

    return lightgbm.LGBMClassifier(n_estimators=500, num_leaves=63, n_jobs=threads, random_state=0, verbose=-1)


def _catboost(threads: int):
    import catboost

    return catboost.CatBoostClassifier(iterations=500, depth=6, thread_count=threads, random_seed=0, verbose=0, allow_writing_files=False)


def _mlp(threads: int):
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(100, 50), max_iter=300, early_stopping=True, random_state=0))


MODELS: list[ModelSpec] = [
    ModelSpec("logreg", "LogisticRegression", "linear", _logistic),
    ModelSpec("pipeline", "Pipeline(one-hot + StandardScaler, LogisticRegression)", "pipeline", _encoded_logistic),
    ModelSpec("forest", "RandomForest (100 trees)", "forest", _forest),
    ModelSpec("xgboost", "XGBoost (500 trees, depth 6)", "xgboost", _xgboost),
    ModelSpec("lightgbm", "LightGBM (500 trees, 63 leaves)", "lightgbm", _lightgbm),
    ModelSpec("catboost", "CatBoost (500 trees, depth 6)", "catboost", _catboost),
    ModelSpec("mlp", "Pipeline(StandardScaler, MLPClassifier 100-50)", "mlp", _mlp),
]


def datasets(keys: list[str] | None = None) -> list[Dataset]:
    from sklearn.datasets import load_breast_cancer, make_classification

    X, y = make_classification(n_samples=20_000, n_features=30, n_informative=15, random_state=0)
    Xb, yb = load_breast_cancer(return_X_y=True)
    found = [
        Dataset("synthetic", "synthetic 20 000 × 30", X, y, real=False),
        Dataset("breast_cancer", "breast_cancer 569 × 30", Xb, yb, real=True),
    ]
    return [d for d in found if keys is None or d.key in keys]


def models(keys: list[str] | None = None) -> list[ModelSpec]:
    unknown = sorted(set(keys or ()) - {m.key for m in MODELS})
    if unknown:
        raise SystemExit(f"unknown models {unknown}; known: {', '.join(m.key for m in MODELS)}")
    return [m for m in MODELS if keys is None or m.key in keys]
