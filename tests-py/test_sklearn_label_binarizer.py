"""LabelBinarizer as a target encoder: a vector of labels (strings or numbers) to rows of neg_label
and pos_label, against scikit-learn's transform on the bundled datasets' targets, with unseen labels
and the refusals (an indicator matrix, sparse output)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_proven
from sklearn.preprocessing import LabelBinarizer

import mle_runtime
from mle_runtime import UnsupportedModelError


def _named(all_datasets, name):
    y = all_datasets[name][1]
    return np.array([f"class_{v}" for v in y])


LABELS = {"numbers": lambda d, n: d[n][1], "floats": lambda d, n: d[n][1] * 2.0 - 3.0, "strings": _named}


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits"])
@pytest.mark.parametrize("kind", LABELS)
@pytest.mark.parametrize("labels", [(0, 1), (-1, 1), (-3, 0), (2, 7)])
def test_label_binarizer_transforms(all_datasets, export_load, name, kind, labels):
    y = LABELS[kind](all_datasets, name)
    model = LabelBinarizer(neg_label=labels[0], pos_label=labels[1]).fit(y)
    loaded = export_load(model)
    assert list(loaded.methods) == ["transform"]
    assert_proven(model, "transform", loaded.transform(y), model.transform(y))
    assert_proven(model, "transform", loaded.transform(y[::-7]), model.transform(y[::-7]))


def test_label_binarizer_gives_unseen_labels_a_row_of_neg_label(all_datasets, export_load):
    y = _named(all_datasets, "wine")
    model = LabelBinarizer(neg_label=-1).fit(y)
    loaded = export_load(model)
    query = np.array(["class_2", "class_9", "class_0", "unknown"])
    assert_proven(model, "transform", loaded.transform(query), model.transform(query))


def test_label_binarizer_of_two_classes_refuses_an_unseen_label(all_datasets, export_load):
    y = all_datasets["breast_cancer"][1]
    loaded = export_load(LabelBinarizer().fit(y))
    with pytest.raises(Exception, match="the label"):
        loaded.transform(np.array([0.0, 3.0]))


def test_label_binarizer_of_one_class(export_load):
    model = LabelBinarizer(neg_label=-4, pos_label=2).fit(np.array(["only", "only"]))
    loaded = export_load(model)
    assert_proven(model, "transform", loaded.transform(np.array(["only", "other"])), model.transform(np.array(["only", "other"])))


@pytest.mark.parametrize("setting", ["indicator", "sparse"])
def test_label_binarizer_refusals(all_datasets, model_dir, setting):
    y = all_datasets["iris"][1]
    if setting == "indicator":
        model, match = LabelBinarizer().fit(np.eye(3, dtype=int)[y]), "indicator"
    else:
        model, match = LabelBinarizer(sparse_output=True).fit(y), "sparse_output"
    with pytest.raises(UnsupportedModelError, match=match):
        mle_runtime.export_model(model, model_dir / f"label_binarizer_{setting}.mle")
