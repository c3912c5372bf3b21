"""Request and response bodies, with the examples the OpenAPI page shows."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool
from pydantic_core import PydanticCustomError

from training.domain.records import BUDGET_YEARS

# Control and format characters (zero-width spaces and joiners, bidi marks and isolates, BOM, soft hyphen): never seen.
INVISIBLE = ("\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u08e2\\u180e\\u200b-\\u200f"
             "\\u202a-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb")
VISIBLE_CHAR = f"[^\\s{INVISIBLE}]"  # a name's documented `pattern`: at least one character that shows
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def visible(value: str) -> str:
    """Text without control and format characters (``INVISIBLE``), tabs and line breaks as spaces, stripped.

    Applied after the documented length limits, which count what was sent.
    Invisible characters are no part of a name: a name made only of them is
    empty (422), not a name to classify (issue #14).
    """
    return _INVISIBLE.sub("", value.replace("\t", " ").replace("\r", " ").replace("\n", " ")).strip()


def _not_empty(value: str) -> str:
    if not value:
        raise PydanticCustomError("empty_name", "the name is empty once spaces and invisible characters (zero-width, bidi marks) are removed")
    return value


def _json_integer(value: object) -> object:
    """Integers as JSON Schema has them: 3 and 3.0, not "3" or true (pydantic's lax mode would take both)."""
    if isinstance(value, (str, bool)):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# Requests take JSON types as documented, so what the OpenAPI document calls invalid is refused (no "3" for 3, no 0 for false).
JsonInt = Annotated[int, BeforeValidator(_json_integer)]
Year = Annotated[int, Field(ge=BUDGET_YEARS[0], le=BUDGET_YEARS[1]), BeforeValidator(_json_integer)]  # constraints first, or pydantic documents them as "ge"/"le"


def text(max_length: int):
    """A text field: at most ``max_length`` characters as sent (what the document says), then ``visible``."""
    return Annotated[str, Field(max_length=max_length), AfterValidator(visible)]


NameText = Annotated[str, Field(max_length=500), AfterValidator(visible), AfterValidator(_not_empty)]
# minLength is documented; the check itself is _not_empty, after invisible characters and spaces are gone.
NAME = Field(description="三级指标, the indicator name", examples=["资金拨付及时率"],
             json_schema_extra={"minLength": 1, "pattern": VISIBLE_CHAR})


# Requests are strict: JSON types as documented (no "3" for 3, no 0 for false), so what the OpenAPI document rejects is rejected.
class IndicatorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: NameText = NAME
    description: text(5000) | None = Field(default=None, examples=["项目资金按照规定时间节点及时拨付到位"])
    target: text(500) | None = Field(default=None, examples=["≥95%"])
    project: text(500) | None = Field(default=None, examples=["科普活动专项经费"])
    level1: text(100) | None = Field(default=None, description="published 一级指标, for review", examples=["产出指标"])
    level2: text(100) | None = Field(default=None, description="published 二级指标, for review", examples=["时效指标"])
    year: Year | None = Field(default=None, description="budget year, for suggested deadlines")


class TableRowIn(BaseModel):
    """Another row of the indicator's table as filled so far: how it writes its target, and its 二级指标."""

    model_config = ConfigDict(extra="forbid")

    target: text(500) | None = Field(default=None, examples=["=50个"], description="null or empty for a row not filled yet (skipped)")
    level2: text(100) | None = Field(default=None, description="its 二级指标, any label variant", examples=["数量指标"])


TABLE = Field(default=None, max_length=500,
              description="the other rows of the indicator's table (target and 二级指标) as filled so far: a table that writes "
                          "=50个 for its planned counts gets = for its counts, one that writes =100% for its rates gets =100%")


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"items": [
        {"name": "资金拨付及时率", "target": "≥95%"}, {"name": "社会公众满意度", "level1": "效益指标", "level2": "社会效益指标"}]}]})

    items: list[IndicatorIn] = Field(min_length=1)
    framework: Literal["2021", "2015"] = "2021"
    with_targets: StrictBool = Field(default=False, description="also suggest measurable targets for each item (one call for category and target)")
    k_targets: JsonInt = Field(default=3, ge=1, le=20, description="how many targets per item with with_targets")
    table: list[TableRowIn] | None = TABLE


class Alternative(BaseModel):
    level1: str
    level2: str
    confidence: float


class Similar(BaseModel):
    name: str
    level2: str
    target: str | None
    source: str
    similarity: float


class ClassifyResult(BaseModel):
    level1: str
    level2: str
    category: str = Field(description="the canonical category (11 classes); level1/level2 are its view in the requested framework")
    confidence: float = Field(description="calibrated probability of the displayed category")
    alternatives: list[Alternative] = Field(description="runner-up categories, each displayed category once")
    needs_review: bool = Field(description="low confidence, a close runner-up, or input that is not an indicator name")
    review_reasons: list[str]
    review_reasons_zh: list[str] = Field(default=[], description="review_reasons in Chinese, for people (one per reason)")
    label_disagrees: bool | None = Field(description="published label differs from a confident prediction; null without a label")
    published_level1: str | None
    published_level2: str | None
    similar: list[Similar]
    targets: TargetSuggestions | None = Field(default=None, description="with with_targets: suggested measurable targets")


