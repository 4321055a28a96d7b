"""How a model and an inspected file look to a person: a one-line `repr`, a short text summary and
an HTML table for notebooks (`_repr_html_`).

This module owns the rendering only, from the plain dicts the engine describes a model with (inputs,
outputs, methods, metadata, the file's container) and `engine_info()`. It must not call into the
engine or read files itself.
"""

from __future__ import annotations

import html
from typing import Any, Mapping

_SHOWN_NAMES = 8


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"


def _shape(value: Mapping[str, Any]) -> str:
    """A value's shape, its symbolic dimensions by name (N for the rows when unnamed)."""
    names = value.get("dim_names") or [None] * len(value["shape"])
    return "[" + ", ".join((name or "N") if d == -1 else str(d) for d, name in zip(value["shape"], names, strict=True)) + "]"


def _names(names: list[str]) -> str:
    shown = ", ".join(str(n) for n in names[:_SHOWN_NAMES])
    return shown + (f", … ({len(names)} in all)" if len(names) > _SHOWN_NAMES else "")


def _inputs(description: Mapping[str, Any]) -> list[str]:
    features = description["metadata"].get("feature_names") or []
    described = []
    for value in description["inputs"]:
        line = f"{value['name']}: {value['dtype']}{_shape(value)}"
        if features and len(description["inputs"]) == 1:
            line += f" — features {_names(features)}"
        described.append(line)
    if features and len(description["inputs"]) > 1:
        described = [f"{len(description['inputs'])} columns by name: {_names([v['name'] for v in description['inputs']])}"]
    return described


def _file(container: Mapping[str, Any]) -> str:
    parts = [_size(container["file_size"]), f"format {container['format_version']}"]
    if container["compression"]:
        parts.append("compressed with " + ", ".join(container["compression"]))
    if container["quantized"]:
        parts.append("quantized weights")
    if container["signature_key_id"]:
        parts.append(("signature verified" if container["signature_verified"] else "signed (not verified)")
                     + f", key id {container['signature_key_id'][:16]}")
    if container["encrypted"]:
        parts.append("encrypted")
    return ", ".join(parts)


def summary_rows(path: str, description: Mapping[str, Any], engine: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(label, text) rows describing a loaded model."""
    metadata = description["metadata"]
    framework = " ".join(p for p in (metadata.get("framework"), metadata.get("framework_version")) if p)
    rows = [("model", metadata.get("model_type") or "?"), ("framework", framework or "?"), ("file", f"{path} ({_file(description['file'])})")]
    rows += [("input", line) for line in _inputs(description)]
    rows += [("output", f"{v['name']}: {v['dtype']}{_shape(v)}") for v in description["outputs"]]
    rows.append(("methods", ", ".join(f"{m} → {', '.join(outs)}" for m, outs in description.get("methods", {}).items()) or "none"))
    labels = metadata.get("class_labels") or []
    if labels:
        rows.append(("classes", _names(labels)))
    if metadata.get("description"):
        rows.append(("description", metadata["description"]))
    operators = description.get("operators") or {}
    if operators:
        rows.append(("runs", ", ".join(f"{op} ×{count}" if count > 1 else op for op, count in operators.items())))
    if engine is not None:
        rows.append(("runtime", f"MLE Runtime {engine['version']}, {engine['kernels']} kernels, Java {engine['java_version']}"))
    return rows


def model_repr(path: str, description: Mapping[str, Any] | None, closed: bool) -> str:
    if closed or description is None:
        return f"<mle_runtime.Model {path!r} (closed)>"
    metadata = description["metadata"]
    inputs = description["inputs"]
    width = inputs[0]["shape"][-1] if len(inputs) == 1 and len(inputs[0]["shape"]) == 2 else None
    reads = f"{width} {inputs[0]['dtype']} features" if width is not None else f"{len(inputs)} inputs"
    methods = ", ".join(description.get("methods", {})) or "no methods"
    return f"<mle_runtime.Model {metadata.get('model_type') or '?'} from {path!r}: {reads} → {methods}; {_size(description['file']['file_size'])}>"


def text(rows: list[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def table_html(title: str, rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th style='text-align:left;vertical-align:top;padding-right:1em'>{html.escape(label)}</th>"
                   f"<td style='text-align:left'>{html.escape(value)}</td></tr>" for label, value in rows)
    return f"<table><caption style='text-align:left;font-weight:bold'>{html.escape(title)}</caption>{body}</table>"


def inspection_rows(info: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) rows summarising `inspect()`'s dict: container, sections, metadata, graph size."""
    rows = [("file", f"{info['path']} ({_size(info['file_size'])}, format {info['format_version']}, read by {info['reader_version']})")]
    signer = info.get("signature_key_id")
    rows.append(("signature", "none" if not signer else f"key id {signer} ({'verified' if info.get('signature_verified') else 'not verified'})"))
    rows.append(("encryption", f"key id {info['encryption_key_id']}" if info.get("encryption_key_id") else "none"))
    for s in info["sections"]:
        coding = s["compression"] + (", encrypted" if s["encrypted"] else "")
        rows.append((f"section {s['kind']}", f"{_size(s['length'])} stored, {_size(s['raw_length'])} content ({coding})"))
    metadata = info.get("metadata")
    if metadata is None:
        rows.append(("content", info.get("content") or "not readable"))
        return rows
    framework = " ".join(p for p in (metadata.get("framework"), metadata.get("framework_version")) if p)
    rows += [("model", metadata.get("model_type") or "?"), ("framework", framework or "?"), ("created", metadata.get("created") or "?")]
    rows += [("input", f"{v['name']}: {v['dtype']}{_shape(v)}") for v in metadata["inputs"][:_SHOWN_NAMES]]
    rows += [("output", f"{v['name']}: {v['dtype']}{_shape(v)}") for v in metadata["outputs"]]
    rows.append(("methods", ", ".join(metadata.get("methods", {})) or "none"))
    graph = info["graph"]
    ops: dict[str, int] = {}
    for node in graph["nodes"]:
        ops[node["op_type"]] = ops.get(node["op_type"], 0) + 1
    weights = sum(c["bytes"] for c in graph["constants"])
    rows.append(("graph", f"{len(graph['nodes'])} nodes ({', '.join(f'{op} ×{n}' if n > 1 else op for op, n in ops.items())}), "
                          f"{len(graph['constants'])} constants of {_size(weights)}"))
    return rows


class Inspection(dict):
    """`inspect()`'s result: the full description as a dict, shown as a short summary."""

    def summary(self) -> str:
        return text(inspection_rows(self))

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return table_html(f"MLE model file {self['path']}", inspection_rows(self))
