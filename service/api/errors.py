"""One error model for every error the API answers, with stable machine codes and messages in English and Chinese.

    {"error": {"code": "UPLOAD_TOO_LARGE", "message": "...", "message_zh": "...", "details": {...} | null}}

Routes raise ``ApiError`` (or ``HTTPException``, a ``ReadError``, a validation
error: all end up here); the handlers are generic, so routers added later
(the reviewer's pages) answer the same shape. ``CODES`` is the catalogue the
README and the OpenAPI document list; a code, once published, keeps its meaning.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.api.workers import Busy
from service.review.texts import validation_reason_zh
from training.readers import ReadError, ReadLimitError
from training.readers import errors as read_codes

# code -> (HTTP status, Chinese message used when the raiser gives none)
CODES: dict[str, tuple[int, str]] = {
    "BAD_REQUEST": (400, "请求无效"),
    "EMPTY_UPLOAD": (400, "上传的文件是空的"),
    "MULTIPLE_FILES": (400, "一次只能上传一个文件（file 字段只能有一个文件）"),
    "HOST_NOT_ALLOWED": (400, "请求的主机名不在允许列表中"),
    "UNAUTHORIZED": (401, "需要有效的管理令牌（Authorization: Bearer …）"),
    "FORBIDDEN": (403, "没有权限"),
    "ORIGIN_NOT_ALLOWED": (403, "不允许来自该网页来源（Origin）的请求"),
    "ADMIN_LOOPBACK_ONLY": (403, "未配置管理令牌时，管理接口只接受本机请求"),
    "NOT_FOUND": (404, "没有这个地址"),
    "METHOD_NOT_ALLOWED": (405, "该地址不支持这种请求方法"),
    "NOT_ACCEPTABLE": (406, "无法提供所要求的响应格式"),
    "BODY_TOO_LARGE": (413, "请求内容过大"),
    "UPLOAD_TOO_LARGE": (413, "上传的文件过大"),
    "TOO_MANY_ITEMS": (413, "一次提交的指标过多"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "不支持的内容类型"),
    "INVALID_JSON": (422, "请求内容不是有效的 JSON"),
    "VALIDATION_ERROR": (422, "请求内容不符合要求"),
    "CLIENT_BUSY": (429, "您同时提交的请求过多，请稍后再试"),
    "INTERNAL_ERROR": (500, "服务内部错误，已记录，请稍后再试"),
    "MODEL_NOT_READY": (503, "模型尚未加载，请稍后再试"),
    "SERVER_BUSY": (503, "服务繁忙，请稍后再试"),
}
# A file that cannot be read: its reader's code, with these statuses (every ReadLimitError: 413).
READ_ERROR_STATUS = {read_codes.UNSUPPORTED_FORMAT: 415, read_codes.LEGACY_WORD: 415}
READ_CODES: dict[str, int] = {
    **{code: 413 for code in (read_codes.TOO_MANY_ROWS, read_codes.TOO_MANY_CELLS, read_codes.CELL_TOO_LARGE,
                              read_codes.EXPANDS_TOO_LARGE, read_codes.TOO_MANY_PAGES, read_codes.TIME_BUDGET)},
    **{code: READ_ERROR_STATUS.get(code, 422) for code in (read_codes.UNSUPPORTED_FORMAT, read_codes.LEGACY_WORD, read_codes.UNREADABLE_FILE,
                                                          read_codes.NO_TEXT_LAYER, read_codes.NO_TABLE, read_codes.NO_ROWS)},
}


def size_text(nbytes: float) -> str:
    """``10 MB``, ``512 KB``, ``300 bytes``: a limit as a person reads it (1 MB = 1024 KB)."""
    if nbytes >= 1024 * 1024:
        return f"{nbytes / 1024 / 1024:.3g} MB"
    if nbytes >= 1024:
        return f"{nbytes / 1024:.3g} KB"
    return f"{int(nbytes)} bytes"
_STATUS_CODES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
                 406: "NOT_ACCEPTABLE", 413: "BODY_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_ERROR",
                 429: "CLIENT_BUSY", 500: "INTERNAL_ERROR", 503: "SERVER_BUSY"}


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, one line in English and in Chinese, and the specifics a program may use."""

    code: str = Field(description="stable machine code, e.g. UPLOAD_TOO_LARGE, TOO_MANY_ROWS, VALIDATION_ERROR", examples=["UPLOAD_TOO_LARGE"])
    message: str = Field(description="what went wrong and what to do, in English, one line")
    message_zh: str = Field(description="the same for a reviewer, in Chinese")
    details: dict | None = Field(default=None, description="machine-readable specifics: the limit and what was found, the invalid fields")


class ErrorBody(BaseModel):
    """The body of every 4xx/5xx answer."""

    error: ErrorDetail


class ApiError(Exception):
    """An error answer: ``status`` (default: the code's), ``code`` from ``CODES`` (or a reader's), messages, extra headers."""

    def __init__(self, code: str, message: str, message_zh: str | None = None, *, status: int | None = None,
                 headers: dict[str, str] | None = None, details: dict | None = None) -> None:
        super().__init__(message)
        default_status, default_zh = CODES.get(code, (status or 400, ""))
        self.status = status or default_status
        self.code = code
        self.message = message
        self.message_zh = message_zh or default_zh or HTTPStatus(self.status).phrase
        self.headers = headers
        self.details = details


def error_response(error: ApiError) -> JSONResponse:
    """The answer for ``error``: its status, ``{"error": {...}}`` and its headers (``Retry-After``, ``Allow``, ...)."""
    body = {"error": {"code": error.code, "message": error.message, "message_zh": error.message_zh, "details": error.details}}
    return JSONResponse(status_code=error.status, content=body, headers=error.headers)


