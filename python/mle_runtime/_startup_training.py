"""The workload the JVM's start-up cache records (run by `startup_cache.build_startup_cache` in a
child process started with -XX:AOTCacheOutput): what a process does from its first load to steady
scoring, on small models of the kinds people deploy."""

from __future__ import annotations

import os
import tempfile


def main() -> None:
    """The workload the cache records: what a process does from its first load to steady scoring."""
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    import mle_runtime

    X, y = load_breast_cancer(return_X_y=True)
    words = np.array([f"case {i % 7} of {'benign' if t else 'malignant'} tissue" for i, t in enumerate(y)], dtype=object)
    models = [
        (make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), X),
        (RandomForestClassifier(50, max_depth=8, random_state=0), X),
        (HistGradientBoostingClassifier(max_iter=50, random_state=0), X),
        (make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression()), words),
    ]
    encoded = ColumnTransformer([("kind", OneHotEncoder(handle_unknown="ignore"), [0])], remainder=StandardScaler())
    models.append((make_pipeline(encoded, LogisticRegression(max_iter=2000)), np.round(X[:, :5])))
    with tempfile.TemporaryDirectory(prefix="mle-aot-") as directory:
        for i, (model, data) in enumerate(models):
            model.fit(data, y)
            path = os.path.join(directory, f"model{i}.mle")
            mle_runtime.export_model(model, path)
            with mle_runtime.load_model(path) as loaded:
                for r in range(3000):
                    loaded.predict_proba(data[r % len(data): r % len(data) + 1])
                    loaded.predict(data[r % len(data): r % len(data) + 1])
                for _ in range(20):
                    loaded.predict_proba(data)


if __name__ == "__main__":
    main()
