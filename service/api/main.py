"""Application factory: middleware, error handlers, routers, model lifecycle."""

from __future__ import annotations

import logging
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.api.docs import install_offline_docs
from service.api.routes import admin, health, indicators, review, tables
from service.api.state import ModelHolder
from training.settings import Settings, get_settings

log = logging.getLogger("zhibiao.http")


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {item.get('msg')}")
    return "; ".join(parts)


def create_app(settings: Settings | None = None, holder: ModelHolder | None = None) -> FastAPI:
    settings = settings or get_settings()
    holder = holder or ModelHolder(settings.models_dir, None, settings.reload_interval_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        holder.reload()
        holder.start_watching()
        yield
        holder.stop()

    app = FastAPI(
        title="Zhibiao (指标)",
        version="0.1.0",
        description="Classify budget performance indicators into the standard hierarchy and suggest measurable targets.",
        lifespan=lifespan,
        docs_url=None,  # served from local assets below (install_offline_docs): no CDN
        redoc_url=None,
    )
    app.state.holder = holder
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"], allow_headers=["*"],
                           expose_headers=["X-Request-ID", "X-Model-Version"])

    @app.middleware("http")
    async def request_id_and_timing(request: Request, call_next):
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex[:16]
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:  # the last line of defence: log it, answer JSON, keep serving
            log.exception("request %s %s %s failed", request_id, request.method, request.url.path)
            response = JSONResponse(status_code=500, content={"error": "internal error", "request_id": request_id})
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["X-Request-ID"] = request_id
        response.headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
        log.info("%s %s %s %d %.1fms", request_id, request.method, request.url.path, response.status_code, elapsed)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError):
        return JSONResponse(status_code=422, content={"error": _validation_message(error)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        return JSONResponse(status_code=error.status_code, content={"error": error.detail})

    for router in (health.router, indicators.router, tables.router, admin.router):
        app.include_router(router)
    # the reviewer's page, its static files, and the OpenAPI pages with local assets (all work offline)
    app.include_router(review.router)
    install_offline_docs(app)  # mounts /static/docs: before /static, which would shadow it
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "static"), name="static")
    return app
