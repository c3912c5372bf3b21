"""ASGI middleware, outermost first: request id and timing (and the last line of defence), Host and Origin, body size.

Pure ASGI classes rather than ``@app.middleware("http")``: they see every
request, can answer before the body is read, and never buffer a response.
Every answer they give is in the one error shape (``service.api.errors``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.errors import ApiError, answer, error_response, size_text

log = logging.getLogger("zhibiao.http")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
MULTIPART_SLACK = 64 * 1024  # boundaries, part headers and small fields around the file in a multipart body


class RequestContext:
    """Give every request an id (``X-Request-ID``, the client's if well-formed) and ``Server-Timing``, and log it once.

    An exception no handler answered is logged with its traceback and the id,
    and answered 500 ``INTERNAL_ERROR`` in the error shape; the server keeps serving.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = {"code": 0}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("request %s %s %s failed", request_id, scope["method"], scope["path"])
            if status["code"]:
                raise  # the answer had begun; the server closes the connection
            error = ApiError("INTERNAL_ERROR", f"internal error; quote request id {request_id} when reporting it",
                             f"服务内部错误（请求编号 {request_id}），已记录", details={"request_id": request_id})
            await error_response(error)(scope, receive, send_with_headers)
        log.info("%s %s %s %d %.1fms", request_id, scope["method"], scope["path"], status["code"], (time.perf_counter() - started) * 1000)


class HeadAsGet:
    """Answer ``HEAD`` on every ``GET`` route as HTTP says (RFC 9110 §9.3.2: the GET answer's status and headers, no
    body): FastAPI routes are GET only, and trials found 405 on /healthz (a load balancer's probe), /docs, /review and
    /v1/model. Every route below sees a GET.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def _host_name(host: str) -> str:
    """The name of a Host header without its port: ``[::1]:8000`` -> ``::1``, ``Example.org:80`` -> ``example.org``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class RequestGuard:
    """Answer only for allowed ``Host`` names and from allowed ``Origin`` s, so a web page cannot drive a local instance.

    ``Host`` must name one of ``allowed_hosts`` (``*``: any): a DNS-rebinding
    page reaches the server under its own name and is refused (400
    ``HOST_NOT_ALLOWED``). A request that carries ``Origin`` (browsers send it
    on every cross-origin request and every POST) must come from the server's
    own origin or one of ``allowed_origins`` (403 ``ORIGIN_NOT_ALLOWED``):
    CORS alone does not stop a multipart POST, which needs no preflight.
    Requests without ``Origin`` (curl, scripts, the CLI) pass.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: list[str], allowed_origins: list[str]) -> None:
        self.app = app
        self.any_host = "*" in allowed_hosts
        self.hosts = {_host_name(h) for h in allowed_hosts}
        self.any_origin = "*" in allowed_origins
        self.origins = {o.rstrip("/").lower() for o in allowed_origins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if not self.any_host and _host_name(host) not in self.hosts:
            error = ApiError("HOST_NOT_ALLOWED", f"Host {host[:100]!r} is not one this server answers for; "
                             "add it to ZHIBIAO_ALLOWED_HOSTS if it should be", details={"host": host[:100]})
            await answer(error, scope)(scope, receive, send)
            return
        origin = headers.get("origin")
        if origin is not None and not self._origin_allowed(origin, host):
            error = ApiError("ORIGIN_NOT_ALLOWED", f"requests from the web page origin {origin[:100]!r} are not accepted; "
                             "add it to ZHIBIAO_CORS_ORIGINS if it should be", details={"origin": origin[:100]})
            await answer(error, scope)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _origin_allowed(self, origin: str, host: str) -> bool:
        if self.any_origin or origin.rstrip("/").lower() in self.origins:
            return True
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()  # the server's own pages


class BodyTooLarge(HTTPException):
    """Raised while a body is read past its limit; an ``HTTPException`` so FastAPI's body parsing passes it on untouched."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(status_code=413, detail={"code": error.code, "message": error.message, "message_zh": error.message_zh,
                                                  "details": error.details})


class BodyLimit:
    """Refuse a body over its limit before reading it: by ``Content-Length`` at once, else while it streams in.

    Multipart uploads may carry ``max_upload_bytes`` plus ``MULTIPART_SLACK``
    (413 ``UPLOAD_TOO_LARGE``), every other body ``max_json_bytes`` (413
    ``BODY_TOO_LARGE``). Nothing over the limit is buffered or spooled to disk.
    """

    def __init__(self, app: ASGIApp, max_json_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes
        self.max_upload_bytes = max_upload_bytes

    def _error(self, multipart: bool, found: int | None) -> ApiError:
        if multipart:
            limit = self.max_upload_bytes
            return ApiError("UPLOAD_TOO_LARGE", f"upload larger than the {size_text(limit)} limit (ZHIBIAO_MAX_UPLOAD_BYTES)",
                            f"上传的文件超过 {size_text(limit)} 的上限", details={"limit": "max_upload_bytes", "allowed": limit, "found": found})
        limit = self.max_json_bytes
        return ApiError("BODY_TOO_LARGE", f"request body larger than the {size_text(limit)} limit (ZHIBIAO_MAX_JSON_BYTES); "
                        "send fewer items per request, or a file to /v1/tables/classify",
                        f"请求内容超过 {size_text(limit)} 的上限，请分批提交或上传文件",
                        details={"limit": "max_json_bytes", "allowed": limit, "found": found})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        multipart = headers.get("content-type", "").lower().startswith("multipart/")
        limit = self.max_upload_bytes + MULTIPART_SLACK if multipart else self.max_json_bytes
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                await answer(ApiError("BAD_REQUEST", "Content-Length is not a number"), scope)(scope, receive, send)
                return
            if int(length) > limit:
                await answer(self._error(multipart, int(length)), scope)(scope, receive, send)
                return
        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(self._error(multipart, received))
            return message

        await self.app(scope, receive_limited, send)
