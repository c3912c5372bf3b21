"""Operator endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from service.api.deps import get_holder
from service.api.state import ModelHolder

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post("/reload", summary="Load models/current now if it changed; a broken bundle leaves the working model in place")
def reload(holder: ModelHolder = Depends(get_holder)) -> dict:
    return holder.reload()
