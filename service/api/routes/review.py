"""The reviewer's page (``/review``): upload tables, work through flagged rows, keep decisions, export. Chinese, offline.

Server-rendered Jinja2 templates (``service/api/templates/review/``) and one
small plain-JavaScript file (``service/api/static/review.js``) that posts
decisions without reloading the page; every action also works as a plain form
post without JavaScript. Decisions live in ``ReviewStore`` under
``settings.review_dir``. Not part of the OpenAPI schema (pages, not an API).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from service.api import errors
from service.api.deps import HolderDep, SettingsDep, TableLaneDep
from service.api.workers import Busy
from service.bulk import MEDIA_TYPES, about_zh, render
from service.review import page
from service.review.labelled import reviewed_jsonl
from service.review.store import NotFound, ReviewStore
from service.review.texts import FRAMEWORK_ZH, GROUP_ZH, LABEL_ACTION_ZH, TARGET_ACTION_ZH, beijing_time, read_error_zh
from service.review.workbook import FILLS
from training.domain.taxonomy import load_taxonomy
from training.settings import Settings

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
TEMPLATES.env.filters["pct"] = lambda value: "" if value is None else f"{value:.0%}"
TEMPLATES.env.filters["issue_zh"] = read_error_zh
TEMPLATES.env.filters["beijing"] = beijing_time
router = APIRouter(prefix="/review", include_in_schema=False)


@functools.lru_cache(maxsize=8)
def _store(folder: Path) -> ReviewStore:
    return ReviewStore(folder)


def get_store(settings: SettingsDep) -> ReviewStore:
    """The review store of the configured folder (one per folder and process)."""
    return _store(Path(settings.review_dir))


StoreDep = Annotated[ReviewStore, Depends(get_store)]


def _error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "review/error.html", {"title": title, "message": message}, status_code=status)


def _error_answer(error: errors.ApiError) -> HTMLResponse:
    """Errors raised before or around the page's own handling (a body over the limit, a bad query) as a Chinese page."""
    body = TEMPLATES.get_template("review/error.html").render({"title": "无法完成", "message": error.message_zh})
    return HTMLResponse(body, status_code=error.status, headers=error.headers)


errors.HTML_PAGES["/review"] = _error_answer


def _index(request: Request, store: ReviewStore, settings: Settings, status: int = 200, errors: list | None = None,
           message: str | None = None) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "review/index.html", {
        "batches": store.batches(), "frameworks": FRAMEWORK_ZH, "errors": errors or [], "message": message,
        "max_files": settings.review_max_files, "max_mb": settings.max_upload_bytes // (1024 * 1024),
    }, status_code=status)


@router.get("", response_class=HTMLResponse)
def review_home(request: Request, store: StoreDep, settings: SettingsDep):
    """The upload form and the batches under review."""
    return _index(request, store, settings)


@router.post("", response_class=HTMLResponse)
async def review_upload(request: Request, store: StoreDep, settings: SettingsDep, holder: HolderDep, lane: TableLaneDep,
                        files: list[UploadFile] = File(default=[]), framework: str = Form(default="2021")):
    """Annotate the uploaded files into a new batch and go to it; a page with the reason when nothing could be read.

    The work runs in the table lane, as ``/v1/tables/classify`` does: bounded and fair per client, so reviewers' uploads
    no longer run side by side without limit and slow form plugins' single requests (a final trial: four 3,000-row
    uploads had made a one-item classify take 535 ms). A full lane is a Chinese page with ``Retry-After``."""
    if framework not in FRAMEWORK_ZH:
        return _index(request, store, settings, 400, message=f"未知的指标框架：{framework}")
    files = [f for f in files if f.filename]
    if not files:
        return _index(request, store, settings, 400, message="请选择至少一个表格文件")
    if len(files) > settings.review_max_files:
        return _index(request, store, settings, 413, message=f"一次最多上传 {settings.review_max_files} 个文件，本次 {len(files)} 个")
    uploads = []
    for file in files:
        name = Path(file.filename or "upload").name
        data = file.file.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            return _index(request, store, settings, 413, message=f"{name} 超过 {settings.max_upload_bytes // (1024 * 1024)} MB 的上传上限")
        uploads.append(page.Upload(name, data))  # an empty file is reported with the other unreadable ones; the rest go on
    predictor = holder.current
    if predictor is None:
        return _error_page(request, 503, "模型尚未加载", "服务还没有可用的模型，请先训练（zhibiao train）或稍后再试。")
    try:
        result = await lane.run(lambda: page.annotate_batch(uploads, predictor, store, framework=framework,
                                                             max_rows=settings.max_table_rows, max_batch_rows=settings.review_max_rows))
    except Busy as busy:
        answer = _index(request, store, settings, 429 if busy.code == "CLIENT_BUSY" else 503, message=busy.message_zh)
        answer.headers["Retry-After"] = str(busy.retry_after)
        return answer
    if result.batch is None:
        return _index(request, store, settings, 422, errors=result.errors, message="没有能读取的文件")
    return RedirectResponse(f"/review/{result.batch}", status_code=303)


