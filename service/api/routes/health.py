"""Liveness, readiness, model info and the taxonomy."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import HolderDep, PredictorDep, model_not_ready
from service.api.openapi import errors
from training.domain.taxonomy import load_taxonomy

router = APIRouter()


@router.get("/healthz", tags=["health"], summary="The process is up (answered on the event loop, never behind model work); HEAD too (middleware.HeadAsGet)")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", tags=["health"], responses=errors(503),
            summary="200 while a model answers (status 'degraded' when it is a fallback for a models/current that cannot be loaded), 503 before")
async def readyz(holder: HolderDep) -> dict:
    if holder.current is None:
        raise model_not_ready(holder)
    return {"status": "degraded" if holder.fallback else "ready", "model_version": holder.version, "fallback": holder.fallback}


@router.get("/v1/model", tags=["model"], responses=errors(503),
            summary="Version, encoder, taxonomy, training data and held-out metrics of the loaded model; `fallback` when it is not models/current")
async def model_info(predictor: PredictorDep, holder: HolderDep) -> dict:
    keys = ("version", "created", "encoder", "taxonomy_version", "taxonomy_digest", "data_digest", "training_data", "metrics", "model")
    return {**{k: predictor.metadata.get(k) for k in keys}, "fallback": holder.fallback}


@router.get("/v1/taxonomy", tags=["model"], summary="The standard hierarchy with meanings, the 2015 variant and label aliases")
async def taxonomy() -> dict:
    return load_taxonomy().as_dict()