# Pages for people: a path prefix (the review page, "/review") may register how its errors are shown (a Chinese
# HTML page); everything else, the API for programs, answers JSON.
HTML_PAGES: dict[str, Callable[[ApiError], Response]] = {}


def answer(error: ApiError, scope: dict) -> Response:
    """``error`` as the page a person sees under a registered prefix (unless the request accepts JSON: the page's
    script), else as ``error_response`` JSON."""
    path = scope.get("path", "")
    accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1")
    for prefix, page in HTML_PAGES.items():
        # the page's own script asks for JSON (Accept: application/json): it gets the API's shape, not a page
        if (path == prefix or path.startswith(prefix + "/")) and "application/json" not in accept:
            return page(error)
    return error_response(error)


def from_read_error(error: ReadError) -> ApiError:
    """A reader's failure as an answer: over a limit 413, an unsupported format 415, anything else unreadable 422."""
    if isinstance(error, ReadLimitError):
        return ApiError(error.code, error.message, error.message_zh, status=413,
                        details={"limit": error.limit, "allowed": error.allowed, "found": error.found})
    return ApiError(error.code, error.message, error.message_zh, status=READ_ERROR_STATUS.get(error.code, 422))


def from_http_exception(error: StarletteHTTPException) -> ApiError:
    """Any ``HTTPException`` (Starlette's 404/405, FastAPI's body limit, a route's own) in the one shape; its headers kept."""
    detail = error.detail
    if isinstance(detail, dict) and "code" in detail:
        return ApiError(detail["code"], detail.get("message", ""), detail.get("message_zh"), status=error.status_code,
                        headers=error.headers, details=detail.get("details"))
    if error.status_code == 400 and detail == "There was an error parsing the body":
        # FastAPI's answer for a JSON body it could not decode at all (invalid UTF-8, nesting too deep for the parser)
        return ApiError("INVALID_JSON", "the body is not valid JSON (not UTF-8 text, or nested too deep)")
    code = _STATUS_CODES.get(error.status_code, f"HTTP_{error.status_code}")
    phrase = HTTPStatus(error.status_code).phrase if error.status_code in HTTPStatus._value2member_map_ else "error"
    message = detail if isinstance(detail, str) and detail and detail != phrase else phrase
    if error.status_code == 413 and code == "BODY_TOO_LARGE":
        message = "request body too large; see the limits in the README (ZHIBIAO_MAX_JSON_BYTES, ZHIBIAO_MAX_UPLOAD_BYTES)"
    return ApiError(code, message, CODES.get(code, (0, None))[1], status=error.status_code, headers=error.headers)


def _field(location: tuple) -> str:
    return ".".join(str(p) for p in location if p not in ("body",)) or "body"


def _upload_expected(item: dict) -> dict:
    """A form field sent as text where a file is expected (``-F file=hello``): said as such, not as a Python type."""
    if item.get("type") == "value_error" and "Expected UploadFile" in str(item.get("msg", "")):
        return {**item, "type": "file_expected", "msg": "send a file here (a multipart part with a filename), not text"}
    return item


def from_validation_error(error: RequestValidationError) -> ApiError:
    """422 naming the invalid fields (at most five in the message, all in ``details.errors``); malformed JSON is INVALID_JSON."""
    items = error.errors()
    if any(item.get("type") == "json_invalid" for item in items):
        reason = next(item.get("ctx", {}).get("error", "") for item in items if item.get("type") == "json_invalid")
        return ApiError("INVALID_JSON", f"the body is not valid JSON ({reason})")
    items = [_upload_expected(item) for item in items]
    errors = [{"field": _field(item.get("loc", ())), "type": item.get("type"), "message": item.get("msg")} for item in items]
    message = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    reasons = "；".join(dict.fromkeys(f"{_field(item.get('loc', ()))} {validation_reason_zh(item)}" for item in items[:5]))
    return ApiError("VALIDATION_ERROR", message, f"请求内容不符合要求：{reasons}", details={"errors": errors[:50]})


# The handlers ``install`` registers: each kind of error to the one shape.
async def handle_api_error(request: Request, error: ApiError) -> Response:
    return answer(error, request.scope)


async def handle_read_error(request: Request, error: ReadError) -> Response:
    return answer(from_read_error(error), request.scope)


async def handle_http_exception(request: Request, error: StarletteHTTPException) -> Response:
    return answer(from_http_exception(error), request.scope)


async def handle_validation_error(request: Request, error: RequestValidationError) -> Response:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    whole_body = [item for item in error.errors() if tuple(item.get("loc", ())) == ("body",)]
    if whole_body and media != "application/json" and not media.endswith("+json"):
        # JSON sent as text/plain (or with no content type) is not parsed at all: say why, not "body 取值无效"
        got = media or "none"
        return answer(ApiError("UNSUPPORTED_MEDIA_TYPE", f"send the body as JSON with Content-Type: application/json (got {got})",
                               f"请求体须为 JSON，并带 Content-Type: application/json 头（收到 {got}）",
                               details={"content_type": media or None}), request.scope)
    return answer(from_validation_error(error), request.scope)


async def handle_busy(request: Request, busy: Busy) -> Response:
    return answer(ApiError(busy.code, busy.message, busy.message_zh, headers={"Retry-After": str(busy.retry_after)}), request.scope)


def install(app) -> None:
    """Register the handlers on ``app``: every error any route raises is answered in the one shape."""
    app.add_exception_handler(ApiError, handle_api_error)
    app.add_exception_handler(ReadError, handle_read_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_exception)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(Busy, handle_busy)
