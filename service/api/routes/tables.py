"""Bulk classification of uploaded tables (reviewers)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from fastapi.responses import Response

from service.api.deps import PredictorDep, SettingsDep
from service.api.schemas import TableClassifyResponse
from service.bulk import MEDIA_TYPES, about_zh, annotate_upload, render
from training.readers import ReadError

router = APIRouter(prefix="/v1/tables", tags=["tables"])


@router.post("/classify", response_model=TableClassifyResponse,
             summary="Classify every row of an uploaded table (csv, xlsx, docx, jsonl, html, seed txt)",
             responses={200: {"content": {MEDIA_TYPES["csv"]: {}, MEDIA_TYPES["xlsx"]: {}},
                              "description": "JSON, or the annotated file with ?format="}})
def classify_table(predictor: PredictorDep, settings: SettingsDep, file: UploadFile = File(...),
                   format: str | None = Query(default=None, pattern="^(csv|xlsx|json)$"),
                   framework: str = Query(default="2021", pattern="^(2021|2015)$")):
    name = Path(file.filename or "upload").name
    data = file.file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise HTTPException(status_code=413, detail=f"{name}: larger than the {settings.max_upload_bytes // (1024 * 1024)} MB upload limit")
    if not data:
        raise HTTPException(status_code=400, detail=f"{name}: empty file")
    try:
        table = annotate_upload(data, name, predictor, framework=framework, max_rows=settings.max_table_rows)
    except ReadError as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
    if format in ("csv", "xlsx"):
        download = f"{Path(name).stem}.classified.{format}"
        return Response(content=render(table.tables, format, about=about_zh(predictor.version, framework)), media_type=MEDIA_TYPES[format], headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(download)}", "X-Model-Version": predictor.version})
    return {"model_version": predictor.version, "rows": table.records, "summary": table.summary}
