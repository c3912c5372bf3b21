"""The unit model: indicator name (and category, when known) → unit family and operator, learned from historical targets.

* :class:`UnitModel` predicts the unit family (``percent``, ``area``, ``people``,
  ``deadline`` …, see ``data/units.json``) from the name. Features: the
  lexicon's cues (the name's head word, nouns it contains, a unit stated in
  brackets), character n-grams of the head and of the whole name, and the
  category. Trained on every table row whose published target has a unit or
  is a deadline, on library entries with a 计量单位 (``IndicatorRow.measure_unit``),
  and on the lexicon's cue words themselves (so a family the corpus has seen
  twice is still known by its words).
* :class:`OperatorModel` predicts the direction (≥, ≤, =) from the same name
  features plus the family; trained on published targets with an explicit operator.
* :func:`fit_target_forms` fits both from corpus rows; the training run stores
  the result in the bundle next to the reference index.

Both follow scikit-learn's estimator conventions (``fit(X, y, sample_weight)``,
``predict_proba``, ``classes_``); ``X`` is a DataFrame with columns ``name``,
``level2`` (``""`` when unknown) and, for the operator model, ``family``.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from training.domain.records import IndicatorRow
from training.domain.units import UnitLexicon, load_units

# TargetForms and direction are part of this module's interface too (bundles before the runtime form pickle TargetForms here)
from training.model.forms import (
    LinearForm,
    OneHotColumn,
    TargetForms,
    TextColumn,
    UnitCues,
    column,
    direction,
    prepared_texts,
    unit_cues,
)
from training.model.runtime import TfidfTable


class CueFeatures(TransformerMixin, BaseEstimator):
    """Binary lexicon features per family: the name's head word, a noun it contains, a unit in brackets; and operator cues.

    Output: ``(n, 3 * families + operators)`` sparse matrix. ``lexicon=None`` uses ``data/units.json``.
    """

    def __init__(self, lexicon: UnitLexicon | None = None) -> None:
        self.lexicon = lexicon

    def fit(self, X, y=None):
        self.lexicon_ = self.lexicon or load_units()
        self.families_ = list(self.lexicon_.families)
        self.operators_ = list(self.lexicon_.operator_cues)
        return self

    def transform(self, X):
        check_is_fitted(self, "lexicon_")
        return unit_cues(self.lexicon_, self.families_, self.operators_, column(X, "name"))

    def runtime_(self) -> UnitCues:
        return UnitCues(self.lexicon_, self.families_, self.operators_)


class TextOf(TransformerMixin, BaseEstimator):
    """Character n-gram TF-IDF of one text column, optionally of the cleaned name's last ``head`` characters."""

    def __init__(self, column: str = "name", head: int | None = None, ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.column = column
        self.head = head
        self.ngram_range = ngram_range

    def _texts(self, X) -> list[str]:
        return prepared_texts(column(X, self.column), self.head)

    def fit(self, X, y=None):
        self.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=self.ngram_range, sublinear_tf=True, min_df=1).fit(self._texts(X))
        return self

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(self._texts(X))

    def runtime_(self) -> TextColumn:
        return TextColumn(self.column, self.head, TfidfTable.of(self.vectorizer_))


class OneHotOf(TransformerMixin, BaseEstimator):
    """One-hot of one categorical column (unknown values → all zeros)."""

    def __init__(self, column: str = "level2") -> None:
        self.column = column

    def fit(self, X, y=None):
        self.encoder_ = OneHotEncoder(handle_unknown="ignore").fit(np.asarray(column(X, self.column), dtype=object).reshape(-1, 1))
        return self

    def transform(self, X):
        check_is_fitted(self, "encoder_")
        return self.encoder_.transform(np.asarray(column(X, self.column), dtype=object).reshape(-1, 1))

    def runtime_(self) -> OneHotColumn:
        return OneHotColumn(self.column, [str(v) for v in self.encoder_.categories_[0]])


def _features(lexicon: UnitLexicon | None, extra: list[tuple[str, object]]) -> FeatureUnion:
    return FeatureUnion([
        ("cues", CueFeatures(lexicon)),
        ("head", TextOf("name", head=4, ngram_range=(1, 3))),
        ("name", TextOf("name", ngram_range=(1, 2))),
        ("level2", OneHotOf("level2")),
        *extra,
    ], transformer_weights={"cues": 2.0})


