"""scikit-learn's meta-estimators — voting, stacking, bagging, AdaBoost, one-vs-rest, one-vs-one,
multi-output, transformed targets — over every family of base_estimators, on the bundled datasets:
each method of the exported model equals scikit-learn's to the tolerance the registry promises."""

from __future__ import annotations

import numpy as np
import pytest
from base_estimators import (
    CLASSIFIERS,
    NO_PROBABILITIES,
    REGRESSORS,
    WEIGHTED_CLASSIFIERS,
    WEIGHTED_REGRESSORS,
)
from conftest import assert_methods_match, assert_proven, string_columns
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor, make_column_selector
from sklearn.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    BaggingClassifier,
    BaggingRegressor,
    StackingClassifier,
    StackingRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.multiclass import OneVsOneClassifier, OneVsRestClassifier
from sklearn.multioutput import MultiOutputClassifier, MultiOutputRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler, MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

import mle_runtime
from mle_runtime.errors import UnsupportedModelError


def _tree():
    return DecisionTreeClassifier(max_depth=3, random_state=0)


def _logistic():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))


def _cases():
    """(id, dataset, target kind, factory of the unfitted model)."""
    for name, base in CLASSIFIERS.items():
        yield f"OneVsRest-{name}", "iris", "labels", lambda base=base: OneVsRestClassifier(base())
        yield f"OneVsOne-{name}", "wine", "labels", lambda base=base: OneVsOneClassifier(base())
        yield f"Bagging-{name}", "iris", "labels", lambda base=base: BaggingClassifier(base(), n_estimators=4, max_features=0.7, random_state=0)
        yield f"MultiOutput-{name}", "iris", "two_targets", lambda base=base: MultiOutputClassifier(base())
        yield f"Stacking-{name}", "breast_cancer", "labels", lambda base=base: StackingClassifier([("base", base()), ("tree", _tree())], cv=3)
        yield f"Voting-hard-{name}", "wine", "labels", lambda base=base: VotingClassifier([("base", base()), ("tree", _tree()), ("lr", _logistic())])
        if name not in NO_PROBABILITIES:
            yield f"Voting-soft-{name}", "iris", "labels", lambda base=base: VotingClassifier([("base", base()), ("tree", _tree())], voting="soft")
    for name, base in WEIGHTED_CLASSIFIERS.items():
        yield f"AdaBoost-{name}", "iris", "labels", lambda base=base: AdaBoostClassifier(base(), n_estimators=6, random_state=0)
    for name, base in REGRESSORS.items():
        yield f"BaggingRegressor-{name}", "diabetes", "values", lambda base=base: BaggingRegressor(base(), n_estimators=4, max_features=0.6, random_state=0)
        yield f"MultiOutputRegressor-{name}", "diabetes", "two_targets", lambda base=base: MultiOutputRegressor(base())
        yield f"StackingRegressor-{name}", "diabetes", "values", lambda base=base: StackingRegressor([("base", base()), ("ridge", Ridge())], cv=3)
        yield f"VotingRegressor-{name}", "diabetes", "values", lambda base=base: VotingRegressor(
            [("base", base()), ("tree", DecisionTreeRegressor(max_depth=3))])
        yield f"TransformedTarget-{name}", "diabetes", "values", lambda base=base: TransformedTargetRegressor(base(), transformer=StandardScaler())
    for name, base in WEIGHTED_REGRESSORS.items():
        yield f"AdaBoostRegressor-{name}", "diabetes", "values", lambda base=base: AdaBoostRegressor(base(), n_estimators=12, random_state=0)

    # Options of each meta-estimator.
    voters = [("lr", _logistic()), ("tree", _tree()), ("forest", CLASSIFIERS["RandomForestClassifier"]())]
    yield "Voting-soft-weights", "wine", "names", lambda: VotingClassifier(voters, voting="soft", weights=[1, 2.5, 0.5])
    yield "Voting-hard-weights", "breast_cancer", "labels", lambda: VotingClassifier(voters, weights=[2, 1, 1.5])
    yield "Voting-soft-dropped", "iris", "names", lambda: VotingClassifier(voters + [("none", "drop")], voting="soft", weights=[1, 2, 3, 4])
    for weights in (None, [0.3, 1, 2.7, 4, 5, 6.1, 7, 8, 9]):
        yield f"VotingRegressor-nine-weights={weights is not None}", "diabetes", "values", lambda weights=weights: VotingRegressor(
            [(f"tree{i}", DecisionTreeRegressor(max_depth=2 + i % 4, random_state=i)) for i in range(9)], weights=weights)
    for method in ("auto", "predict_proba", "decision_function", "predict"):
        for data in ("iris", "breast_cancer"):
            for passthrough in (False, True) if method == "auto" else (False,):
                yield f"Stacking-{method}-{data}-passthrough={passthrough}", data, "names", lambda method=method, passthrough=passthrough: StackingClassifier(
                    [("lr", _logistic()), ("svc", make_pipeline(StandardScaler(), LinearSVC()))] if method == "decision_function"
                    else [("lr", _logistic()), ("tree", _tree())], stack_method=method, passthrough=passthrough, cv=3)
    yield "Stacking-final-tree", "wine", "labels", lambda: StackingClassifier([("lr", _logistic()), ("tree", _tree())], final_estimator=_tree(), cv=3)
    yield "StackingRegressor-passthrough", "diabetes", "values", lambda: StackingRegressor(
        [("tree", DecisionTreeRegressor(max_depth=3)), ("lr", LinearRegression())], final_estimator=DecisionTreeRegressor(max_depth=3), passthrough=True, cv=3)
    yield "Bagging-bootstrap_features", "wine", "names", lambda: BaggingClassifier(
        _tree(), n_estimators=6, max_features=0.5, bootstrap_features=True, random_state=1)
    # A pipeline takes no sample_weight, so its bootstrap samples are drawn rows, and some miss classes.
    yield "Bagging-missing-classes", "iris", "labels", lambda: BaggingClassifier(
        make_pipeline(StandardScaler(), _tree()), n_estimators=8, max_samples=5, random_state=0)
    yield "Bagging-binary-decision", "breast_cancer", "labels", lambda: BaggingClassifier(CLASSIFIERS["LinearSVC"](), n_estimators=5, random_state=0)
    yield "AdaBoost-binary", "breast_cancer", "names", lambda: AdaBoostClassifier(n_estimators=20, random_state=0)
    yield "AdaBoost-iris", "iris", "names", lambda: AdaBoostClassifier(n_estimators=30, learning_rate=0.5, random_state=0)
    yield "AdaBoostRegressor-default", "diabetes", "values", lambda: AdaBoostRegressor(n_estimators=60, loss="square", random_state=0)
    yield "OneVsRest-binary", "breast_cancer", "names", lambda: OneVsRestClassifier(_tree())
    yield "OneVsRest-multilabel", "iris", "multilabel", lambda: OneVsRestClassifier(_tree())
    yield "OneVsRest-multilabel-logistic", "iris", "multilabel", lambda: OneVsRestClassifier(LogisticRegression(max_iter=500))
    yield "OneVsOne-binary", "breast_cancer", "names", lambda: OneVsOneClassifier(_logistic())
    yield "OneVsOne-binary-tree", "breast_cancer", "labels", lambda: OneVsOneClassifier(_tree())
    yield "OneVsOne-names", "iris", "names", lambda: OneVsOneClassifier(CLASSIFIERS["LinearSVC"]())
    yield "MultiOutput-names", "wine", "two_name_targets", lambda: MultiOutputClassifier(_tree())
    for name, transformer in {"MinMaxScaler": MinMaxScaler(), "MaxAbsScaler": MaxAbsScaler(), "StandardScaler-no_mean": StandardScaler(with_mean=False),
                              "log1p": FunctionTransformer(np.log1p, np.expm1), "identity": None}.items():
        yield f"TransformedTarget-{name}", "diabetes", "values", lambda transformer=transformer: TransformedTargetRegressor(Ridge(), transformer=transformer)
    for func, inverse in ((np.log, np.exp), (np.sqrt, np.square), (np.reciprocal, np.reciprocal), (np.negative, np.negative)):
        yield f"TransformedTarget-{inverse.__name__}", "diabetes", "values", lambda func=func, inverse=inverse: TransformedTargetRegressor(
            Ridge(), func=func, inverse_func=inverse)
    yield "TransformedTarget-two_targets", "diabetes", "two_targets", lambda: TransformedTargetRegressor(Ridge(), func=np.log1p, inverse_func=np.expm1)
    yield "TransformedTarget-column", "diabetes", "column", lambda: TransformedTargetRegressor(DecisionTreeRegressor(max_depth=4), transformer=StandardScaler())


