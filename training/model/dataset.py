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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from training.domain.records import Indicator, IndicatorRow
from training.model.pipeline import indicator_frame

TRAIN_ONLY_PREFIX = "library:"


@dataclass
class TrainingData:
    """Aligned arrays: ``frame`` (n rows), ``labels`` (n,), ``groups`` (n,), ``scored`` (n,) bool, ``rows`` (n,) source rows."""

    frame: pd.DataFrame
    labels: np.ndarray
    groups: np.ndarray
    scored: np.ndarray
    rows: list[IndicatorRow]

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, mask: np.ndarray) -> TrainingData:
        index = np.flatnonzero(mask)
        return TrainingData(self.frame.iloc[index].reset_index(drop=True), self.labels[index], self.groups[index],
                            self.scored[index], [self.rows[i] for i in index])


def group_of(row: IndicatorRow) -> str:
    """The evaluation group of a row: its publisher, prefixed ``library:`` for library entries."""
    publisher = row.publisher or row.doc
    return f"{TRAIN_ONLY_PREFIX}{publisher}" if row.origin == "library" else publisher


def training_data(rows: list[IndicatorRow], name_only_copies: bool = True) -> TrainingData:
    """Labelled rows (a name and a standard level-2 label) as model input; see the module docstring."""
    labelled = [r for r in rows if r.level3 and r.level2]
    indicators: list[Indicator] = [r.indicator for r in labelled]
    labels = [r.level2 for r in labelled]
    groups = [group_of(r) for r in labelled]
    scored = [r.origin != "library" for r in labelled]
    sources = list(labelled)
    if name_only_copies:
        for row, indicator in zip(labelled, list(indicators), strict=True):
            if indicator.target is not None or indicator.description:
                indicators.append(Indicator(name=indicator.name, project=indicator.project))
                labels.append(row.level2)
                groups.append(group_of(row))
                scored.append(False)
                sources.append(row)
    return TrainingData(indicator_frame(indicators), np.asarray(labels, dtype=object), np.asarray(groups, dtype=object),
                        np.asarray(scored, dtype=bool), sources)
