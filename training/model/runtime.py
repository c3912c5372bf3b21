"""The fitted feature parts as plain objects: what serving runs, with no scikit-learn import.

Importing scikit-learn (with the SciPy statistics and pandas it imports) took
1.6–2.5 s of the CLI's 3.6 s start-up on the 2-core machine (``python -X
importtime -c "import sklearn.base"``). Serving needs none of its machinery,
only the fitted numbers: vocabularies, idf weights, coefficients, patterns. A
training run therefore stores, beside the fitted pipeline, a *runtime form* of
it built from these classes (``training.lifecycle.bundle``), checked equal to
the pipeline before it is saved (``training.lifecycle.train``).

* :class:`TfidfTable`: a fitted ``TfidfVectorizer`` or ``CountVectorizer``
  (vocabulary, idf, sublinear tf, norm, binary) with its analyzer as one of
  :class:`CharNgrams`, :class:`WordNgrams` or :class:`Heads`. The analyzers
  follow scikit-learn 1.9's ``_char_ngrams`` and ``_word_ngrams``
  (``sklearn/feature_extraction/text.py``) and the arithmetic its
  ``TfidfTransformer.transform`` (``1 + log(tf)``, times ``idf_``, then the
  row's l2 or l1 norm); equality with scikit-learn is tested
  (``tests/training/model/test_runtime.py``).
* :class:`PatternCues`, :class:`TargetFormPart`, :class:`Embedding`,
  :class:`Votes`: the classifier's own parts (``training.model.features``),
  whose estimators call the same functions here, so the arithmetic exists once.

Every part has ``transform(values) -> matrix`` with ``values`` a list of one
column's values (texts, or targets for :class:`TargetFormPart`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from training.domain.targets import Target, parse_target
from training.model.reference import ReferenceIndex
from training.model.text import name_head

_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's VectorizerMixin._white_spaces


# ------------------------------------------------------------------ analyzers
def _ngrams(items: Sequence, min_n: int, max_n: int, join) -> list[str]:
    """The ``min_n..max_n``-grams of ``items`` (characters of a text, or tokens), shortest first, each made by ``join``."""
    grams = [join(items[i : i + 1]) for i in range(len(items))] if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n + 1, len(items) + 1)):
        grams.extend(join(items[i : i + n]) for i in range(len(items) - n + 1))
    return grams


class CharNgrams:
    """Character n-grams ``min_n..max_n`` of a text (runs of white space made one space), lower-cased if asked.

    scikit-learn's ``analyzer="char"`` with the default preprocessor (``lowercase``, no accent stripping).
    """

    def __init__(self, min_n: int, max_n: int, lowercase: bool = True) -> None:
        self.min_n, self.max_n, self.lowercase = min_n, max_n, lowercase

    def __call__(self, text: str) -> list[str]:
        if self.lowercase:
            text = text.lower()
        return _ngrams(_WHITE_SPACES.sub(" ", text), self.min_n, self.max_n, str)


class WordNgrams:
    """Word n-grams ``min_n..max_n`` (joined by a space) of ``tokenizer(text)``: scikit-learn's ``analyzer="word"``
    with a custom tokenizer, no stop words."""

    def __init__(self, tokenizer, min_n: int = 1, max_n: int = 1, lowercase: bool = False) -> None:
        self.tokenizer, self.min_n, self.max_n, self.lowercase = tokenizer, min_n, max_n, lowercase

    def __call__(self, text: str) -> list[str]:
        return _ngrams(list(self.tokenizer(text.lower() if self.lowercase else text)), self.min_n, self.max_n, " ".join)


class Heads:
    """The name's head (``training.model.text.name_head``) as ``"k:<last k characters>"`` for k = 1..``max_size``."""

    def __init__(self, max_size: int = 4) -> None:
        self.max_size = max_size

    def __call__(self, name: str) -> list[str]:
        head = name_head(name, self.max_size)
        return [f"{size}:{head[-size:]}" for size in range(1, min(len(head), self.max_size) + 1)]


