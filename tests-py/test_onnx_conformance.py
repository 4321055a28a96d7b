"""The ONNX importer against ONNX's own backend node tests, generated in-process by the installed onnx
package (onnx.backend.test.case.node: each case's model and data sets, the tests ONNX backends run).

Every test whose nodes all use operators listed in onnx_conformance.toml, and which that file does not
exclude with a reason, is claimed: its model goes through export_model (the Java importer), the .mle
file is loaded and run on each data set, and every output must match at the case's tolerances (ONNX's
runner default rtol=1e-3, atol=1e-7), with the expected dtype and shape. One test reports
`passed / claimed / total` (run pytest with -s to see it) and fails when any claimed test fails.
"""

from __future__ import annotations

import os
import tomllib
import warnings

import mle_runtime
import numpy as np
import onnx
from onnx import numpy_helper

CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "onnx_conformance.toml")


def _node_tests() -> list:
    from onnx.backend.test.case import node

    with warnings.catch_warnings():
        # Some generators divide by zero or overflow on purpose to make their expected outputs.
        warnings.simplefilter("ignore")
        return node.collect_testcases(None)


def _uses_only(case, operators: set[str]) -> bool:
    nodes = case.model.graph.node
    return bool(nodes) and all(n.domain in ("", "ai.onnx") and n.op_type in operators for n in nodes)


def _array(value) -> np.ndarray:
    return numpy_helper.to_array(value) if isinstance(value, onnx.TensorProto) else np.asarray(value)


def _run(case, folder: str) -> None:
    path = os.path.join(folder, case.name + ".mle")
    mle_runtime.export_model(case.model, path)
    initializers = {t.name for t in case.model.graph.initializer}
    names = [i.name for i in case.model.graph.input if i.name not in initializers]
    model = mle_runtime.load_model(path)
    try:
        for inputs, expected in case.data_sets:
            got = model.run({name: _array(value) for name, value in zip(names, inputs)})
            for output, want in zip(case.model.graph.output, expected):
                want = _array(want)
                actual = got[output.name]
                assert actual.dtype == want.dtype and actual.shape == want.shape, (
                    f"output {output.name!r} is {actual.dtype}{list(actual.shape)}, expected {want.dtype}{list(want.shape)}")
                np.testing.assert_allclose(actual, want, rtol=case.rtol, atol=case.atol, err_msg=f"output {output.name!r}")
    finally:
        model.close()


def test_onnx_node_conformance(tmp_path):
    with open(CONFIG, "rb") as f:
        config = tomllib.load(f)
    operators = set(config["operators"])
    cases = _node_tests()
    by_name = {c.name: c for c in cases}
    excluded: dict[str, str] = {}
    for group in config["exclude"]:
        for name in group["tests"]:
            assert name not in excluded, f"{name} is excluded twice"
            assert name in by_name, f"{name} is excluded but the onnx package has no such node test"
            assert _uses_only(by_name[name], operators), f"{name} is excluded but its operators are not claimed"
            excluded[name] = group["reason"]
    claimed = [c for c in cases if _uses_only(c, operators) and c.name not in excluded]
    failures = {}
    for case in claimed:
        try:
            _run(case, str(tmp_path))
        except Exception as exc:  # every failure is reported, whatever raised it
            failures[case.name] = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:400]
    passed = len(claimed) - len(failures)
    print(f"\nONNX node tests (onnx {onnx.__version__}): {passed} passed / {len(claimed)} claimed / {len(cases)} total; "
          f"{len(excluded)} of the claimed operators' tests excluded with reasons in onnx_conformance.toml")
    assert not failures, "claimed ONNX node tests fail:\n" + "\n".join(f"  {n}: {m}" for n, m in sorted(failures.items()))