def _batch_or_404(request: Request, store: ReviewStore, batch: str):
    try:
        return store.batch(batch)
    except NotFound:
        return _error_page(request, 404, "找不到这批表格", f"没有编号为 {batch} 的复核批次，可能已被删除。")


def _summary_context(found, decisions) -> dict:
    per_table, overall = page.summaries(found.tables, decisions)
    return {"batch": found, "per_table": per_table, "overall": overall, "group_zh": GROUP_ZH}


@router.get("/{batch}", response_class=HTMLResponse)
def review_batch(request: Request, batch: str, store: StoreDep, table_param: str = Query(default="", alias="table", pattern=r"^\d*$"),
                 flag: str = Query(default="", pattern="^(|any|review|disagree|target|unreadable)$"), open_param: str = Query(default="", alias="open"),
                 sort: str = Query(default="order", pattern="^(order|confidence|confidence_desc)$"),
                 page_number: int = Query(default=1, ge=1, alias="page")):
    """A batch: the summary per table, then the rows (one table or all; all, flagged or one kind of flag; undecided only; sorted), 100 a page."""
    found = _batch_or_404(request, store, batch)
    if isinstance(found, Response):
        return found
    table = int(table_param) if table_param else None
    open_only = open_param.lower() in ("1", "true", "on", "yes")
    if table is not None and table >= len(found.tables):
        return _error_page(request, 404, "找不到这张表", f"这批只有 {len(found.tables)} 张表。")
    decisions = store.decisions(batch)
    taxonomy = load_taxonomy()
    views = page.row_views(found.tables, decisions, found.framework, table=table, flag=flag, open_only=open_only, sort=sort,
                           indicator_rows=store.indicator_rows(batch), taxonomy=taxonomy)
    pages = max(1, -(-len(views) // page.PER_PAGE))
    page_number = min(page_number, pages)
    shown = views[(page_number - 1) * page.PER_PAGE : page_number * page.PER_PAGE]

    def link(**changes) -> str:
        query = {"table": table, "flag": flag or None, "open": "1" if open_only else None, "sort": sort if sort != "order" else None, "page": None}
        query.update(changes)
        return f"/review/{batch}?" + urlencode({k: v for k, v in query.items() if v is not None})

    return TEMPLATES.TemplateResponse(request, "review/batch.html", {
        **_summary_context(found, decisions),
        "rows": shown, "row_count": len(views), "page": page_number, "pages": pages, "link": link,
        "table": table, "flag": flag, "flags": page.FLAGS, "open_only": open_only, "sort": sort, "sorts": page.SORTS,
        "categories": page.categories(taxonomy, found.framework), "framework_zh": FRAMEWORK_ZH.get(found.framework, found.framework),
        "label_action_zh": LABEL_ACTION_ZH, "target_action_zh": TARGET_ACTION_ZH, "fills": FILLS,
        "kept_target_warning_zh": page.kept_target_warning_zh,
    })


def _row_name(store: ReviewStore, batch: str, table: int, position: int) -> str | None:
    """The 三级指标 of a batch's row as read (None when there is no such row)."""
    try:
        return store.row(batch, table, position)[1].get("level3")
    except NotFound:
        return None


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _after_change(request: Request, store: ReviewStore, batch: str, table: int, position: int):
    """JSON for the page's script (the decision and the re-rendered summary), or back to the page for a plain form post."""
    if not _wants_json(request):
        back = request.headers.get("referer") or f"/review/{batch}"
        return RedirectResponse(f"{back.split('#')[0]}#r{table}-{position}", status_code=303)
    found = store.batch(batch)
    decisions = store.decisions(batch)
    context = _summary_context(found, decisions)
    summary_html = TEMPLATES.get_template("review/_summary.html").render(context)
    decision = decisions.get((table, position))
    overall = context["overall"]
    return JSONResponse({
        "decision": decision.as_dict() if decision else None,
        "label_action_zh": LABEL_ACTION_ZH.get(decision.label_action) if decision else None,
        "target_action_zh": TARGET_ACTION_ZH.get(decision.target_action or "") if decision else None,
        # the target kept is the reviewer's to choose, but one still not measurable is said (有所提高 had been kept silently)
        "target_warning_zh": page.kept_target_warning_zh(decision.target, _row_name(store, batch, table, position)) if decision else None,
        "counts": {"reviewed": overall.reviewed, "open_flagged": overall.open_flagged, "rows": overall.rows},
        "summary_html": summary_html,
    })


def _utf8(value: str | None) -> str | None:
    """A form field as the client meant it when it sent raw UTF-8 (``curl -d 类别=…``) instead of percent-escapes.

    Starlette reads the bytes of an ``application/x-www-form-urlencoded`` body as Latin-1 (``FormParser``), so raw
    UTF-8 arrives as mojibake (产出 → äº§åº); such text encodes back to Latin-1 and decodes as UTF-8. Text with any
    character beyond Latin-1 (what percent-escapes give for Chinese) is returned as it is.
    """
    if not value or value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _change_error(request: Request, status: int, message_zh: str, message: str):
    """The page's own answer (HTML, Chinese), or for its script the API's error shape ``{"error": {"code", "message",
    "message_zh", "details"}}`` (``service.api.errors``: English for programs, Chinese for people)."""
    if _wants_json(request):
        code = "NOT_FOUND" if status == 404 else "INVALID_DECISION"
        return JSONResponse({"error": {"code": code, "message": message, "message_zh": message_zh, "details": None}},
                            status_code=status)
    return _error_page(request, status, "无法保存", message_zh)


@router.post("/{batch}/rows/{table}/{position}")
def review_decide(request: Request, batch: str, table: int, position: int, store: StoreDep,
                  category: str = Form(...), target: str | None = Form(default=None)):
    """Keep the reviewer's decision on one row: the category (``一级/二级``) and the target kept."""
    category, target = _utf8(category), _utf8(target)
    try:
        found_batch = store.batch(batch, rows=False)
        record, indicator = store.row(batch, table, position)
    except NotFound:
        return _change_error(request, 404, "找不到这一行", "no such row")
    try:
        decision = page.make_decision(record, indicator, category, target, found_batch.framework)
    except page.DecisionError as error:
        return _change_error(request, 422, str(error), error.english)
    store.decide(batch, table, position, decision)
    return _after_change(request, store, batch, table, position)


@router.post("/{batch}/rows/{table}/{position}/undo")
def review_undo(request: Request, batch: str, table: int, position: int, store: StoreDep):
    """Forget the decision on one row."""
    try:
        store.row(batch, table, position)
    except NotFound:
        return _change_error(request, 404, "找不到这一行", "no such row")
    store.undo(batch, table, position)
    return _after_change(request, store, batch, table, position)


@router.get("/{batch}/rows/{table}/{position}/similar", response_class=HTMLResponse)
def review_similar(request: Request, batch: str, table: int, position: int, store: StoreDep, holder: HolderDep):
    """The historical indicators most like this row's (an HTML fragment the page inserts)."""
    try:
        _, indicator = store.row(batch, table, position)
    except NotFound:
        return HTMLResponse("<p class='muted'>找不到这一行</p>", status_code=404)
    if holder.current is None:
        return HTMLResponse("<p class='muted'>模型尚未加载</p>", status_code=503)
    similar = page.similar_indicators(holder.current, indicator)
    return TEMPLATES.TemplateResponse(request, "review/_similar.html", {"similar": similar})


def _download(content: bytes, name: str, media_type: str) -> Response:
    return Response(content=content, media_type=media_type, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def _stem(found) -> str:
    """The download's name: the first file that could be read (its rows are what the export holds), and how many files."""
    unreadable = {e.file for e in found.errors}
    named = [f for f in found.files if f not in unreadable] or found.files
    first = Path(named[0]).stem if named else found.id
    return first + (f"等{len(found.files)}个文件" if len(found.files) > 1 else "")


@router.get("/{batch}/export.{format}")
def review_export(request: Request, batch: str, format: str, store: StoreDep):
    """The annotated workbook (``xlsx``) or CSV of the batch, with the reviewer's decisions."""
    if format not in ("xlsx", "csv"):
        return _error_page(request, 404, "不支持的导出格式", "可导出 .xlsx 或 .csv。")
    found = _batch_or_404(request, store, batch)
    if isinstance(found, Response):
        return found
    decisions = store.decisions(batch)
    # a file uploaded twice was skipped, not unreadable: said apart, as the CLI says it apart (it had been counted
    # among the 无法读取的文件)
    skipped = [e for e in found.errors if e.code == "DUPLICATE"]
    about = {**about_zh(found.model_version, found.framework), "复核批次": found.id}
    if skipped:
        about["跳过的重复文件"] = "；".join(f"{e.file}（{e.message}）" for e in skipped)
    content = render(found.tables, format, decisions=decisions, about=about,
                     unreadable=[(e.file, e.message) for e in found.errors if e.code != "DUPLICATE"])
    return _download(content, f"{_stem(found)}_标注.{format}", MEDIA_TYPES[format])


@router.get("/{batch}/reviewed.jsonl")
def review_labelled(request: Request, batch: str, store: StoreDep):
    """The reviewed rows as a labelled JSON Lines table for ``zhibiao retrain`` (origin ``reviewed``)."""
    found = _batch_or_404(request, store, batch)
    if isinstance(found, Response):
        return found
    content = reviewed_jsonl(found, store.decisions(batch), store.indicator_rows(batch))
    if not content.strip():  # no row decided: a trial downloaded a 0-byte file and could not tell why
        return _error_page(request, 409, "还没有复核结果",
                           "这批表格还没有复核过的行：请先逐行确认或修改类别和指标值，再导出复核结果。")
    return _download(content, f"{_stem(found)}_复核标注.jsonl", MEDIA_TYPES["jsonl"])
