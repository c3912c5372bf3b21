"""Unit and operator answers at run time, without scikit-learn: the fitted models' plain form and their cache.

The unit and operator models (``training.model.units``) are fitted with
scikit-learn; what a suggestion needs from them is a linear model over a few
feature blocks. :class:`LinearForm` holds those numbers (each block's plain
form: :class:`UnitCues`, :class:`TextColumn`, :class:`OneHotColumn`) and
computes the models' ``predict_proba``; the models themselves call it, so the
arithmetic exists once. :class:`TargetForms` answers per name and remembers
the answers; a bundle's runtime form stores it with :class:`LinearForm`
models (``TargetForms.runtime``), so serving never imports scikit-learn.

Inputs ``X`` are a mapping of column name to an equally long list (``name``,
``level2``, ``family``) or a DataFrame with those columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from training.domain.units import UnitLexicon
from training.model.runtime import TfidfTable

DIRECTIONS = {"≥": "≥", ">": "≥", "≤": "≤", "<": "≤", "=": "="}


def direction(operator: str | None) -> str | None:
    """The direction an operator states: ``≥``/``>`` → ``≥``, ``≤``/``<`` → ``≤``, ``=`` → ``=``; None for ``±`` or none."""
    return DIRECTIONS.get(operator or "")


def column(X, name: str) -> list[str]:
    """Column ``name`` of ``X`` as strings (``""`` for a missing value or column); a plain list is the column itself."""
    if isinstance(X, Mapping) or hasattr(X, "columns"):
        if name not in X:
            return [""] * rows(X)
        return ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in X[name]]
    return [str(v) for v in X]


def rows(X) -> int:
    """The number of rows of ``X`` (a mapping of equally long lists, a DataFrame or a list)."""
    if isinstance(X, Mapping):
        return len(next(iter(X.values()), ()))
    return len(X)


def unit_cues(lexicon: UnitLexicon, families: Sequence[str], operators: Sequence[str], names: Sequence[str]) -> sparse.csr_matrix:
    """Binary lexicon features ``(len(names), 3 * len(families) + len(operators))``: per family the name's head word,
    a noun it contains, a unit in brackets; then the operator cues the name contains."""
    width = len(families)
    position = {f: i for i, f in enumerate(families)}
    seen: dict[str, list[int]] = {}  # a name repeated in the batch (the operator model asks once per family) once
    found_rows, found_cols = [], []
    for i, name in enumerate(names):
        if name not in seen:
            found = []
            head = lexicon.head(name)
            if head is not None:
                found.append(position[head.value])
            found.extend(width + position[cue.value] for cue in lexicon.contained(name))
            bracket = lexicon.bracket_family(name)
            if bracket is not None:
                found.append(2 * width + position[bracket])
            found.extend(3 * width + j for j, (operator, present) in enumerate(lexicon.operator_cues_in(name).items())
                         if present and operator in operators)
            seen[name] = found
        found_rows.extend([i] * len(seen[name]))
        found_cols.extend(seen[name])
    data = np.ones(len(found_rows), dtype=np.float64)
    return sparse.csr_matrix((data, (found_rows, found_cols)), shape=(len(names), 3 * width + len(operators)))


def prepared_texts(values: Sequence[str], head: int | None) -> list[str]:
    """Names cleaned by the lexicon (``UnitLexicon.clean``), cut to their last ``head`` characters when given."""
    texts = [UnitLexicon.clean(t) or str(t or "") for t in values]
    return [t[-head:] if head else t for t in texts]


class UnitCues:
    """:func:`unit_cues` of the ``name`` column with a fitted lexicon (``CueFeatures``)."""

    def __init__(self, lexicon: UnitLexicon, families: Sequence[str], operators: Sequence[str]) -> None:
        self.lexicon, self.families, self.operators = lexicon, list(families), list(operators)

    def transform(self, X) -> sparse.csr_matrix:
        return unit_cues(self.lexicon, self.families, self.operators, column(X, "name"))


class TextColumn:
    """A TF-IDF table over one column's :func:`prepared_texts` (``TextOf``)."""

    def __init__(self, name: str, head: int | None, table: TfidfTable) -> None:
        self.name, self.head, self.table = name, head, table

    def transform(self, X) -> sparse.csr_matrix:
        return self.table.matrix(prepared_texts(column(X, self.name), self.head))


class OneHotColumn:
    """One-hot of one column over the categories seen in fitting; an unknown value is an all-zero row (``OneHotOf``)."""

    def __init__(self, name: str, categories: Sequence[str]) -> None:
        self.name = name
        self.index = {v: j for j, v in enumerate(categories)}

    def transform(self, X) -> sparse.csr_matrix:
        values = column(X, self.name)
        hits = [i for i, v in enumerate(values) if v in self.index]
        return sparse.csr_matrix((np.ones(len(hits)), (hits, [self.index[values[i]] for i in hits])), shape=(len(values), len(self.index)))