# ------------------------------------------------------------------ TF-IDF
class TfidfTable:
    """A fitted vectorizer's numbers: ``analyzer``, ``vocabulary`` (term → column), ``idf`` (or None), the flags.

    :meth:`matrix` gives scikit-learn's ``transform`` output ``(len(texts), len(vocabulary))`` as CSR float64;
    :meth:`row` one text's ``(columns, values)`` without building a matrix (a request's few names).
    """

    def __init__(self, analyzer, vocabulary: dict[str, int], idf: np.ndarray | None, sublinear: bool, binary: bool,
                 norm: str | None) -> None:
        self.analyzer = analyzer
        self.vocabulary = vocabulary
        self.idf = idf
        self.sublinear, self.binary, self.norm = sublinear, binary, norm

    @classmethod
    def of(cls, vectorizer, analyzer=None) -> TfidfTable | None:
        """From a fitted ``TfidfVectorizer``/``CountVectorizer`` (duck-typed: this module imports no scikit-learn).

        ``analyzer`` replaces a callable analyzer the vectorizer holds (e.g. a bound method). Returns None for
        settings this class does not reproduce (``char_wb``, stop words, a preprocessor, accent stripping, max
        features cut after fitting is fine: the vocabulary is what was kept).
        """
        if getattr(vectorizer, "input", "content") != "content" or getattr(vectorizer, "preprocessor", None) is not None:
            return None
        if getattr(vectorizer, "strip_accents", None) is not None or getattr(vectorizer, "stop_words", None) is not None:
            return None
        lowercase = bool(getattr(vectorizer, "lowercase", True))
        min_n, max_n = vectorizer.ngram_range
        if analyzer is None:
            if callable(vectorizer.analyzer):
                return None
            if vectorizer.analyzer == "char":
                analyzer = CharNgrams(min_n, max_n, lowercase)
            elif vectorizer.analyzer == "word" and callable(getattr(vectorizer, "tokenizer", None)):
                analyzer = WordNgrams(vectorizer.tokenizer, min_n, max_n, lowercase)
            else:
                return None
        idf = getattr(vectorizer, "idf_", None) if getattr(vectorizer, "use_idf", False) else None
        vocabulary = {str(term): int(j) for term, j in vectorizer.vocabulary_.items()}
        return cls(analyzer, vocabulary, None if idf is None else np.asarray(idf, dtype=np.float64),
                   bool(getattr(vectorizer, "sublinear_tf", False)), bool(vectorizer.binary), getattr(vectorizer, "norm", None))

    def _counts(self, text: str) -> dict[int, int]:
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for term in self.analyzer(text):
            j = vocabulary.get(term)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        return counts

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One text's nonzero ``(columns, values)``."""
        counts = self._counts(text)
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = self._weigh(values, columns)
        total = self._norm(values)
        return columns, (values / total if total > 0 else values)

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """``(len(texts), len(vocabulary))`` CSR float64, sorted column indices, as scikit-learn's ``transform``."""
        columns: list[int] = []
        values: list[int] = []
        indptr = [0]
        seen: dict[str, dict[int, int]] = {}  # a text repeated in the batch (the operator model's name per family) once
        for text in texts:
            counts = seen.get(text)
            if counts is None:
                counts = seen[text] = self._counts(text)
            columns.extend(counts.keys())
            values.extend(counts.values())
            indptr.append(len(columns))
        matrix = sparse.csr_matrix((np.asarray(values, dtype=np.float64), np.asarray(columns, dtype=np.int32),
                                    np.asarray(indptr, dtype=np.int64)), shape=(len(texts), len(self.vocabulary)))
        matrix.sort_indices()
        matrix.data = self._weigh(matrix.data, matrix.indices)
        if self.norm in ("l1", "l2") and matrix.nnz:
            lengths = np.diff(matrix.indptr)
            rows = np.repeat(np.arange(len(lengths)), lengths)
            totals = np.bincount(rows, weights=matrix.data**2 if self.norm == "l2" else np.abs(matrix.data), minlength=len(lengths))
            totals = np.sqrt(totals) if self.norm == "l2" else totals
            matrix.data /= np.where(totals > 0, totals, 1.0)[rows]
        return matrix

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self.matrix(texts)

    def _weigh(self, values: np.ndarray, columns: np.ndarray) -> np.ndarray:
        if self.binary:
            values = np.ones_like(values)
        if self.sublinear:
            values = np.log(values) + 1.0
        if self.idf is not None:
            values = values * self.idf[columns]
        return values

    def _norm(self, values: np.ndarray) -> float:
        if self.norm == "l2":
            return float(np.sqrt(values @ values))
        if self.norm == "l1":
            return float(np.abs(values).sum())
        return 0.0


# ------------------------------------------------------------------ cues and the target's form
def pattern_cues(patterns: Sequence[re.Pattern], names: Sequence[str], nfkc: bool = False) -> np.ndarray:
    """``(len(names), len(patterns))`` float32: 1 where the pattern matches the name (NFKC-normalised first if asked)."""
    if nfkc:
        names = [unicodedata.normalize("NFKC", n) for n in names]
    return np.array([[float(bool(p.search(n))) for p in patterns] for n in names], dtype=np.float32).reshape(len(names), -1)


class PatternCues:
    """:func:`pattern_cues` with fitted patterns (``KeywordCues``, ``MeasureCues``)."""

    def __init__(self, patterns: Sequence[re.Pattern], nfkc: bool = False) -> None:
        self.patterns, self.nfkc = list(patterns), nfkc

    def transform(self, names: Sequence[str]) -> np.ndarray:
        return pattern_cues(self.patterns, names, self.nfkc)


