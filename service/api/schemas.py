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


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"items": [
        {"name": "资金拨付及时率", "target": "≥95%"}, {"name": "社会公众满意度", "level1": "效益指标", "level2": "社会效益指标"}]}]})

    items: list[IndicatorIn] = Field(min_length=1)
    framework: Literal["2021", "2015"] = "2021"


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
    confidence: float = Field(description="calibrated probability of the top category")
    alternatives: list[Alternative]
    needs_review: bool = Field(description="low confidence or a close runner-up")
    label_disagrees: bool | None = Field(description="published label differs from a confident prediction; null without a label")
    published_level2: str | None
    similar: list[Similar]


class ClassifyResponse(BaseModel):
    model_version: str
    results: list[ClassifyResult]


class TargetSuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "资金拨付及时率", "k": 3, "target": "1=及时；2=不及时"}]})

    name: str = NAME
    level2: str | None = Field(default=None, max_length=100, examples=["时效指标"])
    target: str | None = Field(default=None, max_length=500, description="the target as written, checked for measurability")
    k: int = Field(default=3, ge=1, le=20)


class Example(BaseModel):
    name: str
    target: str | None
    level2: str
    source: str
    similarity: float


class TargetSuggestion(BaseModel):
    text: str
    kind: str
    operator: str | None
    value: float | None
    unit: str | None
    support: int = Field(description="how many similar historical indicators use this form")
    examples: list[Example]


class TargetSuggestResponse(BaseModel):
    model_version: str
    level2: str
    suggestions: list[TargetSuggestion]
    warnings: list[str]


class IndicatorSuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"project": "青少年科技创新大赛", "goal": "组织全市中小学生参赛", "k": 12}]})

    project: str = Field(min_length=1, max_length=500)
    goal: str | None = Field(default=None, max_length=5000)
    k: int = Field(default=12, ge=6, le=60)


class SuggestedIndicator(BaseModel):
    name: str
    level1: str
    level2: str
    suggested_target: str | None
    support: int
    from_project: str | None
    source: str


class IndicatorGroup(BaseModel):
    group: str
    indicators: list[SuggestedIndicator]


class IndicatorSuggestResponse(BaseModel):
    model_version: str
    project: str
    groups: list[IndicatorGroup]
    similar_projects: list[dict]


class TableClassifyResponse(BaseModel):
    model_version: str
    rows: list[dict]
    summary: dict