class LinearForm:
    """A fitted linear model over weighted feature blocks: ``softmax(sum_i w_i * block_i(X) @ coef[:, cols_i].T + intercept)``.

    ``blocks`` is ``[(weight, part)]`` in the model's column order; ``coef`` ``(classes, features)`` (one row for two
    classes: then the logistic of that score); ``classes_`` the labels. ``predict_proba(X)`` → ``(rows of X, classes)``.
    """

    def __init__(self, blocks: list[tuple[float, object]], coef: np.ndarray, intercept: np.ndarray, classes: np.ndarray) -> None:
        self.blocks = blocks
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes_ = classes

    def predict_proba(self, X) -> np.ndarray:
        scores = np.tile(self.intercept, (rows(X), 1))
        start = 0
        for weight, part in self.blocks:
            block = part.transform(X)
            stop = start + block.shape[1]
            scores += np.asarray(block @ self.coef[:, start:stop].T) * weight
            start = stop
        if scores.shape[1] == 1:
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


@dataclass
class TargetForms:
    """The fitted unit and operator models with the lexicon they were fitted with (what a bundle stores).

    Answers are memoized per name (up to ``CACHE_SIZE`` names; a table repeats
    its names), so a bulk job pays for each distinct name once.
    """

    CACHE_SIZE = 20_000

    lexicon: UnitLexicon
    units: object  # training.model.units.UnitModel, or its LinearForm in a runtime form: predict_proba(X), classes_
    operators: object  # training.model.units.OperatorModel, or its LinearForm
    _families: dict = field(default_factory=dict, repr=False, compare=False)
    _operators: dict = field(default_factory=dict, repr=False, compare=False)

    def runtime(self) -> TargetForms:
        """The same forms with both models in their plain form (:class:`LinearForm`): what a bundle's runtime form stores."""
        return TargetForms(self.lexicon, self.units.runtime_(), self.operators.runtime_())

    def __getstate__(self) -> dict:
        return {"lexicon": self.lexicon, "units": self.units, "operators": self.operators}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._families, self._operators = {}, {}

    def family_probabilities(self, names: list[str], level2: list[str | None]) -> list[dict[str, float]]:
        """Per name ``{family: probability}`` over the families the model knows."""
        keys = [(n or "", v or "") for n, v in zip(names, level2, strict=True)]
        missing = sorted({k for k in keys if k not in self._families})
        if missing:
            frame = {"name": [n for n, _ in missing], "level2": [v for _, v in missing]}
            for key, row in zip(missing, self.units.predict_proba(frame), strict=True):
                self._remember(self._families, key, dict(zip(self.units.classes_, map(float, row), strict=True)))
        return [self._families[k] for k in keys]

    def operator_probabilities(self, name: str, level2: str | None) -> dict[str, dict[str, float]]:
        """``{family: {direction: probability}}`` for every quantitative family, for one name."""
        key = (name or "", level2 or "")
        if key not in self._operators:
            families = [f.id for f in self.lexicon.families.values() if f.kind == "quantitative"]
            frame = {"name": [key[0]] * len(families), "level2": [key[1]] * len(families), "family": families}
            proba = self.operators.predict_proba(frame)
            self._remember(self._operators, key, {f: dict(zip(self.operators.classes_, map(float, row), strict=True))
                                                  for f, row in zip(families, proba, strict=True)})
        return self._operators[key]

    def prime(self, names: list[str], level2: list[str | None]) -> None:
        """Compute the answers for many names in two model calls (a bulk job), so that later single calls are lookups."""
        keys = sorted({(n or "", v or "") for n, v in zip(names, level2, strict=True)} - set(self._operators))
        if not keys:
            return
        self.family_probabilities([n for n, _ in keys], [v for _, v in keys])
        families = [f.id for f in self.lexicon.families.values() if f.kind == "quantitative"]
        frame = {"name": [n for n, _ in keys for _ in families], "level2": [v for _, v in keys for _ in families],
                 "family": families * len(keys)}
        proba = self.operators.predict_proba(frame)
        for i, key in enumerate(keys):
            rows = proba[i * len(families) : (i + 1) * len(families)]
            self._remember(self._operators, key, {f: dict(zip(self.operators.classes_, map(float, row), strict=True))
                                                  for f, row in zip(families, rows, strict=True)})

    def _remember(self, cache: dict, key, value) -> None:
        if len(cache) >= self.CACHE_SIZE:
            cache.clear()
        cache[key] = value
