"""Request dependencies: settings, the model holder and the loaded predictor, the worker lanes, the admin check,
as ``Annotated`` types tests can override.

The ones defined here are ``async``: they only read app state, and FastAPI runs a plain ``def`` dependency on its
thread pool, one thread hop each (four per classification request; as ``async`` the app's part of a request took
0.9 ms instead of 1.5 ms on the 2-core machine).

    def route(predictor: PredictorDep, settings: SettingsDep): ...
    create_app(Settings(max_items=2))   # the settings every dependency sees
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Annotated

from fastapi import Depends, Request

from service.api.errors import ApiError
from service.api.state import ModelHolder
from service.api.workers import FairPool
from service.predictor import Predictor
from training.settings import Settings


async def app_settings(request: Request) -> Settings:
    """The settings the app was made with (``create_app(settings)``)."""
    return request.app.state.settings


async def get_holder(request: Request) -> ModelHolder:
    return request.app.state.holder


async def get_predictor(holder: Annotated[ModelHolder, Depends(get_holder)]) -> Predictor:
    """The predictor loaded now; a request keeps it to the end even if a new model is swapped in meanwhile.

    Raises ``ApiError`` 503 ``MODEL_NOT_READY`` (with ``Retry-After``) while no model is loaded.
    """
    predictor = holder.current
    if predictor is None:
        raise model_not_ready(holder)
    return predictor


def model_not_ready(holder: ModelHolder) -> ApiError:
    """503 saying why no model is served and what the operator can do."""
    why = holder.last_error or "the model is still loading"
    return ApiError("MODEL_NOT_READY", f"no model loaded ({why}); if this lasts, see `zhibiao models list`, then "
                    "`zhibiao models rollback` or `zhibiao train`", headers={"Retry-After": str(max(1, int(holder.reload_interval) or 5))},
                    details={"error": holder.last_error})


def client_key(request: Request) -> str:
    """Whom a request counts against for fairness: the peer address (one address behind a proxy is one client)."""
    return request.client.host if request.client else "unknown"


class Lane:
    """A worker lane bound to the requesting client: ``await lane.run(call)`` runs ``call()`` off the event loop.

    Raises ``Busy`` (answered 503 ``SERVER_BUSY`` / 429 ``CLIENT_BUSY`` with ``Retry-After``) when full.
    """

    def __init__(self, pool: FairPool, client: str) -> None:
        self.pool = pool
        self.client = client

    async def run(self, call):
        """``call()`` on a worker thread of the lane; its result, or what it raised (``Busy`` is answered 503/429)."""
        return await self.pool.run(self.client, call)


async def single_lane(request: Request) -> Lane:
    """The lane for single requests (classify, suggestions), bound to the requesting client."""
    return Lane(request.app.state.pools["single"], client_key(request))


async def table_lane(request: Request) -> Lane:
    """The lane for uploaded tables, bound to the requesting client."""
    return Lane(request.app.state.pools["tables"], client_key(request))


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address((host or "").strip("[]")).is_loopback
    except ValueError:
        return False


async def require_admin(request: Request, settings: Annotated[Settings, Depends(app_settings)]) -> None:
    """With ``ZHIBIAO_ADMIN_TOKEN`` set: ``Authorization: Bearer <token>`` or 401; without one: loopback clients only (403)."""
    token = settings.admin_token.get_secret_value() if settings.admin_token else None
    if token:
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            raise ApiError("UNAUTHORIZED", "this operator endpoint needs `Authorization: Bearer <ZHIBIAO_ADMIN_TOKEN>`",
                           headers={"WWW-Authenticate": "Bearer"})
        return
    if not is_loopback(request.client.host if request.client else None):
        raise ApiError("ADMIN_LOOPBACK_ONLY", "without ZHIBIAO_ADMIN_TOKEN the operator endpoints answer loopback clients only")


SettingsDep = Annotated[Settings, Depends(app_settings)]
HolderDep = Annotated[ModelHolder, Depends(get_holder)]
PredictorDep = Annotated[Predictor, Depends(get_predictor)]
SingleLaneDep = Annotated[Lane, Depends(single_lane)]
TableLaneDep = Annotated[Lane, Depends(table_lane)]
AdminDep = Annotated[None, Depends(require_admin)]
