"""Request dependencies: the loaded model and the settings."""

from __future__ import annotations

from fastapi import HTTPException, Request

from service.api.state import Loaded, ModelHolder


def get_holder(request: Request) -> ModelHolder:
    return request.app.state.holder


def get_model(request: Request) -> Loaded:
    loaded = request.app.state.holder.current
    if loaded is None:
        raise HTTPException(status_code=503, detail="no model loaded yet; train one with `zhibiao train`")
    return loaded
