"""Operator endpoints."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import HolderDep

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post("/reload", summary="Load models/current now if it changed; a broken bundle leaves the working model in place")
def reload(holder: HolderDep) -> dict:
    return holder.reload()
