"""The base estimators the meta-estimator tests compose: one or two of each family with a converter.

A meta-estimator converts its parts through the registry, so its tests run it over every family
listed here; when a new family gets a converter, adding it to these tables tests it inside voting,
stacking, bagging, one-vs-rest, one-vs-one, multi-output and calibration as well. Fits are kept
small: these tests are about composition, not about each estimator's own conversion.
"""

from __future__ import annotations

from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

# name → factory of an unfitted classifier. Those without predict_proba are in NO_PROBABILITIES.
CLASSIFIERS = {
    "LogisticRegression": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)),
    "LinearSVC": lambda: make_pipeline(StandardScaler(), LinearSVC()),
    "SGDClassifier-log_loss": lambda: make_pipeline(StandardScaler(), SGDClassifier(loss="log_loss", random_state=0)),
    "DecisionTreeClassifier": lambda: DecisionTreeClassifier(max_depth=4, random_state=0),
    "RandomForestClassifier": lambda: RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0),
    "GradientBoostingClassifier": lambda: GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0),
    "HistGradientBoostingClassifier": lambda: HistGradientBoostingClassifier(max_iter=5, random_state=0),
    "SVC": lambda: make_pipeline(StandardScaler(), SVC()),
}
NO_PROBABILITIES = {"LinearSVC", "SVC"}

# Classifiers whose fit takes sample_weight directly (AdaBoost needs it).
WEIGHTED_CLASSIFIERS = {
    "DecisionTreeClassifier": lambda: DecisionTreeClassifier(max_depth=2, random_state=0),
    "LogisticRegression": lambda: LogisticRegression(max_iter=200),
    "GradientBoostingClassifier": lambda: GradientBoostingClassifier(n_estimators=3, max_depth=2, random_state=0),
}

REGRESSORS = {
    "Ridge": lambda: make_pipeline(StandardScaler(), Ridge()),
    "DecisionTreeRegressor": lambda: DecisionTreeRegressor(max_depth=4, random_state=0),
    "RandomForestRegressor": lambda: RandomForestRegressor(n_estimators=5, max_depth=4, random_state=0),
    "GradientBoostingRegressor": lambda: GradientBoostingRegressor(n_estimators=5, max_depth=2, random_state=0),
    "HistGradientBoostingRegressor": lambda: HistGradientBoostingRegressor(max_iter=5, random_state=0),
    "SVR": lambda: make_pipeline(StandardScaler(), SVR(C=50.0)),
}

WEIGHTED_REGRESSORS = {
    "DecisionTreeRegressor": lambda: DecisionTreeRegressor(max_depth=3, random_state=0),
    "Ridge": lambda: Ridge(),
}