class ClassifyResponse(BaseModel):
    model_version: str
    results: list[ClassifyResult]


class TargetSuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "新建高标准农田面积", "k": 3, "year": 2025}]})

    name: NameText = NAME
    level2: text(100) | None = Field(default=None, examples=["数量指标"])
    target: text(500) | None = Field(default=None, description="the target as written, checked for measurability")
    description: text(5000) | None = Field(default=None, description="指标解释: how the indicator is measured")
    project: text(500) | None = Field(default=None)
    year: Year | None = Field(default=None, description="budget year, for deadlines")
    k: JsonInt = Field(default=3, ge=1, le=20)
    table: list[TableRowIn] | None = TABLE


class Example(BaseModel):
    name: str
    target: str | None
    level2: str
    source: str
    similarity: float


class Spread(BaseModel):
    n: int
    min: float
    median: float
    max: float


class TargetSuggestion(BaseModel):
    text: str = Field(description="the target as it would be written, e.g. ≥500亩, 2025年12月31日前, ≥__人 (a placeholder to fill)")
    kind: str = Field(description="quantitative, deadline or qualitative")
    operator: str | None
    value: float | None = Field(description="null for a deadline, a qualitative form or a placeholder")
    unit: str | None
    family: str | None = Field(default=None, description="unit family (data/units.json): percent, area, people, deadline, ...")
    family_label: str | None = Field(default=None, description="the family in Chinese: 比例, 面积, 人数, 时限, ...")
    placeholder: bool = Field(default=False, description="true when no similar indicator has a value in this unit: fill in the __")
    spread: Spread | None = Field(default=None, description="the values of the similar indicators behind the value")
    support: int = Field(description="how many similar historical indicators back this form")
    examples: list[Example]
    why: str = Field(description="why this form, unit and value (Chinese)")


class TargetSuggestions(BaseModel):
    level2: str = Field(description="the category the targets are written for, as the 2021 guideline names it (as /v1/classify shows it)")
    family: str | None = Field(default=None, description="the unit family the indicator is measured in, by its name")
    suggestions: list[TargetSuggestion]
    warnings: list[str]
    warnings_zh: list[str] = Field(default=[], description="warnings in Chinese, for people (one per warning)")


class TargetSuggestResponse(TargetSuggestions):
    model_version: str


class IndicatorSuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid",
                              json_schema_extra={"examples": [{"project": "青少年科技创新大赛", "goal": "组织全市中小学生参赛", "k": 12}]})

    project: NameText = Field(json_schema_extra={"minLength": 1, "pattern": VISIBLE_CHAR})
    goal: text(5000) | None = Field(default=None)
    year: Year | None = Field(default=None, description="budget year, for deadlines")
    k: JsonInt = Field(default=12, ge=6, le=60, description="how many indicators at most (fewer, with a warning, when fewer relate to the project)")


class SuggestedIndicator(BaseModel):
    name: str
    level1: str
    level2: str
    suggested_target: str | None
    target: TargetSuggestion | None = Field(default=None, description="the suggested target in full")
    support: int = Field(description="similar projects or library sectors that use this indicator")
    from_project: str | None
    source: str
    why: str | None = Field(default=None, description="where the indicator comes from (Chinese)")
    composed: bool = Field(default=False, description="composed from the project's own name and a standard measure "
                           "(data/project_templates.json) because no historical project is close; edit it to the project")


class IndicatorGroup(BaseModel):
    group: str
    indicators: list[SuggestedIndicator]


class IndicatorSuggestResponse(BaseModel):
    model_version: str
    project: str
    groups: list[IndicatorGroup]
    similar_projects: list[dict]
    sectors: list[dict] = Field(default=[], description="indicator-library sectors (会议培训类, 购置类项目, ...) the project resembles")
    sector: str | None = Field(default=None, description="the common sector the project's name places it in (data/project_templates.json: "
                                                         "养老服务, 城市照明, ...), whose indicators lead each group; null for none")
    warnings: list[str] = Field(default=[], description="e.g. no historical project is close: the indicators are a loose fit")
    warnings_zh: list[str] = Field(default=[], description="warnings in Chinese, for people (one per warning)")


class TableClassifyResponse(BaseModel):
    model_version: str
    rows: list[dict] = Field(description="every input row in order: its cells as read, published_level1/2, pred_level1/2, confidence, "
                                         "alternatives, needs_review, review_reasons, label_disagrees, target, suggested_target, "
                                         "target_warning, error; and review_reasons_zh, target_warning_zh, error_zh in Chinese")
    summary: dict


ClassifyResult.model_rebuild()
ClassifyResponse.model_rebuild()
