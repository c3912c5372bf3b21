"""The fitted classifier's ``predict_proba`` as a few matrix products: what a form plugin's one-indicator request runs.

A fitted recipe (:func:`training.model.pipeline.make_classifier`) is a
``ColumnTransformer`` of nine parts, weighted and stacked, then three fold
logistic regressions, each calibrated by temperature scaling, averaged.
On one row, scikit-learn's per-call machinery around these (column selection
through pandas, input checks, the stacking of nine blocks, three calibrators'
checks) cost about 11 ms on the 2-core machine, five times the 2.2 ms of the
parts' own transforms and the products (one-row ``predict_proba`` of the
pipeline against this class, name vectors cached; ``make benchmark``'s
"repeated name" row went from 12.5 ms to 2.3 ms). :class:`CompiledClassifier`
keeps the fitted parts and computes the same numbers directly:

    P(x) = mean_k softmax(beta_k * (sum_i w_i * part_i(x) @ W_k[:, cols_i].T + b_k))

with ``w_i`` the ``transformer_weights``, ``cols_i`` part ``i``'s columns
(``output_indices_``), ``W_k``/``b_k`` fold ``k``'s coefficients and
``beta_k`` its inverse temperature (scikit-learn's ``_TemperatureScaling``:
``softmax(beta_ * decision_function)``). Each part's own fitted ``transform``
is called (the encoder, the neighbour index, the head and cue parts), so
features never diverge from training; for a request's few names the TF-IDF
parts (characters, jieba words) are computed row by row from the fitted
vectorizer's own analyzer, vocabulary and idf (:class:`_TfidfRow`), which
skips scikit-learn's per-call input checks and sparse-matrix building. The
equality with ``Pipeline.predict_proba`` is tested on corpus rows, one row at a
time and in a batch (``tests/training/model/test_compiled.py``).

:meth:`CompiledClassifier.from_pipeline` returns ``None`` for any model of
another shape (another classifier, calibration method or feature union); the
caller then uses the pipeline itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from training.domain.records import Indicator


class _TfidfRow:
    """A fitted ``TfidfVectorizer``'s row for one text, as ``(feature indices, values)``, without building sparse matrices.

    The same arithmetic as scikit-learn's ``transform``: the vectorizer's own analyzer (its preprocessing,
    tokenizer and n-grams), counts of in-vocabulary terms, ``1 + log(count)`` when ``sublinear_tf``, times
    ``idf_`` when ``use_idf``, then the ``norm`` (l2 or l1). On one name scikit-learn's transform spent about
    0.5 ms in input checks and sparse-matrix construction around a few microseconds of arithmetic (measured per part on the
    2-core machine); the equality with the pipeline is tested (``tests/training/model/test_compiled.py``).
    """

    def __init__(self, vectorizer) -> None:
        self.analyzer = vectorizer.build_analyzer()
        self.vocabulary = vectorizer.vocabulary_
        self.idf = vectorizer.idf_ if vectorizer.use_idf else None
        self.sublinear = vectorizer.sublinear_tf
        self.binary = vectorizer.binary
        self.norm = vectorizer.norm

    @classmethod
    def of(cls, transformer) -> _TfidfRow | None:
        """For a fitted ``TfidfVectorizer``, or a part that is one over ``texts_of`` (``JiebaWords``); else None."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        from training.model.features import JiebaWords

        if type(transformer) is TfidfVectorizer:
            return cls(transformer)
        if type(transformer) is JiebaWords and type(getattr(transformer, "vectorizer_", None)) is TfidfVectorizer:
            return cls(transformer.vectorizer_)
        return None

    def __call__(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts: dict[int, int] = {}
        for term in self.analyzer(text):
            j = self.vocabulary.get(term)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.binary:
            values[:] = 1.0
        if self.sublinear:
            values = np.log(values) + 1.0
        if self.idf is not None:
            values = values * self.idf[indices]
        if self.norm == "l2":
            total = np.sqrt(values @ values)
        elif self.norm == "l1":
            total = np.abs(values).sum()
        else:
            total = 0.0
        if total > 0:
            values = values / total
        return indices, values


# Up to this many rows a TF-IDF part is computed row by row (a request's few names); more go through scikit-learn.
DIRECT_ROWS = 16


@dataclass(frozen=True)
class _Part:
    """One fitted feature part: the frame column it reads and its weighted coefficient block per fold."""

    name: str
    transformer: object
    column: str
    two_d: bool
    coefficients: np.ndarray  # (n_features_of_part, folds * classes), already times the part's weight
    tfidf: _TfidfRow | None = None  # the part's TF-IDF row computed directly (TfidfVectorizer, JiebaWords)


def _column(indicator: Indicator, column: str):
    value = getattr(indicator, column)
    return value if column == "target" else (value or "")


class CompiledClassifier:
    """Calibrated probabilities of a fitted recipe for a few indicators, equal to the pipeline's; see the module docstring.

    Built by :meth:`from_pipeline` from a fitted pipeline (nothing is refitted
    or copied: the parts are the pipeline's own). ``classes_`` is the
    pipeline's; :meth:`predict_proba` takes ``Indicator`` objects and returns
    ``(n, len(classes_))`` float64 rows summing to one.
    """

    def __init__(self, parts: list[_Part], intercepts: np.ndarray, betas: np.ndarray, classes: np.ndarray) -> None:
        self.parts_ = parts
        self.intercepts_ = intercepts  # (folds * classes,)
        self.betas_ = betas  # (folds,)
        self.classes_ = classes
        self.silent_: dict[str, bool] = {}  # part name -> an empty text gives an all-zero row (found on first need)

    @classmethod
    def from_pipeline(cls, pipeline) -> CompiledClassifier | None:
        """The compiled form of a fitted ``Pipeline([("features", ColumnTransformer), ("classifier", RareClassFilter)])``.

        Returns ``None`` when the model has another shape: a classifier that is
        not a temperature-calibrated linear model, a feature part with a
        remainder, folds that do not all know every class.
        """
        try:
            features, classifier = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
            calibrated = classifier.estimator_
            if getattr(calibrated, "method", None) != "temperature" or getattr(features, "remainder", "drop") != "drop":
                return None
            folds = calibrated.calibrated_classifiers_
            classes = np.asarray(calibrated.classes_)
            coefficients, intercepts, betas = [], [], []
            for fold in folds:
                linear = fold.estimator
                # the fold model knows every class, in order (encoded 0..C-1), so its scores are the calibrator's logits
                if (len(linear.classes_) != len(classes) or not np.array_equal(np.asarray(fold.classes), classes)
                        or len(fold.calibrators) != 1 or len(classes) < 3):
                    return None
                coefficients.append(np.asarray(linear.coef_, dtype=np.float64))
                intercepts.append(np.asarray(linear.intercept_, dtype=np.float64))
                betas.append(float(fold.calibrators[0].beta_))
            stacked = np.concatenate(coefficients, axis=0).T  # (features, folds * classes)
            weights = features.transformer_weights or {}
            parts = []
            for name, transformer, column in features.transformers_:
                if transformer == "drop" or name == "remainder":
                    continue
                columns = features.output_indices_[name]
                if columns.stop == columns.start:
                    continue
                if not isinstance(column, str) and not (isinstance(column, list) and len(column) == 1):
                    return None
                two_d = not isinstance(column, str)
                block = stacked[columns] * float(weights.get(name, 1.0))
                parts.append(_Part(name, transformer, column if isinstance(column, str) else column[0], two_d,
                                   np.ascontiguousarray(block), None if two_d else _TfidfRow.of(transformer)))
            return cls(parts, np.concatenate(intercepts), np.asarray(betas), classes)
        except (AttributeError, KeyError, TypeError):
            return None

    def _silent(self, part: _Part) -> bool:
        if part.name not in self.silent_:
            empty = part.transformer.transform([""])
            self.silent_[part.name] = (empty.count_nonzero() if sparse.issparse(empty) else np.count_nonzero(empty)) == 0
        return self.silent_[part.name]

    def predict_proba(self, indicators: list[Indicator]) -> np.ndarray:
        """Probabilities ``(len(indicators), len(classes_))``: the mean over folds of each fold's calibrated softmax."""
        import sklearn

        n, classes, folds = len(indicators), len(self.classes_), len(self.betas_)
        scores = np.tile(self.intercepts_, (n, 1))
        # the values are built here from Indicator objects: scikit-learn's finiteness and parameter checks are skipped
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            for part in self.parts_:
                values = [_column(i, part.column) for i in indicators]
                if not part.two_d and not any(values) and self._silent(part):
                    continue  # e.g. no description: its TF-IDF row is zero
                if part.tfidf is not None and n <= DIRECT_ROWS:
                    for row, value in enumerate(values):
                        indices, weights = part.tfidf(value)
                        scores[row] += weights @ part.coefficients[indices]
                    continue
                block = part.transformer.transform(values)
                scores += np.asarray(block @ part.coefficients)
        logits = scores.reshape(n, folds, classes) * self.betas_[None, :, None]
        logits -= logits.max(axis=2, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=2, keepdims=True)
        return probabilities.mean(axis=1)