class _LinearNameModel(ClassifierMixin, BaseEstimator):
    """Shared fit/predict_proba of the two models: features, then a (balanced) logistic regression."""

    def _extra(self) -> list[tuple[str, object]]:
        return []

    def fit(self, X: pd.DataFrame, y, sample_weight=None):
        y = np.asarray(y, dtype=object)
        self.__dict__.pop("_runtime", None)
        self.pipeline_ = Pipeline([
            ("features", _features(self.lexicon, self._extra())),
            ("classifier", LogisticRegression(C=self.C, class_weight="balanced" if self.balanced else None, max_iter=2000)),
        ])
        # One BLAS thread: on a shared machine more threads make this small fit ten times slower, not faster.
        with threadpool_limits(1):
            self.pipeline_.fit(X, y, classifier__sample_weight=sample_weight)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``(rows of X, len(classes_))``, computed by the model's plain form (:meth:`runtime_`),
        without the pipeline's per-call checks: a suggestion asks for one name at a time."""
        check_is_fitted(self, "pipeline_")
        if "_runtime" not in self.__dict__:
            self.__dict__["_runtime"] = self.runtime_()
        return self.__dict__["_runtime"].predict_proba(X)

    def runtime_(self) -> LinearForm:
        """The fitted model as a :class:`training.model.forms.LinearForm` (no scikit-learn objects)."""
        union = self.pipeline_.named_steps["features"]
        weights = union.transformer_weights or {}
        classifier = self.pipeline_.named_steps["classifier"]
        blocks = [(float(weights.get(name, 1.0)), transformer.runtime_()) for name, transformer in union.transformer_list]
        return LinearForm(blocks, classifier.coef_, classifier.intercept_, self.classes_)

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_runtime", None)
        return state

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class UnitModel(_LinearNameModel):
    """Name (+ level2) → unit family. ``X``: DataFrame with ``name``, ``level2``; ``y``: family ids of ``data/units.json``."""

    def __init__(self, lexicon: UnitLexicon | None = None, C: float = 4.0, balanced: bool = False) -> None:
        self.lexicon = lexicon
        self.C = C
        self.balanced = balanced


class OperatorModel(_LinearNameModel):
    """Name (+ level2, + unit family) → direction ≥ / ≤ / =. ``X``: DataFrame with ``name``, ``level2``, ``family``."""

    def __init__(self, lexicon: UnitLexicon | None = None, C: float = 1.0, balanced: bool = False) -> None:
        self.lexicon = lexicon
        self.C = C
        self.balanced = balanced

    def _extra(self) -> list[tuple[str, object]]:
        return [("family", OneHotOf("family"))]


@dataclass
class FormExamples:
    """Training examples for the two models, aligned lists."""

    names: list[str]
    level2: list[str]
    families: list[str]
    weights: list[float]
    operators: list[str | None]


def form_examples(rows: list[IndicatorRow], lexicon: UnitLexicon, library_weight: float = 1.0,
                  lexicon_weight: float = 0.5, publisher_cap: int = 20) -> FormExamples:
    """Examples from corpus rows and the lexicon.

    * a row whose target is a deadline or a quantity with a unit of a known
      family (the operator too, when written);
    * a library row with a 计量单位 (``measure_unit``) or a unit in brackets in
      its name, weighted ``library_weight``;
    * every cue word of ``data/units.json`` as a name of its family, weighted ``lexicon_weight``.

    A publisher with more than ``publisher_cap`` such rows has its rows
    weighted ``sqrt(publisher_cap / rows)``.
    """
    out = FormExamples([], [], [], [], [])
    # A publisher that wrote hundreds of rows in one style (郑州 "=100%") should not outvote everyone else.
    per_publisher = collections.Counter(row.publisher for row in rows if row.level3 and lexicon.family_of_target(row.target))
    for row in rows:
        if not row.level3:
            continue
        family = lexicon.family_of_target(row.target)
        weight = min(1.0, (publisher_cap / per_publisher[row.publisher]) ** 0.5) if per_publisher[row.publisher] else 1.0
        if row.origin == "library":
            weight = library_weight
            family = family or lexicon.family_of_unit(row.measure_unit) or lexicon.bracket_family(row.level3)
        if family is None:
            continue
        out.names.append(row.level3)
        out.level2.append(row.level2 or "")
        out.families.append(family)
        out.weights.append(weight)
        out.operators.append(direction(row.target.operator) if row.target.kind == "quantitative" else None)
    for family, words in lexicon.name_cues.items():
        for word in words:
            if word in lexicon.generic_heads:
                continue
            out.names.append(word)
            out.level2.append("")
            out.families.append(family)
            out.weights.append(lexicon_weight)
            out.operators.append(None)
    return out


def fit_target_forms(rows: list[IndicatorRow], lexicon: UnitLexicon | None = None, **params) -> TargetForms:
    """Fit the unit and operator models on corpus rows (see :func:`form_examples`). Milliseconds to a second."""
    lexicon = lexicon or load_units()
    examples = form_examples(rows, lexicon, **{k: v for k, v in params.items() if k in ("library_weight", "lexicon_weight", "publisher_cap")})
    frame = pd.DataFrame({"name": examples.names, "level2": examples.level2, "family": examples.families})
    units = UnitModel(lexicon, **{k[5:]: v for k, v in params.items() if k.startswith("unit_")})
    units.fit(frame, examples.families, sample_weight=np.asarray(examples.weights))
    has_operator = np.array([op is not None for op in examples.operators])
    operators = OperatorModel(lexicon, **{k[9:]: v for k, v in params.items() if k.startswith("operator_")})
    operator_frame = frame[has_operator].reset_index(drop=True)
    operator_labels = [op for op in examples.operators if op is not None]
    # Every family's usual direction once, so that a family no published target wrote an operator for still has one.
    defaults = [(f.id, f.operator) for f in lexicon.families.values() if f.kind == "quantitative" and f.operator]
    operator_frame = pd.concat([operator_frame, pd.DataFrame({"name": [""] * len(defaults), "level2": [""] * len(defaults),
                                                              "family": [f for f, _ in defaults]})], ignore_index=True)
    operator_labels += [op for _, op in defaults]
    operator_weights = [w for w, op in zip(examples.weights, examples.operators, strict=True) if op is not None] + [1.0] * len(defaults)
    operators.fit(operator_frame, operator_labels, sample_weight=np.asarray(operator_weights))
    return TargetForms(lexicon, units, operators)
