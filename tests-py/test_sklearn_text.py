"""CountVectorizer, TfidfVectorizer, TfidfTransformer and HashingVectorizer, alone and before a
LogisticRegression, against scikit-learn's transform and predict on real text that ships with the
installed packages (scikit-learn's docstrings and dataset descriptions, standard-library sources),
on hand-made strings (accents, emoji, scripts, case, digits, whitespace, empty documents), and on
every character Python assigns, which checks the engine's lowercasing, accent stripping and word
characters one by one."""

from __future__ import annotations

import inspect
import json
import textwrap
import unicodedata

import numpy as np
import pandas as pd
import pytest
from conftest import assert_proven
from mle_runtime import InputError, UnsupportedModelError, export_model
from sklearn import cluster, datasets, decomposition, linear_model, naive_bayes, pipeline, preprocessing, svm, tree
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HAND_MADE = [
    "Café crème, déjà vu: l'été à Noël — naïve façade",
    "CAFÉ CRÈME DÉJÀ VU",
    "😀 emoji 🎉🎉 party 👩‍👩‍👧 family",
    "中文字符 日本語のテキスト 한국어 문장 русский текст العربية",
    "x_y snake_case __dunder__ 42 3.14 1e10 ²³ ½ ٣٤ ๑๒",
    "",
    "   \t\n  ",
    "ΑΣ ΟΔΟΣ İstanbul ǅemal ß straße ﬁne Ⅻ",
    "Devanagari हिन्दी भाषा and Thai ภาษาไทย",
    "tabs\tand\nnewlines\r\nand\u00a0nbsp\u2028line",
    # Every character Python's str.isspace calls whitespace, each alone and doubled between words.
    "".join(f"w{c}ord{c}{c}" for c in map(chr, range(0x110000)) if c.isspace()),
]


def _docstrings(*modules) -> list[str]:
    found = []
    for module in modules:
        for _, member in inspect.getmembers(module):
            doc = inspect.getdoc(member)
            if doc and len(found) < 80:
                found.append(doc)
    return found


@pytest.fixture(scope="module")
def corpus():
    """scikit-learn's docstrings and dataset descriptions, then standard-library sources."""
    described = [datasets.load_iris().DESCR, datasets.load_wine().DESCR, datasets.load_breast_cancer().DESCR,
                 datasets.load_diabetes().DESCR, datasets.load_digits().DESCR]
    sources = [inspect.getsource(module) for module in (json.decoder, textwrap)]
    return _docstrings(linear_model, tree, preprocessing, pipeline) + described + sources + HAND_MADE


@pytest.fixture(scope="module")
def unseen():
    """Documents the vectorizers were not fitted on: terms outside the vocabulary are dropped."""
    return _docstrings(cluster, svm)[:60] + ["completely unseen wörds ✨", "", "THE the The"]


VECTORIZERS = {
    "count-default": lambda: CountVectorizer(),
    "count-int32-binary-english-bigrams-unicode": lambda: CountVectorizer(
        dtype=np.int32, binary=True, stop_words="english", ngram_range=(1, 2), strip_accents="unicode"),
    "count-float64-case-kept-ascii": lambda: CountVectorizer(dtype=np.float64, lowercase=False, strip_accents="ascii"),
    "count-one-letter-words-trigrams": lambda: CountVectorizer(token_pattern=r"(?u)\b\w+\b", ngram_range=(2, 3), max_features=3000),
    "count-pattern-group-and-classes": lambda: CountVectorizer(token_pattern=r"(?u)([a-z][\w'-]*)\.?", stop_words=["the", "a"]),
    "count-char": lambda: CountVectorizer(analyzer="char", ngram_range=(1, 3), max_features=5000),
    "count-char_wb-ascii": lambda: CountVectorizer(analyzer="char_wb", ngram_range=(2, 4), strip_accents="ascii", min_df=2),
    "tfidf-default": lambda: TfidfVectorizer(),
    "tfidf-sublinear-l1-bigrams": lambda: TfidfVectorizer(sublinear_tf=True, norm="l1", ngram_range=(1, 2), min_df=2),
    "tfidf-raw-counts-no-norm": lambda: TfidfVectorizer(use_idf=False, norm=None, strip_accents="unicode"),
    "tfidf-unsmoothed-char_wb": lambda: TfidfVectorizer(smooth_idf=False, analyzer="char_wb", ngram_range=(3, 5), max_features=4000),
    "hashing-l2-signed": lambda: HashingVectorizer(n_features=2**12),
    "hashing-char_wb-l1-unsigned-binary": lambda: HashingVectorizer(
        n_features=2**10, analyzer="char_wb", ngram_range=(2, 3), norm="l1", alternate_sign=False, binary=True),
    "hashing-raw-bigrams-english-unicode": lambda: HashingVectorizer(
        n_features=2**11, norm=None, ngram_range=(1, 2), stop_words="english", strip_accents="unicode"),
}