def _target(X, y, kind, names):
    if kind == "names":
        return np.asarray(names)[y]
    if kind == "two_targets":
        return np.column_stack([y, y // 2 + (X[:, 0] > np.median(X[:, 0]))]) if y.dtype.kind == "i" else np.column_stack([y, np.sqrt(y)])
    if kind == "two_name_targets":
        return np.column_stack([np.asarray(names)[y], np.where(X[:, 1] > np.median(X[:, 1]), "high", "low")])
    if kind == "multilabel":
        return np.column_stack([y == 0, X[:, 0] > 5.8, X[:, 2] > 4.5]).astype(int)
    if kind == "column":
        return y.reshape(-1, 1)
    return y


CASES = [pytest.param(data, kind, factory, id=name) for name, data, kind, factory in _cases()]


@pytest.mark.parametrize("data, kind, factory", CASES)
def test_meta_estimator_matches_sklearn(datasets, export_load, data, kind, factory):
    X, y = datasets[data]
    names = np.array([f"class_{k}" for k in range(int(y.max()) + 1)]) if y.dtype.kind == "i" else None
    model = factory().fit(X, _target(X, y, kind, names))
    assert_methods_match(model, export_load(model), X)


def test_voting_without_flattened_transform_exports_predictions_only(datasets, tmp_path):
    X, y = datasets["iris"]
    model = VotingClassifier([("lr", _logistic()), ("tree", _tree())], voting="soft", flatten_transform=False).fit(X, y)
    with pytest.warns(UserWarning, match="flatten_transform=False"):
        mle_runtime.export_model(model, tmp_path / "voting.mle")
    loaded = mle_runtime.load_model(tmp_path / "voting.mle")
    assert not hasattr(loaded, "transform")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_unsupported_compositions_are_refused_by_name(datasets, tmp_path):
    X, y = datasets["wine"]
    mixed = MultiOutputClassifier(_tree()).fit(X, np.column_stack([y, y]))
    mixed.estimators_[1].classes_ = np.array(["a", "b", "c"])
    with pytest.raises(UnsupportedModelError, match="MultiOutputClassifier whose estimators predict labels of different kinds"):
        mle_runtime.export_model(mixed, tmp_path / "mixed.mle")
    lambdas = TransformedTargetRegressor(Ridge(), func=lambda v: v * 2, inverse_func=lambda v: v / 2).fit(X, y.astype(float))
    with pytest.raises(UnsupportedModelError, match="cannot be exported .a model file carries no code.; supported numpy functions: numpy.exp"):
        mle_runtime.export_model(lambdas, tmp_path / "lambda.mle")
    power = TransformedTargetRegressor(Ridge(), transformer=FunctionTransformer(np.log1p, np.expm1, inv_kw_args={"out": None}))
    power.fit(X, y.astype(float))
    with pytest.raises(UnsupportedModelError, match="inv_kw_args"):
        mle_runtime.export_model(power, tmp_path / "kw.mle")
    from sklearn.preprocessing import PowerTransformer

    unknown = TransformedTargetRegressor(Ridge(), transformer=PowerTransformer()).fit(X, y.astype(float))
    with pytest.raises(UnsupportedModelError, match="inverse_transform of sklearn.preprocessing.PowerTransformer cannot be exported"):
        mle_runtime.export_model(unknown, tmp_path / "power.mle")


def test_bagging_whose_estimators_saw_different_classes_exports_without_decision_function(datasets, tmp_path):
    X, y = datasets["iris"]
    model = BaggingClassifier(_logistic(), n_estimators=8, max_samples=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError):
        model.decision_function(X)
    with pytest.warns(UserWarning, match="different classes"):
        mle_runtime.export_model(model, tmp_path / "bagging.mle")
    loaded = mle_runtime.load_model(tmp_path / "bagging.mle")
    assert not hasattr(loaded, "decision_function")
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X), rtol=1e-9)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_adaboost_regressor_takes_the_weighted_median_of_its_estimators(datasets, export_load):
    """The exported predictions are each one estimator's prediction: the one scikit-learn picks."""
    X, y = datasets["diabetes"]
    model = AdaBoostRegressor(DecisionTreeRegressor(max_depth=2), n_estimators=25, random_state=0).fit(X, y)
    predicted = export_load(model).predict(X)
    per_estimator = np.column_stack([e.predict(X) for e in model.estimators_])
    assert all(value in row for value, row in zip(predicted, per_estimator))
    np.testing.assert_array_equal(predicted, model.predict(X))


