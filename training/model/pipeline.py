"""The classifier recipe: an unfitted scikit-learn ``Pipeline`` over the indicator frame.

    model = make_classifier(encoder)                       # the default recipe
    model = make_classifier(encoder, features__words="drop", classifier__estimator__estimator__C=4.0)
    fit(model, frame, labels, groups)                      # groups: documents or units
    model.predict_proba(indicator_frame([Indicator("资金拨付及时率")]))

The frame has the columns ``name``, ``description``, ``target`` (parsed
``Target`` objects) and ``project``. The pipeline is a ``ColumnTransformer`` of
named feature parts with ``transformer_weights``, then a logistic regression
calibrated by temperature scaling (``CalibratedClassifierCV(method="temperature")``,
Guo et al. 2017, "On Calibration of Modern Neural Networks") on grouped folds,
so that confidence is measured on documents the fold model did not see.

Groups reach the parts that need them (neighbour votes, the calibration
folds) through scikit-learn's metadata routing; :func:`fit` and
:func:`routing` switch it on for the calling thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.validation import check_is_fitted

from training.domain.records import Indicator
from training.model.features import (
    JiebaWords,
    KeywordCues,
    MeasureCues,
    NameHead,
    NeighbourVotes,
    SentenceEmbedding,
    TargetForm,
    texts_of,
)

FRAME_COLUMNS = ("name", "description", "target", "project")

# The recipe's settings, as set_params keys. Chosen by nested grouped cross-validation
# (reports/evaluation.md says which values each outer fold chose).
DEFAULT_PARAMS: dict = {
    "features__transformer_weights": {"chars": 1.0, "words": 1.0, "head": 1.0, "description": 0.5, "target": 1.0,
                                      "keywords": 3.0, "measures": 3.0, "embedding": 2.0, "neighbours": 2.0},
    "classifier__estimator__estimator__C": 1.0,
    "classifier__estimator__estimator__class_weight": "balanced",
    "features__neighbours__n_neighbors": 20,
}

# What the nested search tries (GridSearchCV inside every outer fold of `zhibiao evaluate`).
SEARCH_GRID: dict = {
    "classifier__estimator__estimator__C": [0.5, 1.0, 2.0],
    "features__neighbours__n_neighbors": [10, 20],
}


@contextlib.contextmanager
def routing() -> Iterator[None]:
    """Metadata routing on for this thread (scikit-learn's config is per thread)."""
    with sklearn.config_context(enable_metadata_routing=True):
        yield


class DescriptionNgrams(BaseEstimator, TransformerMixin):
    """Character n-gram TF-IDF of the description; an empty output when no training row has one.

    Output: sparse ``(n, vocabulary)`` (``(n, 0)`` when nothing was learnt).
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.ngram_range = ngram_range

    def fit(self, X, y=None):
        texts = texts_of(X)
        self.vectorizer_ = None
        if any(t.strip() for t in texts):
            self.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=self.ngram_range, sublinear_tf=True).fit(texts)
        return self

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        texts = texts_of(X)
        if self.vectorizer_ is None:
            from scipy import sparse

            return sparse.csr_matrix((len(texts), 0))
        return self.vectorizer_.transform(texts)

    def runtime_(self):
        """This part without scikit-learn (``training.model.runtime``); None when nothing was learnt (no columns)."""
        from training.model.runtime import TfidfTable

        return None if self.vectorizer_ is None else TfidfTable.of(self.vectorizer_)

    def get_feature_names_out(self, input_features=None):
        if self.vectorizer_ is None:
            return np.array([], dtype=object)
        return np.array([f"description:{t}" for t in self.vectorizer_.get_feature_names_out()], dtype=object)


class RareClassFilter(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Fit ``estimator`` on the rows of the classes it can learn; the others are left out and listed in ``dropped_classes_``.

    A class is kept when it has at least ``min_rows`` rows and, when
    ``estimator`` splits its input with a grouped ``cv`` (the calibration
    folds of ``CalibratedClassifierCV``), appears in the training part of every
    one of those folds: a fold model that never saw a class cannot calibrate
    it. Left-out classes are never predicted. Sample-aligned fit parameters
    (``groups``, ``sample_weight``) are routed to ``estimator`` and filtered with the rows.
    """

    def __init__(self, estimator=None, min_rows: int = 3) -> None:
        self.estimator = estimator
        self.min_rows = min_rows

    def _learnable(self, y: np.ndarray, groups) -> set:
        labels, counts = np.unique(y, return_counts=True)
        kept = set(labels[counts >= self.min_rows])
        cv = getattr(self.estimator, "cv", None)
        if groups is not None and hasattr(cv, "split"):
            for train, _ in cv.split(np.zeros(len(y)), y, np.asarray(groups)):
                kept &= set(np.unique(y[train]))
        return kept

    def fit(self, X, y, **fit_params):
        routed = process_routing(self, "fit", **fit_params)
        y = np.asarray(y)
        kept = self._learnable(y, fit_params.get("groups"))
        for _ in range(3):  # leaving rows out moves the folds: check again on what remains
            mask = np.isin(y, list(kept))
            groups = fit_params.get("groups")
            again = self._learnable(y[mask], None if groups is None else np.asarray(groups)[mask])
            if again == kept:
                break
            kept = again
        if len(kept) < 2:
            raise ValueError(f"fewer than two classes have {self.min_rows} or more rows in every calibration fold")
        self.dropped_classes_ = sorted(set(np.unique(y)) - kept)
        mask = np.isin(y, list(kept))
        params = {k: np.asarray(v)[mask] if hasattr(v, "__len__") and len(v) == len(y) else v for k, v in routed.estimator.fit.items()}
        self.estimator_ = clone(self.estimator).fit(X[mask], y[mask], **params)
        self.classes_ = self.estimator_.classes_
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def get_metadata_routing(self):
        return MetadataRouter(owner=self).add(estimator=self.estimator, method_mapping=MethodMapping().add(caller="fit", callee="fit"))


def make_classifier(encoder, **params) -> Pipeline:
    """The unfitted default recipe, with ``params`` (``set_params`` keys) applied over ``DEFAULT_PARAMS``.

    ``encoder`` is any ``training.model.encoder.Encoder``; it is shared, not
    copied, by ``clone``. Raises ``ValueError`` for an unknown parameter.
    """
    with routing():
        neighbours = NeighbourVotes(encoder).set_fit_request(groups=True)
        features = ColumnTransformer(
            [
                ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True), "name"),
                ("words", JiebaWords(), "name"),
                ("head", NameHead(), "name"),
                ("description", DescriptionNgrams(), "description"),
                ("target", TargetForm(), ["target"]),
                ("keywords", KeywordCues(), "name"),
                ("measures", MeasureCues(), "name"),
                ("embedding", SentenceEmbedding(encoder), "name"),
                ("neighbours", neighbours, "name"),
            ],
            sparse_threshold=1.0,
        )
        linear = LogisticRegression(solver="newton-cg", max_iter=1000).set_fit_request(sample_weight=True)
        calibrated = CalibratedClassifierCV(linear, method="temperature", cv=GroupKFold(n_splits=3)).set_fit_request(sample_weight=True)
        classifier = RareClassFilter(calibrated, min_rows=3)
        pipeline = Pipeline([("features", features), ("classifier", classifier)])
        return pipeline.set_params(**recipe_params(params))