UNIT_GROUPS = {
    "percent": ("%", "‰"),
    "people": ("人", "人次", "万人", "万人次", "名", "户", "人天", "人日"),
    "count": ("次", "场", "场次", "个", "项", "期", "份", "部", "篇", "种", "批", "批次", "家", "所", "条", "张", "版", "件", "台", "套",
              "辆", "组", "门", "班", "处", "座", "村"),
    "money": ("元", "万元", "亿元", "万", "亿"),
    "time": ("天", "日", "工作日", "小时", "月", "个月", "年", "周", "课时", "学时"),
    "size": ("亩", "万亩", "公顷", "平方米", "万平方米", "立方米", "万立方米", "米", "公里", "千米", "吨", "万吨", "公斤", "株", "只", "头"),
}
TARGET_FEATURES = [
    "has_target", "kind_quantitative", "kind_qualitative", "kind_deadline", "kind_coded", "kind_unparsed",
    "op_ge", "op_le", "op_eq", "op_none", "vague",
    *[f"unit_{g}" for g in UNIT_GROUPS], "unit_rate", "unit_other", "value_100", "value_large",
]
_FEATURE_INDEX = {name: i for i, name in enumerate(TARGET_FEATURES)}
_OPERATOR_FEATURE = {"≥": "op_ge", ">": "op_ge", "≤": "op_le", "<": "op_le", "=": "op_eq"}


def unit_group(unit: str | None) -> str | None:
    """The family of a target's unit: percent, people, count, money, time, size, rate (x/y) or other; None without a unit."""
    if not unit:
        return None
    if "/" in unit or "／" in unit:
        return "rate"
    base = re.split(r"[/／.、·每]", unit)[0]
    for group, units in UNIT_GROUPS.items():
        if base in units:
            return group
    return "other"


def target_vector(target: Target | str | None) -> np.ndarray:
    """The form of one target as ``len(TARGET_FEATURES)`` numbers in [0, 1]; all zero without a target."""
    vector = np.zeros(len(TARGET_FEATURES), dtype=np.float32)
    if isinstance(target, str):
        target = parse_target(target)
    if target is None or target.kind == "empty":
        return vector
    vector[_FEATURE_INDEX["has_target"]] = 1
    if f"kind_{target.kind}" in _FEATURE_INDEX:
        vector[_FEATURE_INDEX[f"kind_{target.kind}"]] = 1
    vector[_FEATURE_INDEX[_OPERATOR_FEATURE.get(target.operator or "", "op_none")]] = 1
    vector[_FEATURE_INDEX["vague"]] = float(target.vague)
    group = unit_group(target.unit)
    if group:
        vector[_FEATURE_INDEX[f"unit_{group}"]] = 1
    if target.value is not None:
        vector[_FEATURE_INDEX["value_100"]] = float(target.value == 100)
        vector[_FEATURE_INDEX["value_large"]] = float(target.value >= 1000)
    return vector


def target_matrix(values: Sequence) -> np.ndarray:
    """``(len(values), len(TARGET_FEATURES))`` float32 of :func:`target_vector` (anything not a Target or text is no target)."""
    if not len(values):
        return np.zeros((0, len(TARGET_FEATURES)), dtype=np.float32)
    return np.vstack([target_vector(v if isinstance(v, (Target, str)) else None) for v in values])


class TargetFormPart:
    """:func:`target_matrix` as a part (``TargetForm``)."""

    def transform(self, values: Sequence) -> np.ndarray:
        return target_matrix(list(values))


# ------------------------------------------------------------------ meaning
class Embedding:
    """The texts' sentence embeddings ``(n, dim)`` from ``encoder`` with the ``kind`` prompt (``SentenceEmbedding``)."""

    def __init__(self, encoder, kind: str = "query") -> None:
        self.encoder, self.kind = encoder, kind

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode(list(texts), self.kind)


def neighbour_votes(index: ReferenceIndex, label_index: np.ndarray, n_classes: int, vectors: np.ndarray, k: int,
                    exclude_groups=None) -> np.ndarray:
    """Similarity-weighted label shares of the ``k`` most similar references: ``(len(vectors), n_classes)`` float32,
    rows summing to 1 (0 without a positive neighbour). ``label_index[j]`` is reference ``j``'s class column."""
    indices, sims = index.search(vectors, k, exclude_groups=exclude_groups)
    votes = np.zeros((len(vectors), n_classes), dtype=np.float32)
    weights = np.where(np.isfinite(sims), np.maximum(sims, 0.0), 0.0)
    rows = np.repeat(np.arange(len(vectors)), indices.shape[1])
    np.add.at(votes, (rows, label_index[indices].ravel()), weights.ravel())
    totals = votes.sum(axis=1, keepdims=True)
    return np.divide(votes, totals, out=np.zeros_like(votes), where=totals > 0)


class Votes:
    """:func:`neighbour_votes` of the texts' embeddings over a fitted index (``NeighbourVotes``)."""

    def __init__(self, encoder, index: ReferenceIndex, label_index: np.ndarray, n_classes: int, n_neighbors: int,
                 kind: str = "query") -> None:
        self.encoder, self.index, self.label_index = encoder, index, label_index
        self.n_classes, self.n_neighbors, self.kind = n_classes, n_neighbors, kind

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.encoder.encode(list(texts), self.kind)
        return neighbour_votes(self.index, self.label_index, self.n_classes, vectors, self.n_neighbors)
