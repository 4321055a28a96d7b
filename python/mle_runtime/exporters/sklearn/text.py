"""Converters for scikit-learn's text vectorizers: CountVectorizer, TfidfVectorizer,
TfidfTransformer and HashingVectorizer.

This module owns the translation of a fitted vectorizer into TokenCounts (documents → counts of
the fitted vocabulary's terms, analysed as scikit-learn analyses them; see docs/OPERATORS.md) or
HashedTokenCounts (the same terms counted in the columns they hash to). TF-IDF weighting and the
row norm are attributes and an idf input of that node, applied to each document's stored terms as
scikit-learn's sparse arithmetic applies them, so that the engine can fuse the node with the linear
model after it and never write a row as wide as the vocabulary; a TfidfTransformer after a
CountVectorizer or a HashingVectorizer without alternate signs refines its producer the same way,
and one after anything else becomes dense operators (sublinear tf as 1 + Log of the non-zero
counts, Mul by the idf_ row, then Normalizer). It refuses, by name, whatever a file cannot reproduce: code
(callable analyzer, tokenizer, preprocessor or strip_accents), documents read from files, and
token patterns using regular-expression constructs whose meaning in the engine was not verified
against Python's. Vectorizers take their documents as one vector of strings [N], as LabelEncoder
takes its labels, and return dense arrays where scikit-learn returns sparse matrices.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfTransformer, TfidfVectorizer

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from .. import columns, tables
from ..tables import FLOAT, STRING
from ..registry import FLOAT64, register

# Operators whose every output value is finite: their kernels refuse a weight that overflows.
COUNTING_OPERATORS = ("TokenCounts", "HashedTokenCounts")

# The escapes whose meaning the engine reproduces (docs/OPERATORS.md, TokenCounts); \W, \S and \b
# only outside a character class, where Python's \b would be a backspace.
_VERIFIED_ESCAPES = set("wWdDsSbtnrfv")
_OUTSIDE_CLASS_ONLY = set("WSb")
_REPETITION = re.compile(r"\{(\d+|\d*,\d*)\}")


def _pattern_problem(pattern: str) -> str | None:
    """Why the engine cannot be trusted to find the tokens Python's `re` finds with `pattern`, or
    None. Mirrors org.mleruntime.ops.TokenPattern, which accepts exactly this subset."""
    i = 4 if pattern.startswith("(?u)") else 0
    groups = 0
    quantifiable = False
    # The pattern with its zero-width assertions (\b, ^, $) read as empty: it matches "" exactly when
    # the pattern can match an empty token somewhere.
    widths = []
    while i < len(pattern):
        c = pattern[i]
        at = i
        if c == "\\":
            problem = _escape_problem(pattern, i, in_class=False)
            if problem:
                return problem
            quantifiable = pattern[i + 1] != "b"
            i += 2
        elif c == "[":
            i, problem = _class_end(pattern, i)
            if problem:
                return problem
            quantifiable = True
        elif c == "(":
            if pattern.startswith("(?", i) and not pattern.startswith("(?:", i):
                return f"its '(?' extension at offset {i} (inline flags, named groups, look-arounds) was not verified"
            groups += not pattern.startswith("(?:", i)
            i += 3 if pattern.startswith("(?:", i) else 1
            quantifiable = False
        elif c == "{":
            repetition = _REPETITION.match(pattern, i)
            if not quantifiable or repetition is None or repetition.group(1) == ",":
                return f"the '{{' at offset {i} is not a repetition {{m}}, {{m,}}, {{,n}} or {{m,n}}; Java reads such a brace differently"
            i = repetition.end()
        else:
            quantifiable = c not in "|^"
            i += 1
        widths.append("(?:)" if c in "^$" or pattern.startswith("\\b", at) else pattern[at:i])
    if groups > 1:
        return f"it has {groups} capturing groups; scikit-learn allows at most one"
    if re.fullmatch("".join(widths), ""):
        return ("it can match an empty token, after which Python's findall retries a longer match at the same place "
                "while java.util.regex moves on")
    return None


def _escape_problem(pattern: str, at: int, in_class: bool) -> str | None:
    if at + 1 >= len(pattern):
        return "it ends in a lone backslash"
    escaped = pattern[at + 1]
    if escaped.isascii() and not escaped.isalnum() and escaped != "_":
        return None
    if escaped not in _VERIFIED_ESCAPES:
        return f"the escape \\{escaped} at offset {at} was not verified against Python's"
    if in_class and escaped in _OUTSIDE_CLASS_ONLY:
        return f"\\{escaped} inside a character class (offset {at}) was not verified"
    return None


def _class_end(pattern: str, at: int) -> tuple[int, str | None]:
    """The offset after the character class opening at `at`, and why it is refused, if it is."""
    i = at + 1
    if pattern.startswith("^", i):
        i += 1
    first = i
    while i < len(pattern) and (pattern[i] != "]" or i == first):
        if pattern[i] == "\\":
            problem = _escape_problem(pattern, i, in_class=True)
            if problem:
                return i, problem
            i += 2
        elif pattern[i] == "[" or pattern.startswith("&&", i):
            return i, f"'{pattern[i]}' inside a character class (offset {i}) is a literal in Python but not in Java"
        else:
            i += 1
    if i >= len(pattern):
        return i, "a character class is not closed"
    return i + 1, None


def _refuse_what_a_file_cannot_hold(model) -> None:
    name = type(model).__name__
    for parameter in ("analyzer", "tokenizer", "preprocessor", "strip_accents"):
        if callable(getattr(model, parameter)):
            raise UnsupportedModelError(f"{name}({parameter}=a callable) cannot be exported: a callable is code, which a "
                                        "model file never carries; use the built-in options")
    if model.input != "content":
        raise UnsupportedModelError(f"{name}(input={model.input!r}) reads its documents from files, which an exported model "
                                    "never does; use input='content' and pass the texts")
    if model.analyzer not in ("word", "char", "char_wb"):
        raise UnsupportedModelError(f"{name}(analyzer={model.analyzer!r}) is not one of 'word', 'char', 'char_wb'")
    if model.analyzer == "word":
        problem = _pattern_problem(model.token_pattern)
        if problem:
            raise UnsupportedModelError(f"{name}(token_pattern={model.token_pattern!r}) cannot be exported: {problem}")


def _analyzer_attributes(model) -> dict:
    """The vectorizer's analysis as TokenCounts attributes, after refusing what a file cannot hold."""
    _refuse_what_a_file_cannot_hold(model)
    attributes = dict(analyzer=model.analyzer, lowercase=bool(model.lowercase), strip_accents=model.strip_accents or "none",
                      ngram_min=int(model.ngram_range[0]), ngram_max=int(model.ngram_range[1]), binary=bool(model.binary))
    if model.analyzer == "word":
        attributes["token_pattern"] = model.token_pattern
        stop_words = model.get_stop_words()
        if stop_words:
            attributes["stop_words"] = sorted(stop_words)
    return attributes