@pytest.mark.parametrize("factory", [
    lambda: VotingClassifier([("lr", _logistic()), ("tree", _tree())], voting="soft"),
    lambda: StackingClassifier([("lr", _logistic()), ("tree", _tree())], passthrough=True, cv=3),
    lambda: BaggingClassifier(_tree(), n_estimators=3, max_features=0.5, random_state=0),
    lambda: OneVsRestClassifier(_tree()),
], ids=["Voting", "Stacking", "Bagging", "OneVsRest"])
def test_fitted_on_a_dataframe_reads_columns_by_name(frames, export_load, factory):
    X, y = frames["wine"]
    model = factory().fit(X, y)
    loaded = export_load(model)
    assert loaded.metadata["feature_names"] == list(X.columns)
    shuffled = X[list(reversed(X.columns))]
    np.testing.assert_array_equal(loaded.predict(shuffled), model.predict(X))


def _mixed_pipeline(name, final, positions_of=None):
    """One-hot encoded string columns and imputed, scaled numbers, then `final`. The columns are
    chosen by name, or by their positions among `positions_of` for a meta-estimator that hands its
    estimators numpy arrays (bagging)."""
    strings = string_columns(name)
    numbers = make_column_selector(dtype_include="number")
    if positions_of is not None:
        strings = [positions_of.get_loc(c) for c in strings]
        numbers = [i for i in range(len(positions_of)) if i not in strings]
    prepare = ColumnTransformer([
        ("categories", OneHotEncoder(handle_unknown="ignore", sparse_output=False), strings),
        ("numbers", make_pipeline(SimpleImputer(), StandardScaler()), numbers),
    ])
    return make_pipeline(prepare, final)


