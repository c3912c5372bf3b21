"""The corpus as the model's input: the indicator frame, labels, groups, and which rows are scored.

* Groups are publishers (``IndicatorRow.publisher``): tables of one body repeat
  its wording, so evaluation holds out whole publishers.
* Library entries (``origin == "library"``) say what a category means but are
  no unit's table: they are always trained on and never scored; their groups
  start with ``library:`` (:data:`TRAIN_ONLY_PREFIX`), which the splitters in
  ``training.evaluation.splits`` keep on the training side.
* Every row with a target or description is also given once more with the
  name alone (same label, same group), so the model learns to answer a form
  plugin that sends only the name. Copies are trained on, never scored.
* Reviewed labels: where an expert judged a row (``training.domain.judgements``)
  and found its published label unacceptable, the model is trained on the
  expert's category; ``published`` keeps what the table said, which is what
  published-label agreement is measured against. In cross-validation only
  the training part's judgements reach the model (labels of held-out rows are
  never used to fit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from training.domain.judgements import HardCase, judgement_of
from training.domain.records import Indicator, IndicatorRow
from training.model.pipeline import indicator_frame
from training.model.review import unlearnable

TRAIN_ONLY_PREFIX = "library:"


@dataclass
class TrainingData:
    """Aligned arrays: ``frame`` (n rows), ``labels`` (n,) trained on, ``published`` (n,) as the tables said,
    ``groups`` (n,), ``scored`` (n,) bool, ``rows`` (n,) source rows."""

    frame: pd.DataFrame
    labels: np.ndarray
    published: np.ndarray
    groups: np.ndarray
    scored: np.ndarray
    rows: list[IndicatorRow]
    weights: np.ndarray | None = None

    def fit_params(self) -> dict:
        """What a fit needs besides the frame and labels: ``groups`` and, when rows are weighted, ``sample_weight``."""
        params = {"groups": self.groups}
        if self.weights is not None:
            params["sample_weight"] = self.weights
        return params

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, mask: np.ndarray) -> TrainingData:
        index = np.flatnonzero(mask)
        return TrainingData(self.frame.iloc[index].reset_index(drop=True), self.labels[index], self.published[index],
                            self.groups[index], self.scored[index], [self.rows[i] for i in index],
                            None if self.weights is None else self.weights[index])


def group_of(row: IndicatorRow) -> str:
    """The evaluation group of a row: its publisher, prefixed ``library:`` for library entries."""
    publisher = row.publisher or row.doc
    return f"{TRAIN_ONLY_PREFIX}{publisher}" if row.origin == "library" else publisher


def reviewed_label(row: IndicatorRow, judgements: dict[str, HardCase] | None) -> str:
    """The label to train on: the expert's first acceptable category when the published one was judged unacceptable."""
    case = judgement_of(row, judgements) if judgements else None
    if case is not None and not case.published_acceptable and case.acceptable:
        return case.acceptable[0]
    return row.level2


ALTERNATIVES_WEIGHT = 0.5


def training_data(rows: list[IndicatorRow], name_only_copies: bool = True, judgements: dict[str, HardCase] | None = None,
                  alternatives_weight: float = ALTERNATIVES_WEIGHT) -> TrainingData:
    """Labelled rows (a name and a standard level-2 label) as model input; see the module docstring. Rows whose name is
    no name (``training.model.review.unlearnable``: another language, only numbers or symbols, one character) are left out."""
    labelled = [r for r in rows if r.level3 and r.level2 and not unlearnable(r.level3)]  # 😀😀, Number of trainees: no names
    indicators: list[Indicator] = [r.indicator for r in labelled]
    labels = [reviewed_label(r, judgements) for r in labelled]
    published = [r.level2 for r in labelled]
    groups = [group_of(r) for r in labelled]
    scored = [r.origin != "library" for r in labelled]
    sources = list(labelled)
    if name_only_copies:
        for row, indicator in zip(labelled, list(indicators), strict=True):
            if indicator.target is not None or indicator.description:
                indicators.append(Indicator(name=indicator.name, project=indicator.project))
                labels.append(reviewed_label(row, judgements))
                published.append(row.level2)
                groups.append(group_of(row))
                scored.append(False)
                sources.append(row)
    weights = [1.0] * len(labels)
    if judgements and alternatives_weight > 0:
        for position in range(len(labels)):
            case = judgement_of(sources[position], judgements)
            for category in case.acceptable if case is not None else ():
                if category != labels[position]:
                    indicators.append(indicators[position])
                    labels.append(category)
                    published.append(published[position])
                    groups.append(groups[position])
                    scored.append(False)
                    sources.append(sources[position])
                    weights.append(alternatives_weight)
    return TrainingData(indicator_frame(indicators), np.asarray(labels, dtype=object), np.asarray(published, dtype=object),
                        np.asarray(groups, dtype=object), np.asarray(scored, dtype=bool), sources,
                        np.asarray(weights, dtype=float) if any(w != 1.0 for w in weights) else None)
