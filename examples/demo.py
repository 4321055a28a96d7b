"""Train a few models on datasets bundled with scikit-learn, export them to .mle, load them back and
compare with joblib + scikit-learn: file size, load time, one-row latency, 10 000-row throughput and
the largest difference between the two sets of outputs."""

import os
import statistics
import tempfile
import time

import joblib
import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestClassifier
from sklearn.linear_model import ElasticNet, LogisticRegression, Ridge, SGDClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import LinearSVC

import mle_runtime


def timed(fn, repeat, inner=1, warmup_seconds=1.5):
    """Median seconds per call of `fn` over `repeat` samples of `inner` calls, after calling it for
    `warmup_seconds` first so that the JIT compilers on both sides have settled."""
    deadline = time.perf_counter() + warmup_seconds
    while time.perf_counter() < deadline:
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples)


def models():
    X, y = load_breast_cancer(return_X_y=True)
    yield "breast_cancer: StandardScaler + LogisticRegression", make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=5000)).fit(X, y), X, "predict_proba"
    yield "breast_cancer: RandomForestClassifier (100 trees)", RandomForestClassifier(
        n_estimators=100, random_state=0).fit(X, y), X, "predict_proba"
    X, y = load_iris(return_X_y=True)
    yield "iris: StandardScaler + multinomial LogisticRegression", make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=5000)).fit(X, y), X, "predict_proba"
    X, y = load_wine(return_X_y=True)
    yield "wine: MinMaxScaler + LinearSVC", make_pipeline(
        MinMaxScaler(), LinearSVC()).fit(X, y), X, "decision_function"
    yield "wine: StandardScaler + SGDClassifier(log_loss)", make_pipeline(
        StandardScaler(), SGDClassifier(loss="log_loss", random_state=0)).fit(X, y), X, "predict_proba"
    X, y = load_diabetes(return_X_y=True)
    yield "diabetes: Ridge", Ridge().fit(X, y), X, "predict"
    yield "diabetes: StandardScaler + ElasticNet", make_pipeline(
        StandardScaler(), ElasticNet(alpha=0.01)).fit(X, y), X, "predict"
    yield "diabetes: HistGradientBoostingRegressor (100 trees)", HistGradientBoostingRegressor(
        random_state=0).fit(X, y), X, "predict"


def faster(ours, theirs):
    """`theirs / ours` as "N.N× faster", or "N.N× slower" when ours takes longer."""
    return f"{theirs / ours:.1f}× faster" if ours <= theirs else f"{ours / theirs:.1f}× slower"


def fmt_time(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"


def main():
    workdir = tempfile.mkdtemp(prefix="mle-demo-")
    print(f"MLE Runtime {mle_runtime.__version__} demo — engine kernels: {mle_runtime.engine_info()['kernels']}")
    print(f"Java: {mle_runtime.engine_info()['java_home']}\n")
    for title, model, X, method in models():
        mle_path = os.path.join(workdir, "model.mle")
        joblib_path = os.path.join(workdir, "model.joblib")
        mle_runtime.export_model(model, mle_path)
        joblib.dump(model, joblib_path)

        loaded = mle_runtime.load_model(mle_path)
        opened = []
        load_mle = timed(lambda: opened.append(mle_runtime.load_model(mle_path)), repeat=15, inner=20)
        for other in opened:
            other.close()
        load_joblib = timed(lambda: joblib.load(joblib_path), repeat=15, inner=20)

        ours, theirs = getattr(loaded, method), getattr(model, method)
        one = X[:1]
        row_mle = timed(lambda: ours(one), repeat=30, inner=50)
        row_sk = timed(lambda: theirs(one), repeat=30, inner=50)

        big = np.tile(X, (10_000 // len(X) + 1, 1))[:10_000]
        batch_mle = timed(lambda: ours(big), repeat=9)
        batch_sk = timed(lambda: theirs(big), repeat=9)

        expected, actual = theirs(big), ours(big)
        max_diff = float(np.max(np.abs(np.asarray(expected, dtype=float) - np.asarray(actual, dtype=float))))
        is_classifier = hasattr(model, "classes_")
        labels_equal = np.array_equal(model.predict(big), loaded.predict(big)) if is_classifier else None
        loaded.close()

        size_mle, size_joblib = os.path.getsize(mle_path), os.path.getsize(joblib_path)
        print(f"== {title} ({method})")
        print(f"   {'':24}{'.mle':>14}{'joblib+sklearn':>16}{'ratio':>10}")
        print(f"   {'file size':24}{size_mle:>12} B{size_joblib:>14} B{size_mle / size_joblib:>13.2f}×")
        print(f"   {'load (warm process)':24}{fmt_time(load_mle):>14}{fmt_time(load_joblib):>16}{faster(load_mle, load_joblib):>16}")
        print(f"   {'one-row latency':24}{fmt_time(row_mle):>14}{fmt_time(row_sk):>16}{faster(row_mle, row_sk):>16}")
        print(f"   {'10 000 rows':24}{10_000 / batch_mle:>10.0f} r/s{10_000 / batch_sk:>12.0f} r/s{faster(batch_mle, batch_sk):>16}")
        verdict = f"labels identical: {labels_equal}" if is_classifier else "regressor: no labels"
        print(f"   {'max |difference|':24}{max_diff:>14.2e}   {verdict}\n")


if __name__ == "__main__":
    main()
