"""Liveness, readiness, model info and the taxonomy."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.api.deps import HolderDep, PredictorDep
from training.domain.taxonomy import load_taxonomy

router = APIRouter()


@router.get("/healthz", tags=["health"], summary="The process is up")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", tags=["health"], summary="200 once a model is loaded, 503 before")
def readyz(holder: HolderDep):
    if holder.current is None:
        return JSONResponse(status_code=503, content={"status": "loading", "error": holder.last_error})
    return {"status": "ready", "model_version": holder.version}


@router.get("/v1/model", tags=["model"], summary="Version, encoder, taxonomy, training data and held-out metrics of the loaded model")
def model_info(predictor: PredictorDep) -> dict:
    keys = ("version", "created", "encoder", "taxonomy_version", "taxonomy_digest", "data_digest", "training_data", "metrics", "model")
    return {k: predictor.metadata.get(k) for k in keys}


@router.get("/v1/taxonomy", tags=["model"], summary="The standard hierarchy with meanings, the 2015 variant and label aliases")
def taxonomy() -> dict:
    return load_taxonomy().as_dict()
