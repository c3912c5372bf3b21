"""Bulk classification of uploaded tables (reviewers)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile
from fastapi.responses import Response

from service.api.deps import get_model
from service.api.schemas import TableClassifyResponse
from training.settings import get_settings
from service.api.state import Loaded
from service.bulk import annotate, write_output
from training.readers import ReadError, read_file
from training.readers.dispatch import SUPPORTED_SUFFIXES

router = APIRouter(prefix="/v1/tables", tags=["tables"])
MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.post("/classify", response_model=TableClassifyResponse,
             summary="Classify every row of an uploaded table (csv, xlsx, docx, jsonl, html, seed txt)",
             responses={200: {"content": {MEDIA["csv"]: {}, MEDIA["xlsx"]: {}}, "description": "JSON, or the annotated file with ?format="}})
async def classify_table(file: UploadFile = File(...), format: str | None = Query(default=None, pattern="^(csv|xlsx|json)$"),
                         framework: str = Query(default="2021", pattern="^(2021|2015)$"), loaded: Loaded = Depends(get_model)):
    settings = get_settings()
    name = Path(file.filename or "upload").name
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise HTTPException(status_code=415, detail=f"{name}: unsupported file type; use one of {', '.join(SUPPORTED_SUFFIXES)}")
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise HTTPException(status_code=413, detail=f"{name}: larger than the {settings.max_upload_bytes // (1024 * 1024)} MB upload limit")
    if not data:
        raise HTTPException(status_code=400, detail=f"{name}: empty file")
    try:
        rows = read_file(name, data=data, name=name).rows
    except ReadError as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
    if len(rows) > settings.max_table_rows:
        raise HTTPException(status_code=413, detail=f"{name}: {len(rows)} rows; at most {settings.max_table_rows}")
    records = annotate(rows, loaded.predictor, framework=framework)
    version = loaded.metadata["version"]
    if format in ("csv", "xlsx"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"classified.{format}"
            write_output(records, path)
            body = path.read_bytes()
        download = f"{Path(name).stem}.classified.{format}"
        return Response(content=body, media_type=MEDIA[format], headers={
            "Content-Disposition": f"attachment; filename=\"{download.encode('ascii', 'replace').decode()}\"", "X-Model-Version": version})
    summary = {"rows": len(records), "unreadable": sum(1 for r in records if r.get("pred_level2") is None),
               "needs_review": sum(1 for r in records if r.get("needs_review")),
               "label_disagrees": sum(1 for r in records if r.get("label_disagrees"))}
    return {"model_version": version, "rows": [_jsonable(r) for r in records], "summary": summary}


def _jsonable(record: dict) -> dict:
    return {str(k): (v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v)) for k, v in record.items()}


