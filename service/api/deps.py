"""Request dependencies: settings, the model holder and the loaded predictor, as ``Annotated`` types tests can override.

    def route(predictor: PredictorDep, settings: SettingsDep): ...
    app.dependency_overrides[get_settings] = lambda: Settings(max_items=2)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from service.api.state import ModelHolder
from service.predictor import Predictor
from training.settings import Settings, get_settings


def get_holder(request: Request) -> ModelHolder:
    return request.app.state.holder


def get_predictor(holder: Annotated[ModelHolder, Depends(get_holder)]) -> Predictor:
    """The predictor loaded now; a request keeps it to the end even if a new model is swapped in meanwhile."""
    predictor = holder.current
    if predictor is None:
        raise HTTPException(status_code=503, detail="no model loaded yet; train one with `zhibiao train`")
    return predictor


SettingsDep = Annotated[Settings, Depends(get_settings)]
HolderDep = Annotated[ModelHolder, Depends(get_holder)]
PredictorDep = Annotated[Predictor, Depends(get_predictor)]
