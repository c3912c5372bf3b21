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
features never diverge from training.

Each part is held in its plain form (``runtime_()`` of the part, or
:class:`training.model.runtime.TfidfTable` for a vectorizer), so a compiled
classifier can be pickled and loaded without importing scikit-learn: a
training run stores it in the bundle's runtime form
(``training.lifecycle.bundle``), and serving loads only that. For a request's
few names the TF-IDF parts (characters, jieba words) are computed row by row
(``TfidfTable.row``), skipping sparse-matrix building. The equality with
``Pipeline.predict_proba`` is tested on corpus rows, one row at a time and in
a batch (``tests/training/model/test_compiled.py``).

:meth:`CompiledClassifier.from_pipeline` returns ``None`` for any model of
another shape (another classifier, calibration method or feature union); the
caller then uses the pipeline itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from training.domain.records import Indicator
from training.model.runtime import TfidfTable

# Up to this many rows a TF-IDF part is computed row by row (a request's few names); more go through scikit-learn.
DIRECT_ROWS = 16


@dataclass(frozen=True)
class _Part:
    """One fitted feature part: the frame column it reads and its weighted coefficient block per fold."""

    name: str
    transformer: object  # the part's plain form (training.model.runtime): transform(values) -> matrix
    column: str
    two_d: bool
    coefficients: np.ndarray  # (n_features_of_part, folds * classes), already times the part's weight

    @property
    def tfidf(self) -> TfidfTable | None:
        """The part as a TF-IDF table, whose rows are computed one name at a time for a few names."""
        return self.transformer if isinstance(self.transformer, TfidfTable) else None


def _column(indicator: Indicator, column: str):
    value = getattr(indicator, column)
    return value if column == "target" else (value or "")


def _plain(transformer):
    """A fitted part's plain form: its own ``runtime_()``, a vectorizer's :class:`TfidfTable`; else None."""
    if hasattr(transformer, "runtime_"):
        return transformer.runtime_()
    if hasattr(transformer, "vocabulary_") and hasattr(transformer, "build_analyzer"):
        return TfidfTable.of(transformer)
    return None


class CompiledClassifier:
    """Calibrated probabilities of a fitted recipe for indicators, equal to the pipeline's; see the module docstring.

    Built by :meth:`from_pipeline` from a fitted pipeline (nothing is refitted:
    the parts' plain forms share the pipeline's fitted arrays, and pickle
    without any scikit-learn object). ``classes_`` is the
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
                plain = _plain(transformer)
                if plain is None:
                    return None
                block = stacked[columns] * float(weights.get(name, 1.0))
                parts.append(_Part(name, plain, column if isinstance(column, str) else column[0], two_d, np.ascontiguousarray(block)))
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
        n, classes, folds = len(indicators), len(self.classes_), len(self.betas_)
        scores = np.tile(self.intercepts_, (n, 1))
        for part in self.parts_:
            values = [_column(i, part.column) for i in indicators]
            if not part.two_d and not any(values) and self._silent(part):
                continue  # e.g. no description: its TF-IDF row is zero
            table = part.tfidf
            if table is not None and n <= DIRECT_ROWS:
                for row, value in enumerate(values):
                    indices, weights = table.row(value)
                    scores[row] += weights @ part.coefficients[indices]
                continue
            block = part.transformer.transform(values)
            scores += np.asarray(block @ part.coefficients)
        logits = scores.reshape(n, folds, classes) * self.betas_[None, :, None]
        logits -= logits.max(axis=2, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=2, keepdims=True)
        return probabilities.mean(axis=1)
