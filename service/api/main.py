"""Application factory: middleware, error handlers, routers, worker lanes, model lifecycle."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from service.api import errors, openapi
from service.api.docs import install_offline_docs
from service.api.middleware import BodyLimit, HeadAsGet, RequestContext, RequestGuard
from service.api.routes import admin, health, indicators, review, tables
from service.api.state import ModelHolder
from service.api.workers import FairPool
from training.settings import Settings, get_settings

log = logging.getLogger("zhibiao.http")


def create_app(settings: Settings | None = None, holder: ModelHolder | None = None) -> FastAPI:
    """The API for ``settings`` (default: the process's), serving ``holder``'s model (default: one watching ``models_dir``).

    Middleware, outermost first: request id/timing/last-resort 500, Host and
    Origin checks, CORS, body size limits; then one error handler per kind
    of error (``service.api.errors``), for every router, later ones included.
    """
    settings = settings or get_settings()
    holder = holder or ModelHolder(settings.models_dir, None, settings.reload_interval_seconds)
    pools = {
        "single": FairPool("single", settings.api_workers, settings.api_queue, settings.api_client_max_pending),
        "tables": FairPool("tables", settings.api_table_workers, settings.api_table_queue, settings.api_client_max_pending),
    }

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if holder.current is None:
            holder.reload()
        holder.start_watching()
        yield
        holder.stop()
        for pool in pools.values():
            pool.close()

    app = FastAPI(
        title="Zhibiao (指标)",
        version="0.1.0",
        description="Classify budget performance indicators into the standard hierarchy and suggest measurable targets. "
                    "Every error answers `{\"error\": {\"code\", \"message\", \"message_zh\", \"details\"}}`.",
        lifespan=lifespan,
        docs_url=None,  # served from local assets below (install_offline_docs): no CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.holder = holder
    app.state.pools = pools
    app.add_middleware(BodyLimit, max_json_bytes=settings.max_json_bytes, max_upload_bytes=settings.max_upload_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"], allow_headers=["*"],
                           expose_headers=["X-Request-ID", "X-Model-Version", "Retry-After"])
    app.add_middleware(RequestGuard, allowed_hosts=settings.allowed_hosts, allowed_origins=settings.cors_origins)
    app.add_middleware(RequestContext)
    app.add_middleware(HeadAsGet)  # outermost: a HEAD is a GET to every layer below, its body dropped on the way out
    errors.install(app)
    for router in (health.router, indicators.router, tables.router, admin.router):
        app.include_router(router)
    # the reviewer's page, its static files, and the OpenAPI pages with local assets (all work offline)
    app.include_router(review.router)
    install_offline_docs(app)  # mounts /static/docs: before /static, which would shadow it
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "static"), name="static")
    openapi.install(app, settings)
    return app
