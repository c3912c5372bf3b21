"""Classification and suggestions for single indicators (form plugins)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from service.api.deps import PredictorDep, SettingsDep
from service.api.schemas import (
    ClassifyRequest,
    ClassifyResponse,
    IndicatorSuggestRequest,
    IndicatorSuggestResponse,
    TargetSuggestRequest,
    TargetSuggestResponse,
)
from service.predictor import Published
from training.domain.records import Indicator

router = APIRouter(prefix="/v1", tags=["indicators"])


@router.post("/classify", response_model=ClassifyResponse, summary="Classify indicators into the standard hierarchy")
def classify(request: ClassifyRequest, predictor: PredictorDep, settings: SettingsDep) -> dict:
    if len(request.items) > settings.max_items:
        raise HTTPException(status_code=413, detail=f"{len(request.items)} items; at most {settings.max_items} per request "
                                                    "(use /v1/tables/classify for files)")
    indicators = [Indicator.from_text(i.name, i.description, i.target, i.project) for i in request.items]
    published = [Published(i.level1, i.level2) for i in request.items]
    results = predictor.classify(indicators, published, framework=request.framework)
    if request.with_targets:
        for indicator, item, result in zip(indicators, request.items, results, strict=True):
            result["targets"] = predictor.suggest_targets(indicator, result["category"], k=request.k_targets, year=item.year,
                                                          given_target=item.target)
    return {"model_version": predictor.version, "results": results}


@router.post("/targets/suggest", response_model=TargetSuggestResponse, summary="Suggest measurable targets from similar historical indicators")
def suggest_targets(request: TargetSuggestRequest, predictor: PredictorDep) -> dict:
    indicator = Indicator.from_text(request.name, request.description, request.target, request.project)
    result = predictor.suggest_targets(indicator, request.level2, k=request.k, year=request.year, given_target=request.target)
    return {"model_version": predictor.version, **result}


@router.post("/indicators/suggest", response_model=IndicatorSuggestResponse,
             summary="Suggest indicators for a project, covering every category a table needs")
def suggest_indicators(request: IndicatorSuggestRequest, predictor: PredictorDep) -> dict:
    result = predictor.suggest_indicators(request.project, request.goal, k=request.k, year=request.year)
    return {"model_version": predictor.version, **result}
