"""Classification and suggestions for single indicators (form plugins); the model work runs in the single-request lane."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import PredictorDep, SettingsDep, SingleLaneDep, TableLaneDep
from service.api.errors import ApiError
from service.api.openapi import errors
from service.api.schemas import (
    ClassifyRequest,
    ClassifyResponse,
    IndicatorSuggestRequest,
    IndicatorSuggestResponse,
    TargetSuggestRequest,
    TargetSuggestResponse,
)
from service.predictor import Published
from service.review.texts import review_reason_zh, with_warnings_zh
from training.domain.records import Indicator

router = APIRouter(prefix="/v1", tags=["indicators"])
MODEL_WORK = errors(429, 503)


@router.post("/classify", response_model=ClassifyResponse, summary="Classify indicators into the standard hierarchy",
             responses={**MODEL_WORK, **errors(413)})
async def classify(request: ClassifyRequest, predictor: PredictorDep, settings: SettingsDep, lane: SingleLaneDep,
                   tables: TableLaneDep) -> dict:
    if len(request.items) > settings.max_items:
        raise ApiError("TOO_MANY_ITEMS", f"{len(request.items)} items; at most {settings.max_items} per request "
                       "(use /v1/tables/classify for files)", f"一次提交了 {len(request.items)} 个指标，上限 {settings.max_items} 个；"
                       "更多请上传表格文件", details={"limit": "max_items", "allowed": settings.max_items, "found": len(request.items)})

    def work() -> list[dict]:
        indicators = [Indicator.from_text(i.name, i.description, i.target, i.project) for i in request.items]
        published = [Published(i.level1, i.level2) for i in request.items]
        results = predictor.classify(indicators, published, framework=request.framework)
        if request.with_targets:
            table = predictor.table_forms([(row.target, row.level2) for row in request.table or []])
            for indicator, item, result in zip(indicators, request.items, results, strict=True):
                # the category the row is filed under, unless the classifier confidently disagrees (as in a bulk job)
                level2 = item.level2 if item.level2 and not result["label_disagrees"] else result["category"]
                targets = predictor.suggest_targets(indicator, level2, k=request.k_targets, year=item.year,
                                                    given_target=item.target, table=table)
                targets["level2"] = predictor.taxonomy.view(targets["level2"], request.framework)[1]  # as the result's level2
                result["targets"] = with_warnings_zh(targets)
        for result in results:
            result["review_reasons_zh"] = [review_reason_zh(r) for r in result["review_reasons"]]
        return results

    # Hundreds of items with targets take a worker for a minute: they queue with the uploaded tables, and a form
    # plugin's one indicator never waits behind them (a trial saw 76 s when both single workers held such requests).
    chosen = tables if len(request.items) > settings.api_single_max_items else lane
    return {"model_version": predictor.version, "results": await chosen.run(work)}


@router.post("/targets/suggest", response_model=TargetSuggestResponse, summary="Suggest measurable targets from similar historical indicators",
             responses=MODEL_WORK)
async def suggest_targets(request: TargetSuggestRequest, predictor: PredictorDep, lane: SingleLaneDep) -> dict:
    def work() -> dict:
        indicator = Indicator.from_text(request.name, request.description, request.target, request.project)
        table = predictor.table_forms([(row.target, row.level2) for row in request.table or []])
        return with_warnings_zh(predictor.suggest_targets(indicator, request.level2, k=request.k, year=request.year,
                                                       given_target=request.target, table=table))

    return {"model_version": predictor.version, **await lane.run(work)}


@router.post("/indicators/suggest", response_model=IndicatorSuggestResponse,
             summary="Suggest indicators for a project, covering every category a table needs", responses=MODEL_WORK)
async def suggest_indicators(request: IndicatorSuggestRequest, predictor: PredictorDep, lane: SingleLaneDep) -> dict:
    result = await lane.run(lambda: predictor.suggest_indicators(request.project, request.goal, k=request.k, year=request.year))
    return {"model_version": predictor.version, **with_warnings_zh(result)}

