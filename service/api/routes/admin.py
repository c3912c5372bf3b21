"""Operator endpoints: a bearer token when ``ZHIBIAO_ADMIN_TOKEN`` is set, loopback clients only when it is not."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from service.api.deps import HolderDep, require_admin
from service.api.openapi import errors

router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(require_admin)], responses=errors(401, 403))


@router.post("/reload", summary="Load models/current now if it changed; a broken bundle leaves a working model in place")
def reload(holder: HolderDep) -> dict:
    return holder.reload()
