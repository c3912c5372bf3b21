"""The feature parts of the classifier, each a scikit-learn transformer over one column of the indicator frame.

Every part follows the estimator conventions: ``__init__`` stores parameters
only, fitted state ends in ``_``, ``get_params``/``set_params``/``clone`` work.
They are put together by :func:`training.model.pipeline.make_classifier` in a
``ColumnTransformer``; switching one off is ``set_params(features__<part>="drop")``.

Parts: jieba words (:class:`JiebaWords`), the name's head (:class:`NameHead`),
the target's form (:class:`TargetForm`), keyword cues (:class:`KeywordCues`),
sentence embeddings (:class:`SentenceEmbedding`) and neighbour votes
(:class:`NeighbourVotes`). Character n-grams of the name and the description
are plain ``TfidfVectorizer``\\ s.
"""

from __future__ import annotations

import re

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from training.model.reference import ReferenceIndex
from training.model.runtime import (  # noqa: F401 (TARGET_FEATURES, target_vector, unit_group: part of this module's interface)
    TARGET_FEATURES,
    Embedding,
    Heads,
    PatternCues,
    TargetFormPart,
    TfidfTable,
    Votes,
    neighbour_votes,
    pattern_cues,
    target_matrix,
    target_vector,
    unit_group,
)
from training.model.text import JiebaTokenizer, domain_terms


def texts_of(X) -> list[str]:
    """A column (Series, 1-D array, list, or one-column frame) as a list of strings; missing values become ``""``."""
    if hasattr(X, "columns"):
        if X.shape[1] != 1:
            raise ValueError(f"expected one text column, got {X.shape[1]}")
        X = X.iloc[:, 0]
    values = X.tolist() if hasattr(X, "tolist") else list(X)
    if values and isinstance(values[0], (list, np.ndarray)):  # a 2-D array with one column
        values = [v[0] for v in values]
    return ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]


class JiebaWords(BaseEstimator, TransformerMixin):
    """TF-IDF of jieba words, with a user dictionary of the training names' recurring endings.

    The dictionary (``user_words_``) is learnt from the names given to ``fit``
    only and lives in this part's own tokenizer, never in ``jieba.dt``.
    Output: sparse ``(n, vocabulary)``.
    """

    def __init__(self, min_count: int = 3, sublinear_tf: bool = True) -> None:
        self.min_count = min_count
        self.sublinear_tf = sublinear_tf

    def fit(self, X, y=None):
        names = texts_of(X)
        self.user_words_ = domain_terms(names, self.min_count)
        self.tokenizer_ = JiebaTokenizer(tuple(self.user_words_))
        self.vectorizer_ = TfidfVectorizer(tokenizer=self.tokenizer_, token_pattern=None, lowercase=False,
                                           sublinear_tf=self.sublinear_tf).fit(names)
        return self

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(texts_of(X))

    def runtime_(self) -> TfidfTable | None:
        """This part without scikit-learn (``training.model.runtime``)."""
        return TfidfTable.of(self.vectorizer_)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"word:{w}" for w in self.vectorizer_.get_feature_names_out()], dtype=object)


class NameHead(BaseEstimator, TransformerMixin):
    """Binary features of the name's head: its last 1..``max_size`` characters after clean-up (see ``name_head``).

    …率, …及时率, …覆盖率, …人次, …满意度 carry most of an indicator's category,
    whatever precedes them. Output: sparse ``(n, heads seen in fit)``.
    """

    def __init__(self, max_size: int = 4) -> None:
        self.max_size = max_size

    def _heads(self, name: str) -> list[str]:
        return Heads(self.max_size)(name)

    def fit(self, X, y=None):
        self.vectorizer_ = CountVectorizer(analyzer=self._heads, binary=True).fit(texts_of(X))
        return self

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(texts_of(X)).astype(np.float64)

    def runtime_(self) -> TfidfTable | None:
        """This part without scikit-learn (``training.model.runtime``): the heads' binary counts."""
        return TfidfTable.of(self.vectorizer_, analyzer=Heads(self.max_size))

    def get_feature_names_out(self, input_features=None):
        return np.array([f"head:{h}" for h in self.vectorizer_.get_feature_names_out()], dtype=object)


# ------------------------------------------------------------------ the target's form
class TargetForm(BaseEstimator, TransformerMixin):
    """Kind, operator, unit family and value range of the target (``Target`` objects, strings or None).

    A 时效 row tends to have a deadline, a 满意度 row a percentage, a 数量 row a
    count with a measure word. Output: dense ``(n, len(TARGET_FEATURES))``.
    """

    def fit(self, X, y=None):
        self.n_features_out_ = len(TARGET_FEATURES)
        return self

    def transform(self, X):
        return target_matrix(X.iloc[:, 0].tolist() if hasattr(X, "columns") else list(X))

    def runtime_(self) -> TargetFormPart:
        return TargetFormPart()

    def get_feature_names_out(self, input_features=None):
        return np.array([f"target:{f}" for f in TARGET_FEATURES], dtype=object)