def _dense(matrix):
    return matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)


@pytest.mark.parametrize("name", VECTORIZERS)
def test_vectorizer_transform_matches_scikit_learn(name, corpus, unseen, export_load):
    model = VECTORIZERS[name]().fit(corpus)
    loaded = export_load(model)
    assert loaded.inputs == [{"name": "input", "dtype": "string", "shape": [-1]}]
    for documents in (corpus, unseen):
        assert_proven(model, "transform", loaded.transform(np.array(documents)), _dense(model.transform(documents)))
    assert_proven(model, "transform", loaded.transform(list(HAND_MADE)), _dense(model.transform(HAND_MADE)))


def test_tfidf_transformer_weighs_a_count_matrix(corpus, export_load):
    counts = _dense(CountVectorizer(min_df=3).fit_transform(corpus)).astype(np.float64)
    for model in (TfidfTransformer().fit(counts), TfidfTransformer(sublinear_tf=True, norm="l1", smooth_idf=False).fit(counts)):
        assert_proven(model, "transform", export_load(model).transform(counts), _dense(model.transform(counts)))


@pytest.mark.parametrize("vectorizer", [TfidfVectorizer(sublinear_tf=True), CountVectorizer(ngram_range=(1, 2), max_features=2000),
                                        HashingVectorizer(n_features=2**12)], ids=["tfidf", "count-bigrams", "hashing"])
def test_text_classifier_pipeline_predicts_as_scikit_learn(vectorizer, corpus, unseen, export_load):
    labels = np.array(["sklearn" if i < len(corpus) - 30 else "other" for i in range(len(corpus))])
    labels[::7] = "seventh"
    model = make_pipeline(vectorizer, LogisticRegression(C=0.1, max_iter=300)).fit(corpus, labels)
    loaded = export_load(model)
    for documents in (corpus, unseen, HAND_MADE):
        assert_proven(model, "predict", loaded.predict(documents), model.predict(documents))
        assert_proven(model, "predict_proba", loaded.predict_proba(np.array(documents)), model.predict_proba(documents))


FUSED_PIPELINES = {
    "tfidf-bigrams-sgd": lambda: make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                                               linear_model.SGDClassifier(random_state=0)),
    "counts-tfidf-multinomial-nb": lambda: make_pipeline(CountVectorizer(), TfidfTransformer(), naive_bayes.MultinomialNB()),
    "hashing-tfidf-linear-svc": lambda: make_pipeline(HashingVectorizer(alternate_sign=False, norm=None),
                                                      TfidfTransformer(sublinear_tf=True), svm.LinearSVC()),
    "hashing-default-width-ridge": lambda: make_pipeline(HashingVectorizer(), linear_model.RidgeClassifier()),
    "tfidf-truncated-svd": lambda: make_pipeline(TfidfVectorizer(min_df=2), decomposition.TruncatedSVD(5, random_state=0)),
}