def token_counts(builder: GraphBuilder, model, documents: Value, weights: list[str] = (), **weighting) -> Value:
    """The fitted vectorizer's term counts (binary or not), float64 [N, vocabulary size], weighted
    by TfidfTransformer's `weights` (idf) and `weighting` (sublinear_tf, norm) when given."""
    attributes = _analyzer_attributes(model)
    terms = sorted(model.vocabulary_, key=model.vocabulary_.__getitem__)
    if [model.vocabulary_[t] for t in terms] != list(range(len(terms))):
        raise UnsupportedModelError(f"{type(model).__name__}: vocabulary_ does not number its terms 0..{len(terms) - 1}")
    vocabulary = builder.add_constant("vocabulary", [str(t) for t in terms])
    out = builder.add_node("TokenCounts", [documents.name, vocabulary, *weights], builder.unique_name("token_counts"),
                           **attributes, **weighting)
    return Value(out, FLOAT, (BATCH, len(terms)))


def _weighting(model) -> dict:
    """TfidfTransformer's weighting as attributes of a counting node (its idf_ is an input)."""
    return dict(sublinear_tf=bool(model.sublinear_tf), norm=model.norm or "none")


def _unweighted_counts(builder: GraphBuilder, x: Value) -> list:
    """The counting node behind `x` that TfidfTransformer may weigh in place, then the nodes between
    them, which only change how the counts are typed or check them: CountVectorizer's integer dtype,
    the cast back to float64 and RequireFinite (counts are whole and finite, so each is exact). The
    chain is returned when the counts are unweighted and non-negative (no alternate signs) and nothing
    else reads them or what lies between; [] otherwise."""
    chain = []
    producer = builder.producer(x.name)
    while producer is not None and (producer.op_type == "RequireFinite" or (
            producer.op_type == "Cast" and producer.attributes["to"][1] in ("int32", "int64", FLOAT))):
        chain.append(producer)
        producer = builder.producer(producer.inputs[0])
    if producer is None or producer.op_type not in COUNTING_OPERATORS:
        return []
    chain.insert(0, producer)
    weighted = len(producer.inputs) > (2 if producer.op_type == "TokenCounts" else 1) or "norm" in producer.attributes
    alternating = producer.op_type == "HashedTokenCounts" and producer.attributes["alternate_sign"][1]
    read = [name for n in builder.nodes for name in n.inputs] + [v.name for v in builder.outputs]
    read_elsewhere = x.name in read or any(read.count(node.outputs[0]) > 1 for node in chain[:-1])
    return [] if weighted or alternating or read_elsewhere else chain