def recipe_params(params: dict) -> dict:
    """``DEFAULT_PARAMS`` overridden by ``params``, without settings of parts that ``params`` switch off (``"drop"``)."""
    merged = {**DEFAULT_PARAMS, **params}
    dropped = [k for k, v in merged.items() if isinstance(v, str) and v in ("drop", "passthrough")]
    return {k: v for k, v in merged.items() if not any(k.startswith(d + "__") for d in dropped)}


def fit(model, frame: pd.DataFrame, labels, groups, sample_weight=None) -> object:
    """Fit any estimator of this project with publisher ``groups`` (and row weights) routed to the parts that ask for them."""
    params = {"groups": np.asarray(groups)}
    if sample_weight is not None:
        params["sample_weight"] = np.asarray(sample_weight)
    with routing():
        return model.fit(frame, np.asarray(labels), **params)


def indicator_frame(indicators: Iterable[Indicator]) -> pd.DataFrame:
    """The model's input: one row per indicator, columns ``FRAME_COLUMNS``; missing text is ``""``, a missing target ``None``."""
    indicators = list(indicators)
    columns = {"name": [i.name or "" for i in indicators], "description": [i.description or "" for i in indicators],
               "target": [i.target for i in indicators], "project": [i.project or "" for i in indicators]}
    return pd.DataFrame(columns, columns=list(FRAME_COLUMNS), dtype=object)  # object columns built as such: no string-array round trip per request


def name_only(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows with only the name: what a form plugin sends before the target is typed."""
    blank = frame.copy()
    blank["description"] = ""
    blank["target"] = None
    return blank
