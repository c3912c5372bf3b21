"""The records every part shares: one indicator to classify, and the normalized row every reader produces."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from training.domain.targets import Target, parse_target

# a web address in brackets (会议类项目（www.clix4bitcoin.com）): where a library was copied from, not part of its name
_WEB_NOTE = re.compile(r"\s*[（(][^（）()]*(?:www\.|https?://|\.com|\.cn|\.net|\.org)[^（）()]*[）)]")


# The budget years a table or a request may name (the API and the CLI refuse others).
BUDGET_YEARS = (1990, 2100)


@dataclass
class Indicator:
    """What one classification looks at: the 三级指标 name and, when known, its description, target and project.

    ``target`` is parsed once (``parse_target``) where the text enters the
    program, and passed on as a ``Target``.
    """

    name: str
    description: str | None = None
    target: Target | None = None
    project: str | None = None

    @classmethod
    def from_text(cls, name: str, description: str | None = None, target: str | None = None,
                  project: str | None = None) -> Indicator:
        """Build from raw text as a user typed it; the target string is parsed here (with the description as its explanation)."""
        parsed = parse_target(target, description) if target else None
        return cls(name=name, description=description or None, target=parsed, project=project or None)


@dataclass
class IndicatorRow:
    """One 三级指标 as read from a table, with its labels as written and as standard.

    ``publisher`` is the body that published the table (a department, a
    county, one repository's system): evaluation holds out whole publishers.
    ``origin`` is ``table`` for rows of a filled table, ``library`` for entries
    of an indicator library (names and categories, no unit's own wording),
    ``reviewed`` for rows a reviewer labelled. ``measure_unit`` is a separate
    计量单位 given without a target (libraries); ``sector`` the project type a
    library files the entry under.

    ``input`` keeps the row's cells under their original headers so that a bulk
    job can hand back exactly what it was given; ``issues`` says what could not be
    read or had to be guessed, because a bad row is reported and kept, never dropped.
    ``period`` is ``annual`` or ``long_term`` when the table tells its 年度 and
    中长期 indicators apart, ``actual`` the 实际完成值 of a self-evaluation table (绩效自评表).
    """

    # Written to the corpus only when set, so that rows of tables without them keep their digest.
    OPTIONAL_FIELDS: ClassVar[tuple[str, ...]] = ("period", "actual")

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
    target: Target = field(default_factory=lambda: Target(kind="empty"))
    description: str | None = None
    basis: str | None = None
    project: str | None = None
    department: str | None = None
    unit_name: str | None = None
    year: int | None = None
    publisher: str | None = None
    origin: str = "table"
    measure_unit: str | None = None
    sector: str | None = None
    label_known: bool = True
    label_approximate: bool = False
    label_process: bool = False
    input: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] | None = None
    issues: list[str] = field(default_factory=list)
    period: str | None = None
    actual: str | None = None

    @property
    def indicator(self) -> Indicator:
        """The part of the row a classifier reads."""
        target = self.target if self.target.kind != "empty" else None
        return Indicator(name=self.level3 or "", description=self.description, target=target, project=self.project)

    @property
    def sector_name(self) -> str | None:
        """A library entry's project type as people read it (``会议类项目``, without the web address in brackets)."""
        return _WEB_NOTE.sub("", self.sector).strip() or None if self.sector else None

    @property
    def citation(self) -> str:
        """A readable source for people: publisher, year and project (``郑州市 2020年 青少年科技创新大赛``), never a hash file name.

        An indicator library's entry is cited as ``指标库`` and its project type (``指标库 会议培训类``, without a web
        address in brackets): its publisher and document are only the web page it was copied from (kept in ``doc``
        for provenance). A row from a public repository's data file is cited as ``公开代码库数据（owner/repo）``.
        """
        if self.origin == "library":
            return " ".join(p for p in ("指标库", self.sector_name) if p)
        source = self.publisher or self.unit_name or self.department or self.doc
        if source and source.startswith("github:"):  # a filled table from a public repository's data file
            source = f"公开代码库数据（{source.removeprefix('github:')}）"
        parts = [source]
        if self.year:
            parts.append(f"{self.year}年")
        if self.project:
            parts.append(self.project)
        return " ".join(p for p in parts if p)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the target becomes ``Target.as_dict()``."""
        data = asdict(self)
        data["target"] = self.target.as_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndicatorRow:
        """The inverse of ``as_dict``; unknown keys are ignored, a missing target is empty."""
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        target = values.get("target")
        values["target"] = Target.from_dict(target) if isinstance(target, dict) and target else Target(kind="empty")
        return cls(**values)
