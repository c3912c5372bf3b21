"""Bulk classification of uploaded tables (reviewers); reading and classification run in the table lane, off the event loop."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response

from service.api.deps import PredictorDep, SettingsDep, TableLaneDep
from service.api.errors import ApiError, from_read_error, size_text
from service.api.openapi import errors
from service.api.schemas import TableClassifyResponse
from service.bulk import MEDIA_TYPES, about_zh, annotate_upload, render
from service.predictor import Predictor
from service.review.texts import record_zh, summary_zh
from training.domain.records import BUDGET_YEARS
from training.readers import ReadError, ReadLimits
from training.settings import Settings

router = APIRouter(prefix="/v1/tables", tags=["tables"])


def _ascii_fallback(name: str) -> str:
    """A plain ASCII ``filename=`` for old clients: letters, digits, ``._-`` kept, the rest ``_``."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "download"


def classify_upload(data: bytes, name: str, predictor: Predictor, framework: str, settings: Settings, format: str | None,
                    year: int | None = None) -> Response:
    """Read and annotate an uploaded table and render the answer (JSON, or the file); runs on a worker thread.

    Rendering happens here too, so a large answer is never serialized on the
    event loop. Raises ``ApiError`` (the reader's code) for a file that cannot be read.
    """
    try:
        table = annotate_upload(data, name, predictor, framework=framework, max_rows=settings.max_table_rows,
                                limits=ReadLimits.from_settings(settings), year=year)
    except ReadError as error:
        raise from_read_error(error) from None
    if format in ("csv", "xlsx"):
        download = f"{Path(name).stem}.分类结果.{format}"  # reviewers read Chinese, file names too
        disposition = f"attachment; filename=\"{_ascii_fallback(download)}\"; filename*=UTF-8''{quote(download)}"
        return Response(content=render(table.tables, format, about=about_zh(predictor.version, framework)), media_type=MEDIA_TYPES[format],
                        headers={"Content-Disposition": disposition, "X-Model-Version": predictor.version})
    body = {"model_version": predictor.version, "rows": [record_zh(r) for r in table.records], "summary": summary_zh(table.summary)}
    return Response(content=json.dumps(body, ensure_ascii=False, default=str).encode("utf-8"), media_type="application/json")


@router.post("/classify", response_model=TableClassifyResponse,
             summary="Classify every row of an uploaded table (csv, xlsx, docx, jsonl, html, seed txt)",
             responses={200: {"content": {MEDIA_TYPES["csv"]: {}, MEDIA_TYPES["xlsx"]: {}},
                              "description": "JSON, or the annotated file with ?format="},
                        **errors(400, 413, 415, 429, 503)})
async def classify_table(request: Request, predictor: PredictorDep, settings: SettingsDep, lane: TableLaneDep, file: UploadFile = File(...),
                         format: str | None = Query(default=None, pattern="^(csv|xlsx|json)$"),
                         framework: str = Query(default="2021", pattern="^(2021|2015)$"),
                         year: int | None = Query(default=None, ge=BUDGET_YEARS[0], le=BUDGET_YEARS[1],
                                                  description="budget year of rows whose file names none, for suggested deadlines")):
    files = [f for f in (await request.form()).getlist("file") if not isinstance(f, str)]
    if len(files) > 1:
        raise ApiError("MULTIPLE_FILES", f"{len(files)} files in the `file` field; send one table per request")
    name = Path(file.filename or "upload").name or "upload"

    def work() -> Response:
        data = file.file.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise ApiError("UPLOAD_TOO_LARGE", f"{name}: larger than the {size_text(settings.max_upload_bytes)} upload limit",
                           f"{name}：文件超过 {size_text(settings.max_upload_bytes)} 的上限",
                           details={"limit": "max_upload_bytes", "allowed": settings.max_upload_bytes, "found": len(data)})
        if not data:
            raise ApiError("EMPTY_UPLOAD", f"{name}: empty file", f"{name}：文件是空的")
        return classify_upload(data, name, predictor, framework, settings, format, year)

    return await lane.run(work)
