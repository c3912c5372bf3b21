"""What Zhibiao must beat, as scikit-learn estimators over the indicator frame.

* majority class: ``DummyClassifier(strategy="most_frequent")``;
* keyword rules: the cues a reviewer would write by hand (``KEYWORD_RULES``), first match wins;
* TF-IDF + logistic regression: character 1–3-gram TF-IDF of the name, the standard text baseline;
* TF-IDF + e5 + logistic regression: the same TF-IDF beside the name's frozen sentence embedding in one regression,
  the simpler model issue #11 found ahead of the full one on other units' tables.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from training.model.features import KEYWORD_RULES, SentenceEmbedding, texts_of
from training.model.pipeline import routing

FALLBACK = "社会效益指标"


def majority() -> DummyClassifier:
    """The most frequent training label (by row weight) for every row."""
    with routing():
        return DummyClassifier(strategy="most_frequent").set_fit_request(sample_weight=True)


def tfidf_logistic(C: float = 8.0) -> Pipeline:
    """``make_pipeline(TfidfVectorizer, LogisticRegression)`` on the name column; row weights reach the regression."""
    with routing():
        return make_pipeline(
            ColumnTransformer([("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True), "name")]),
            LogisticRegression(C=C, solver="newton-cg", max_iter=1000).set_fit_request(sample_weight=True),
        )


def tfidf_embedding_logistic(encoder, C: float = 8.0) -> Pipeline:
    """:func:`tfidf_logistic` with the name's sentence embedding (``encoder``, query prompt) as a second block.

    No block weights, cues, neighbour votes or calibration: what a plain combination of the two gives.
    """
    with routing():
        return make_pipeline(
            ColumnTransformer([("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True), "name"),
                               ("embedding", SentenceEmbedding(encoder), "name")]),
            LogisticRegression(C=C, solver="newton-cg", max_iter=1000).set_fit_request(sample_weight=True),
        )


class KeywordRules(ClassifierMixin, BaseEstimator):
    """The first ``KEYWORD_RULES`` pattern found in the name decides; no match means ``fallback``.

    ``fit`` learns nothing but the class list (the rules' categories and the labels seen); row weights are accepted and unused.
    """

    __metadata_request__fit = {"sample_weight": True}

    def __init__(self, fallback: str = FALLBACK) -> None:
        self.fallback = fallback

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.array(sorted(set(np.asarray(y)) | {c for _, c in KEYWORD_RULES} | {self.fallback}), dtype=object)
        self.patterns_ = [(re.compile(p), c) for p, c in KEYWORD_RULES]
        return self

    def _rule(self, name: str) -> str:
        for pattern, category in self.patterns_:
            if pattern.search(name):
                return category
        return self.fallback

    def predict(self, X):
        return np.array([self._rule(n) for n in texts_of(X["name"] if hasattr(X, "columns") else X)], dtype=object)

    def predict_proba(self, X):
        predicted = self.predict(X)
        return (predicted[:, None] == self.classes_[None, :]).astype(float)