@pytest.mark.parametrize("name", FUSED_PIPELINES)
def test_a_vectorizer_before_a_linear_model_runs_fused_and_matches(name, corpus, unseen, export_load):
    """The engine runs the vectorizer and the linear model as one operator that never writes a row
    as wide as the vocabulary (2**20 columns for the default HashingVectorizer): same answers."""
    labels = np.array([("short", "medium", "long")[min(len(d) // 400, 2)] for d in corpus])
    model = FUSED_PIPELINES[name]().fit(corpus, labels)
    loaded = export_load(model)
    assert "TokenCountsGemm" in loaded.summary(), loaded.summary()
    for method in [m for m in ("predict", "predict_proba", "decision_function", "transform") if hasattr(model, m)]:
        for documents in (corpus, unseen, HAND_MADE):
            assert_proven(model, method, getattr(loaded, method)(documents), getattr(model, method)(documents))


def test_every_character_is_lowercased_stripped_and_tokenised_as_in_python(export_load):
    """Each code point but NUL that Python 3.11 assigns (Unicode 14), alone between spaces: a one-character word
    pattern finds it exactly when Python's \\w does, after Python's lowercasing and NFKD accent
    stripping; the char analyzer sees the same characters."""
    characters = [chr(c) for c in range(0x110000)
                  if c and unicodedata.category(chr(c)) not in ("Cn", "Cs", "Co") and not chr(c).isspace()]
    document = " ".join(characters)
    for model in (CountVectorizer(token_pattern=r"(?u)\b\w\b|\b\w\w+\b", strip_accents="unicode"),
                  CountVectorizer(token_pattern=r"(?u)\S", lowercase=True),
                  CountVectorizer(analyzer="char", strip_accents="ascii")):
        model.fit([document])
        assert_proven(model, "transform", export_load(model).transform([document, "Ǆ ǅ ǆ"]),
                      _dense(model.transform([document, "Ǆ ǅ ǆ"])))


def test_a_missing_document_is_refused_as_scikit_learn_refuses_it(corpus, export_load):
    model = CountVectorizer().fit(corpus)
    loaded = export_load(model)
    with pytest.raises(ValueError):
        model.transform(np.array(["fine", np.nan], dtype=object))
    with pytest.raises(InputError, match="document is missing"):
        loaded.transform(np.array(["fine", np.nan], dtype=object))
    with pytest.raises(InputError, match="document is missing"):
        loaded.transform(np.array(["fine", None], dtype=object))


REFUSED = {
    "analyzer=a callable": (CountVectorizer(analyzer=str.split), "analyzer=a callable"),
    "tokenizer=a callable": (CountVectorizer(tokenizer=str.split, token_pattern=None), "tokenizer=a callable"),
    "preprocessor=a callable": (TfidfVectorizer(preprocessor=str.upper), "preprocessor=a callable"),
    "strip_accents=a callable": (CountVectorizer(strip_accents=str.lower), "strip_accents=a callable"),
    "look-ahead": (CountVectorizer(token_pattern=r"(?u)\b\w+(?=s\b)"), "extension at offset"),
    "inline flag": (CountVectorizer(token_pattern=r"(?i)\b[a-z]+\b"), "extension at offset"),
    "\\A": (CountVectorizer(token_pattern=r"\A\w+"), r"escape \\A"),
    "\\Z": (CountVectorizer(token_pattern=r"\w+\Z"), r"escape \\Z"),
    "nested class": (CountVectorizer(token_pattern=r"[a-z[]+"), "inside a character class"),
    "\\W in a class": (CountVectorizer(token_pattern=r"[\W\d]+"), "inside a character class"),
    "empty tokens": (CountVectorizer(token_pattern=r"(?u)\b\w*"), "can match an empty token"),
    "float32 tf-idf": (TfidfVectorizer(dtype=np.float32), "dtype=float32"),
    "float32 hashing": (HashingVectorizer(dtype=np.float32), "dtype=float32"),
}


@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")
@pytest.mark.parametrize("name", REFUSED)
def test_what_a_file_cannot_reproduce_is_refused_by_name(name, tmp_path):
    model, reason = REFUSED[name]
    model.fit(["some words here", "and more words there"])
    with pytest.raises(UnsupportedModelError, match=reason):
        export_model(model, tmp_path / "refused.mle")


def test_documents_read_from_files_are_refused(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("words in a file")
    model = CountVectorizer(input="filename").fit([str(path)])
    with pytest.raises(UnsupportedModelError, match="input='filename'"):
        export_model(model, tmp_path / "refused.mle")


def test_text_column_of_a_data_frame_beside_other_columns(corpus, export_load):
    documents = corpus[:90] + HAND_MADE
    frame = pd.DataFrame({"text": documents, "length": [float(len(d)) for d in documents],
                          "kind": ["docstring" if "\n" in d else "line" for d in documents]})
    labels = np.arange(len(documents)) % 3
    parts = ColumnTransformer([("words", TfidfVectorizer(), "text"),
                               ("letters", HashingVectorizer(n_features=2**9, analyzer="char_wb", ngram_range=(2, 3)), "text"),
                               ("length", StandardScaler(), ["length"]), ("kind", OneHotEncoder(), ["kind"])])
    model = make_pipeline(parts, LogisticRegression(C=0.1, max_iter=300)).fit(frame, labels)
    loaded = export_load(model)
    assert [i["name"] for i in loaded.inputs] == ["text", "length", "kind"]
    assert "TokenCountsGemm, HashedTokenCountsGemm" in loaded.summary(), "both text parts fused with their weights"
    assert_proven(model, "predict", loaded.predict(frame), model.predict(frame))
    assert_proven(model, "predict_proba", loaded.predict_proba(frame), model.predict_proba(frame))


def test_a_text_column_selected_as_a_list_is_refused(tmp_path):
    frame = pd.DataFrame({"text": ["one text", "two texts"]})
    # Given a one-column frame, scikit-learn's vectorizer reads the column's name as its only document.
    model = ColumnTransformer([("words", CountVectorizer(), ["text"])]).fit(frame)
    with pytest.raises(UnsupportedModelError, match="named by a scalar"):
        export_model(model, tmp_path / "refused.mle")


def test_a_hashing_vectorizer_wider_than_a_dense_row_may_be_is_refused(model_dir):
    from mle_runtime import UnsupportedModelError, export_model
    from sklearn.feature_extraction.text import HashingVectorizer

    with pytest.raises(UnsupportedModelError, match="n_features <= 2\\*\\*24"):
        export_model(HashingVectorizer(n_features=2**25).fit(["a b"]), model_dir / "wide.mle")
