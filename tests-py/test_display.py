"""How a model and an inspected file show themselves: a readable one-line repr, a summary, an HTML
table in a notebook (checked by running a real notebook with nbclient), and `inspect()` as a short
summary that is still the full dict."""

from __future__ import annotations

import json

import mle_runtime
import nbformat
import pytest
from nbclient import NotebookClient
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


@pytest.fixture(scope="module")
def signed_compressed(frames, model_dir):
    X, y = frames["breast_cancer"]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
    private, public = mle_runtime.generate_signing_key()
    path = model_dir / "display.mle"
    mle_runtime.export_model(model, path, compression="zstd", signing_key=private, description="tumours <b>& friends</b>")
    return path, public


def test_repr_is_one_readable_line(signed_compressed):
    path, _ = signed_compressed
    model = mle_runtime.load_model(path)
    text = repr(model)
    assert "\n" not in text and "Pipeline(StandardScaler,LogisticRegression)" in text
    assert "30 float64 features" in text and "predict_proba" in text and "kB" in text, text
    model.close()
    assert repr(model).endswith("(closed)>")


def test_summary_says_what_a_user_wants_at_a_glance(signed_compressed):
    path, public = signed_compressed
    summary = mle_runtime.load_model(path, verify_key=public).summary()
    for expected in ("Pipeline(StandardScaler,LogisticRegression)", "sklearn 1.", "compressed with zstd", "signature verified",
                     "features mean radius, mean texture", "(30 in all)", "classes", "predict → label", "kernels", "Java 25"):
        assert expected in summary, (expected, summary)
    assert "signed (not verified)" in mle_runtime.load_model(path).summary()


def test_the_html_table_escapes_what_the_file_says(signed_compressed):
    path, _ = signed_compressed
    page = mle_runtime.load_model(path)._repr_html_()
    assert page.startswith("<table>") and "<b>" not in page and "tumours &lt;b&gt;&amp; friends&lt;/b&gt;" in page


def test_inspect_shows_a_short_summary_and_is_still_the_whole_dict(signed_compressed):
    path, _ = signed_compressed
    info = mle_runtime.inspect(path)
    shown = repr(info)
    assert len(shown.splitlines()) < 25 and "section GRAPH" in shown and "zstd" in shown and "graph" in shown, shown
    assert info["graph"]["nodes"] and json.loads(json.dumps(info)) == dict(info)
    assert "<table>" in info._repr_html_()


def test_a_notebook_renders_the_model_as_a_table(signed_compressed, tmp_path):
    path, _ = signed_compressed
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"import mle_runtime\nmodel = mle_runtime.load_model({str(path)!r})\nmodel"),
        nbformat.v4.new_code_cell(f"mle_runtime.inspect({str(path)!r})"),
    ])
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    model_cell, inspect_cell = (cell.outputs[-1]["data"] for cell in notebook.cells)
    assert "<table>" in model_cell["text/html"] and "LogisticRegression" in model_cell["text/html"]
    assert model_cell["text/plain"].startswith("<mle_runtime.Model ")
    assert "<table>" in inspect_cell["text/html"] and "section TENSOR_DATA" in inspect_cell["text/plain"]
