"""Class labels as the engine stores them: one dtype for all of them and each rendered as text.

This module owns that rendering, shared by the scikit-learn converters and the booster exporters;
it depends on numpy alone and must not know any framework.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ModelError


def label_strings(classes: Any) -> tuple[str, list[str]]:
    """The engine dtype of class labels and each label rendered as text (the metadata's form)."""
    classes = np.asarray(classes)
    kind = classes.dtype.kind
    if kind == "O" and all(isinstance(c, str) for c in classes.tolist()):
        kind = "U"
    if kind in "iu":
        return "int64", [str(int(c)) for c in classes]
    if kind == "f":
        return "float64", [repr(float(c)) for c in classes]
    if kind == "b":
        return "bool", [str(bool(c)) for c in classes]
    if kind in "US":
        return "string", [c.decode() if isinstance(c, bytes) else str(c) for c in classes.tolist()]
    raise ModelError(
        f"class labels of dtype {classes.dtype} ({classes.tolist()!r}) cannot be stored; use integers, floats, booleans or strings"
    )
