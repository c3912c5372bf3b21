"""The normalized indicator row every reader produces."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class IndicatorRow:
    """One 三级指标 as read from a table, with its labels as written and as standard.

    ``input`` keeps the row's cells under their original headers so that a bulk
    job can hand back exactly what it was given; ``issues`` says what could not be
    read, because a bad row is reported and kept, never dropped.
    """

    source: str
    table: int
    row: int
    doc: str
    level3: str | None
    level1_raw: str | None = None
    level2_raw: str | None = None
    level1: str | None = None
    level2: str | None = None
    target_raw: str | None = None
    target: dict[str, Any] = field(default_factory=dict)
    description: str | None = None
    basis: str | None = None
    project: str | None = None
    department: str | None = None
    unit_name: str | None = None
    year: int | None = None
    label_known: bool = True
    label_approximate: bool = False
    label_process: bool = False
    input: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] | None = None
    issues: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndicatorRow:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})