def _refuse_weighing_in_another_dtype(model) -> None:
    dtype = np.dtype(model.dtype)
    if dtype != np.float64:
        raise UnsupportedModelError(f"{type(model).__name__}(dtype={dtype}) cannot be exported: scikit-learn then weighs in "
                                    f"{dtype}, which the export does not reproduce; use dtype=np.float64")


def _binary(builder: GraphBuilder, op: str, x: Value, other: str, hint: str, dtype: str = FLOAT) -> Value:
    return Value(builder.add_node(op, [x.name, other], builder.unique_name(hint)), dtype, x.shape)


def _sublinear_tf(builder: GraphBuilder, tf: Value) -> Value:
    """1 + log(tf) where tf > 0 and 0 elsewhere, as scikit-learn takes the log of a sparse matrix's
    stored values only: log(tf + (tf ≤ 0)) keeps each positive tf exact and never sees a zero."""
    zero = builder.add_constant("zero", np.float64(0.0))
    one = builder.add_constant("one", np.float64(1.0))
    positive = _binary(builder, "Greater", tf, zero, "positive", dtype="bool")
    stored = Value(builder.add_node("Cast", [positive.name], builder.unique_name("stored"), to=FLOAT), FLOAT, tf.shape)
    absent = Value(builder.add_node("Sub", [one, stored.name], builder.unique_name("absent")), FLOAT, tf.shape)
    logged = Value(builder.add_node("Log", [_binary(builder, "Add", tf, absent.name, "tf_or_one").name], builder.unique_name("log_tf")),
                   FLOAT, tf.shape)
    return _binary(builder, "Mul", _binary(builder, "Add", logged, one, "sublinear"), stored.name, "sublinear_tf")


def _dense_tfidf(builder: GraphBuilder, model, tf: Value) -> Value:
    """TfidfTransformer.transform on any dense tf: sublinear tf, idf weights, then the row norm."""
    if model.sublinear_tf:
        tf = _sublinear_tf(builder, tf)
    if model.use_idf:
        tf = _binary(builder, "Mul", tf, builder.add_constant("idf", np.asarray(model.idf_, dtype=np.float64)), "tf_idf")
    if model.norm is None:
        return tf
    return Value(builder.add_node("Normalizer", [tf.name], builder.unique_name("normalized"), norm=model.norm), FLOAT, tf.shape)