# ------------------------------------------------------------------ keyword cues
# The cues a reviewer reads a name by, one pattern per category. The keyword baseline
# applies them in order; as features they all fire, and the model weighs them.
KEYWORD_RULES: list[tuple[str, str]] = [
    (r"满意", "服务对象满意度指标"),
    (r"及时|时效|时限|按时|按期|进度|期限|完成时间|工期", "时效指标"),
    (r"成本|费用|费|单价|标准|预算控制|支出|投资", "经济成本指标"),
    (r"生态|环境|绿色|环保|节能|减排|污染|绿化", "生态效益指标"),
    (r"经济|收入|增收|产值|效益提升|创收", "经济效益指标"),
    (r"持续|长效|长期|机制|制度", "可持续影响指标"),
    (r"合格|达标|质量|完好|准确|规范|合规|优良|通过|覆盖率|完成率", "质量指标"),
    (r"数量|人数|人次|次数|个数|场次|面积|数|期|场|次", "数量指标"),
]


class KeywordCues(BaseEstimator, TransformerMixin):
    """One binary feature per keyword rule (``KEYWORD_RULES``) that matches the name. Output: dense ``(n, 8)``."""

    def fit(self, X, y=None):
        self.patterns_ = [re.compile(pattern) for pattern, _ in KEYWORD_RULES]
        return self

    def transform(self, X):
        check_is_fitted(self, "patterns_")
        return pattern_cues(self.patterns_, texts_of(X))

    def runtime_(self) -> PatternCues:
        return PatternCues(self.patterns_)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"cue:{category}" for _, category in KEYWORD_RULES], dtype=object)


class MeasureCues(BaseEstimator, TransformerMixin):
    """One binary feature per group of ``data/cues.json`` (what the name says it measures: a count, a rate, money, time,
    an effect, a lasting mechanism, an adverse event ...) that matches the name. Output: dense ``(n, groups)``.

    ``lexicon`` is the path of the cue file (default: the data folder's ``cues.json``); the patterns are read at
    ``fit`` and kept in ``patterns_``, so a fitted model does not depend on the file any more.
    """

    def __init__(self, lexicon: str | None = None) -> None:
        self.lexicon = lexicon

    def fit(self, X, y=None):
        import json
        from pathlib import Path

        from training.settings import get_settings

        path = Path(self.lexicon) if self.lexicon else get_settings().data_dir / "cues.json"
        groups = json.loads(path.read_text(encoding="utf-8"))["groups"]
        self.groups_ = list(groups)
        self.patterns_ = [re.compile(groups[g]) for g in self.groups_]
        return self

    def transform(self, X):
        check_is_fitted(self, "patterns_")
        return pattern_cues(self.patterns_, texts_of(X), nfkc=True)

    def runtime_(self) -> PatternCues:
        return PatternCues(self.patterns_, nfkc=True)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"measure:{g}" for g in self.groups_], dtype=object)


# ------------------------------------------------------------------ meaning
class SentenceEmbedding(BaseEstimator, TransformerMixin):
    """The name's sentence embedding from ``encoder`` (``kind`` prompt). Output: dense ``(n, encoder.dim)``.

    The encoder is shared and never pickled (see ``training.model.encoder``).
    """

    def __init__(self, encoder=None, kind: str = "query") -> None:
        self.encoder = encoder
        self.kind = kind

    def fit(self, X, y=None):
        if self.encoder is None:
            raise ValueError("SentenceEmbedding needs an encoder")
        self.n_features_out_ = self.encoder.dim
        return self

    def transform(self, X):
        check_is_fitted(self, "n_features_out_")
        return self.encoder.encode(texts_of(X), self.kind)

    def runtime_(self) -> Embedding:
        return Embedding(self.encoder, self.kind)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"embedding:{i}" for i in range(self.n_features_out_)], dtype=object)


class NeighbourVotes(BaseEstimator, TransformerMixin):
    """Similarity-weighted label shares of the ``n_neighbors`` most similar training names.

    While fitting (``fit_transform``), neighbours from the row's own group
    (document or unit) are left out, so the feature behaves on training rows
    as it will on a table the model never saw. The groups arrive through
    scikit-learn's metadata routing: ``NeighbourVotes(...).set_fit_request(groups=True)``.
    Output: dense ``(n, classes seen in fit)``, rows summing to 1 (or 0 with no positive neighbour).
    """

    def __init__(self, encoder=None, n_neighbors: int = 20, kind: str = "query") -> None:
        self.encoder = encoder
        self.n_neighbors = n_neighbors
        self.kind = kind

    def fit(self, X, y, groups=None):
        self._fit(X, y, groups)
        return self

    def _fit(self, X, y, groups):
        if y is None:
            raise ValueError("NeighbourVotes needs labels")
        vectors = self.encoder.encode(texts_of(X), self.kind)
        self.classes_, self.label_index_ = np.unique(np.asarray(y), return_inverse=True)
        self.index_ = ReferenceIndex(vectors, groups=None if groups is None else np.asarray(groups))
        return vectors

    def fit_transform(self, X, y=None, groups=None):
        vectors = self._fit(X, y, groups)
        return self._votes(vectors, exclude_groups=None if groups is None else np.asarray(groups))

    def transform(self, X):
        check_is_fitted(self, "index_")
        return self._votes(self.encoder.encode(texts_of(X), self.kind))

    def _votes(self, vectors: np.ndarray, exclude_groups=None) -> np.ndarray:
        return neighbour_votes(self.index_, self.label_index_, len(self.classes_), vectors, self.n_neighbors, exclude_groups)

    def runtime_(self) -> Votes:
        return Votes(self.encoder, self.index_, self.label_index_, len(self.classes_), self.n_neighbors, self.kind)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"votes:{c}" for c in self.classes_], dtype=object)


def dense(matrix) -> np.ndarray:
    """A feature block as a dense array (sparse blocks are densified)."""
    return matrix.toarray() if sparse.issparse(matrix) else np.asarray(matrix)