def _mixed_cases():
    """(id, mixed dataset, factory of the unfitted model over pipelines that read string columns,
    given the DataFrame's columns)."""
    yield "Voting-soft", "wine", lambda _: VotingClassifier([
        ("lr", _mixed_pipeline("wine", LogisticRegression(max_iter=500))),
        ("tree", _mixed_pipeline("wine", _tree()))], voting="soft")
    yield "Voting-hard", "breast_cancer", lambda _: VotingClassifier([
        ("lr", _mixed_pipeline("breast_cancer", LogisticRegression(max_iter=500))),
        ("tree", _mixed_pipeline("breast_cancer", _tree())),
        ("svc", _mixed_pipeline("breast_cancer", LinearSVC()))])
    yield "Stacking", "breast_cancer", lambda _: StackingClassifier([
        ("lr", _mixed_pipeline("breast_cancer", LogisticRegression(max_iter=500))),
        ("tree", _mixed_pipeline("breast_cancer", _tree()))], cv=3)
    yield "Bagging", "wine", lambda columns: BaggingClassifier(_mixed_pipeline("wine", _tree(), columns), n_estimators=3, random_state=0)
    yield "OneVsRest", "wine", lambda _: OneVsRestClassifier(_mixed_pipeline("wine", LogisticRegression(max_iter=500)))
    yield "Calibrated", "wine", lambda _: CalibratedClassifierCV(_mixed_pipeline("wine", _tree()), cv=3)
    yield "VotingRegressor", "diabetes", lambda _: VotingRegressor([
        ("ridge", _mixed_pipeline("diabetes", Ridge())), ("tree", _mixed_pipeline("diabetes", DecisionTreeRegressor(max_depth=3)))])
    yield "StackingRegressor", "diabetes", lambda _: StackingRegressor([
        ("ridge", _mixed_pipeline("diabetes", Ridge())), ("tree", _mixed_pipeline("diabetes", DecisionTreeRegressor(max_depth=3)))], cv=3)
    yield "MultiOutputRegressor", "diabetes", lambda _: MultiOutputRegressor(_mixed_pipeline("diabetes", Ridge()))
    yield "TransformedTarget", "diabetes", lambda _: TransformedTargetRegressor(
        _mixed_pipeline("diabetes", Ridge()), func=np.log, inverse_func=np.exp)


@pytest.mark.parametrize("data, factory", [pytest.param(data, factory, id=name) for name, data, factory in _mixed_cases()])
def test_meta_estimator_over_pipelines_reads_string_columns(mixed_frames, export_load, data, factory):
    """Meta-estimators hand a DataFrame with string columns and missing values on to their pipelines:
    the export takes one input per column, strings as strings, and matches scikit-learn."""
    X, y = mixed_frames[data]
    model = factory(X.columns)
    model.fit(X, np.column_stack([y, np.sqrt(y)]) if isinstance(model, MultiOutputRegressor) else y)
    loaded = export_load(model)
    assert {i["name"]: i["dtype"] for i in loaded.inputs if i["dtype"] == "string"} == dict.fromkeys(string_columns(data), "string")
    assert_methods_match(model, loaded, X)
    shuffled = X[list(reversed(X.columns))].iloc[::-1]
    assert_proven(model, "predict", loaded.predict(shuffled), model.predict(X.iloc[::-1]))
