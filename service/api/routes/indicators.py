"""Classification and suggestions for single indicators (form plugins)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from service.api.deps import get_model
from service.api.schemas import (
    ClassifyRequest,
    ClassifyResponse,
    IndicatorSuggestRequest,
    IndicatorSuggestResponse,
    TargetSuggestRequest,
    TargetSuggestResponse,
)
from training.settings import get_settings
from service.api.state import Loaded
from training.model.features import Item

router = APIRouter(prefix="/v1", tags=["indicators"])


@router.post("/classify", response_model=ClassifyResponse, summary="Classify indicators into the standard hierarchy")
def classify(request: ClassifyRequest, loaded: Loaded = Depends(get_model)) -> dict:
    limit = get_settings().max_items
    if len(request.items) > limit:
        raise HTTPException(status_code=413, detail=f"{len(request.items)} items; at most {limit} per request (use /v1/tables/classify for files)")
    items = [Item(name=i.name, description=i.description, target=i.target, project=i.project) for i in request.items]
    published = [(i.level1, i.level2) for i in request.items]
    results = loaded.predictor.classify(items, published, framework=request.framework)
    return {"model_version": loaded.metadata["version"], "results": results}


@router.post("/targets/suggest", response_model=TargetSuggestResponse, summary="Suggest measurable targets from similar historical indicators")
def suggest_targets(request: TargetSuggestRequest, loaded: Loaded = Depends(get_model)) -> dict:
    result = loaded.predictor.suggest_targets(request.name, request.level2, k=request.k, given_target=request.target)
    return {"model_version": loaded.metadata["version"], **result}


@router.post("/indicators/suggest", response_model=IndicatorSuggestResponse, summary="Suggest indicators for a project, covering every category a table needs")
def suggest_indicators(request: IndicatorSuggestRequest, loaded: Loaded = Depends(get_model)) -> dict:
    result = loaded.predictor.suggest_indicators(request.project, request.goal, k=request.k)
    return {"model_version": loaded.metadata["version"], **result}