def _idf(builder: GraphBuilder, model) -> list[str]:
    return [builder.add_constant("idf", np.asarray(model.idf_, dtype=np.float64))] if model.use_idf else []


@columns.vector_input(CountVectorizer, TfidfVectorizer, HashingVectorizer)
def _documents(model) -> str:
    return STRING


@columns.kinds(CountVectorizer, TfidfVectorizer, HashingVectorizer)
def _document_column(model, n: int) -> list[str]:
    """Inside a ColumnTransformer a vectorizer reads one text column (named by a scalar)."""
    return [STRING] * n


_NOTE = ("transform of a vector of str documents (input='content'), or of one text column named by a scalar in a "
         "ColumnTransformer, dense where scikit-learn returns a sparse matrix; "
         "analyzer word, char or char_wb; lowercase; strip_accents None, 'ascii' or 'unicode'; token patterns of the subset "
         "in docs/MODELS.md; stop words; n-grams; binary. Callables and input='filename'/'file' are refused")


@register(CountVectorizer, methods={"transform": FLOAT64}, note=_NOTE)
def count_vectorizer(builder, model, documents):
    counts = token_counts(builder, model, documents)
    target = np.dtype(model.dtype)
    if target == np.float64:
        return {"transformed": counts}
    name = {"f": "float32" if target.itemsize == 4 else FLOAT, "i": "int32" if target.itemsize == 4 else "int64"}.get(target.kind)
    if name is None:
        raise UnsupportedModelError(f"CountVectorizer(dtype={target}) cannot be exported: counts are float or integer")
    return {"transformed": Value(builder.add_node("Cast", [counts.name], builder.unique_name("counts"), to=name), name, counts.shape)}


@register(TfidfVectorizer, methods={"transform": FLOAT64}, note=_NOTE + "; norm l1, l2 or None; use_idf; sublinear_tf; dtype float64")
def tfidf_vectorizer(builder, model, documents):
    _refuse_weighing_in_another_dtype(model)
    return {"transformed": token_counts(builder, model, documents, _idf(builder, model), **_weighting(model))}


@register(TfidfTransformer, methods={"transform": FLOAT64},
          note="transform of a count matrix, dense; norm l1, l2 or None; use_idf; sublinear_tf (of non-negative counts)")
def tfidf_transformer(builder, model, x):
    chain = _unweighted_counts(builder, x)
    if not chain:
        return {"transformed": _dense_tfidf(builder, model, tables.numeric(builder, x, "TfidfTransformer"))}
    counts, *between = chain
    for node in between:
        builder.nodes.remove(node)
    counts.inputs += _idf(builder, model)
    builder.set_attributes(counts, **_weighting(model))
    return {"transformed": Value(counts.outputs[0], FLOAT, x.shape)}


@register(HashingVectorizer, methods={"transform": FLOAT64},
          note=_NOTE + "; terms hashed by scikit-learn's MurmurHash3 into n_features columns; alternate_sign; norm l1, l2 "
                       "or None; dtype float64")
def hashing_vectorizer(builder, model, documents):
    _refuse_weighing_in_another_dtype(model)
    if model.n_features > 2**24:
        raise UnsupportedModelError(f"HashingVectorizer(n_features={model.n_features}) cannot be exported: the engine's output is "
                                    "dense, and rows of more than 2**24 columns are refused; use n_features <= 2**24")
    attributes = _analyzer_attributes(model)
    if model.norm is not None:
        attributes["norm"] = model.norm
    out = builder.add_node("HashedTokenCounts", [documents.name], builder.unique_name("hashed_counts"),
                           n_features=int(model.n_features), alternate_sign=bool(model.alternate_sign), **attributes)
    return {"transformed": Value(out, FLOAT, (BATCH, int(model.n_features)))}
