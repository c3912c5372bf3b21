"""Request and response bodies, with the examples the OpenAPI page shows."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

NAME = Field(min_length=1, max_length=500, description="三级指标, the indicator name", examples=["资金拨付及时率"])


class IndicatorIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = NAME
    description: str | None = Field(default=None, max_length=5000, examples=["项目资金按照规定时间节点及时拨付到位"])
    target: str | None = Field(default=None, max_length=500, examples=["≥95%"])
    project: str | None = Field(default=None, max_length=500, examples=["科普活动专项经费"])
    level1: str | None = Field(default=None, max_length=100, description="published 一级指标, for review", examples=["产出指标"])
    level2: str | None = Field(default=None, max_length=100, description="published 二级指标, for review", examples=["时效指标"])
    year: int | None = Field(default=None, ge=1990, le=2100, description="budget year, for suggested deadlines")


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"items": [
        {"name": "资金拨付及时率", "target": "≥95%"}, {"name": "社会公众满意度", "level1": "效益指标", "level2": "社会效益指标"}]}]})

    items: list[IndicatorIn] = Field(min_length=1)
    framework: Literal["2021", "2015"] = "2021"
    with_targets: bool = Field(default=False, description="also suggest measurable targets for each item (one call for category and target)")
    k_targets: int = Field(default=3, ge=1, le=20, description="how many targets per item with with_targets")


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

    name: str = NAME
    level2: str | None = Field(default=None, max_length=100, examples=["数量指标"])
    target: str | None = Field(default=None, max_length=500, description="the target as written, checked for measurability")
    description: str | None = Field(default=None, max_length=5000, description="指标解释: how the indicator is measured")
    project: str | None = Field(default=None, max_length=500)
    year: int | None = Field(default=None, ge=1990, le=2100, description="budget year, for deadlines")
    k: int = Field(default=3, ge=1, le=20)


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
    level2: str
    family: str | None = Field(default=None, description="the unit family the indicator is measured in, by its name")
    suggestions: list[TargetSuggestion]
    warnings: list[str]


class TargetSuggestResponse(TargetSuggestions):
    model_version: str


class IndicatorSuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"project": "青少年科技创新大赛", "goal": "组织全市中小学生参赛", "k": 12}]})

    project: str = Field(min_length=1, max_length=500)
    goal: str | None = Field(default=None, max_length=5000)
    year: int | None = Field(default=None, ge=1990, le=2100, description="budget year, for deadlines")
    k: int = Field(default=12, ge=6, le=60, description="how many indicators in all")


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


class IndicatorGroup(BaseModel):
    group: str
    indicators: list[SuggestedIndicator]


class IndicatorSuggestResponse(BaseModel):
    model_version: str
    project: str
    groups: list[IndicatorGroup]
    similar_projects: list[dict]
    sectors: list[dict] = Field(default=[], description="indicator-library sectors (会议培训类, 购置类项目, ...) the project resembles")


class TableClassifyResponse(BaseModel):
    model_version: str
    rows: list[dict]
    summary: dict


ClassifyResult.model_rebuild()
ClassifyResponse.model_rebuild()
