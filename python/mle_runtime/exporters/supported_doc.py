"""docs/SUPPORTED.md, generated from the converter registry: `python -m mle_runtime.exporters.supported_doc`.

This module owns the rendering of `registry.supported()` as Markdown, grouped by framework, with each
method's proven tolerance. It must not hold any fact about a model of its own: everything it prints
comes from the registrations, so the page cannot drift from what the tests prove.
"""

from __future__ import annotations

import itertools
import sys

from . import registry

_HEADER = """# Supported models and methods

Generated from the converter registry by `make docs` (`python -m mle_runtime.exporters.supported_doc`);
do not edit by hand. `mle_runtime.supported()` returns the same table. The test suite checks every
method listed here against the framework's own output on real data, at the tolerance given:
*identical* means equal element for element (labels always are); a number is the relative tolerance,
with an absolute one of a hundredth of it times the output's largest magnitude (or 1). A composed
model (a pipeline, a meta-estimator) is held to the loosest tolerance of its parts, or to its own
where the way it combines them is looser.
The last column says what a converted model refuses in its input, as the framework's own does: a
row holding a refused NaN or infinity raises `InputError` naming the columns and rows.
[MODELS.md](MODELS.md) says how each family converts and where the limits are.
"""


def _tolerance(value: float) -> str:
    return "identical" if value == registry.IDENTICAL else f"{value:.0e}".replace("e-0", "e-")


def _composed(value: float) -> str:
    """A composed model's method: its parts' loosest tolerance, or its own where its combining is looser."""
    return "loosest of its parts" if value == registry.IDENTICAL else f"{_tolerance(value)} or its parts' if looser"


def markdown() -> str:
    lines = [_HEADER]
    rows = sorted(registry.supported(), key=lambda row: (row["framework"], row["model"]))
    for framework, group in itertools.groupby(rows, key=lambda row: row["framework"]):
        group = list(group)
        lines += [f"## {framework} ({len(group)})", "", "| model | methods (tolerance) | notes | NaN and infinity |", "| --- | --- | --- | --- |"]
        for row in group:
            methods = ", ".join(f"`{m}` ({_composed(t) if row['composed'] else _tolerance(t)})" for m, t in row["methods"].items())
            lines.append(f"| `{row['model']}` | {methods} | {row['note']} | {row['missing']} |")
        lines.append("")
        lines += _coverage(framework)
    return "\n".join(lines)


def _coverage(framework: str) -> list[str]:
    """The framework's estimators that predict or transform: how many convert, and why the rest do not."""
    found = registry.coverage(framework)
    if found is None:
        return []
    names, missing = found
    lines = [f"### {framework} coverage: {len(names) - len(missing)} of {len(names)} estimators that predict or transform", ""]
    if missing:
        lines += ["| not converted | why |", "| --- | --- |"] + [f"| `{name}` | {reason} |" for name, reason in sorted(missing.items())]
    return lines + [""]


if __name__ == "__main__":
    sys.stdout.write(markdown())
