"""The OpenAPI pages (Swagger UI at ``/docs``, ReDoc at ``/redoc``) served with local assets: no CDN, so they work offline.

FastAPI's own pages load their scripts from a public CDN; following FastAPI's
"self-hosting JavaScript and CSS for docs" recipe, the app is created with
``docs_url=None, redoc_url=None`` and these routes serve the same pages with
the Swagger UI and ReDoc bundles that the ``fastapi-offline`` package ships
(``fastapi_offline/static``: swagger-ui-bundle.js, swagger-ui.css,
redoc.standalone.js, favicon.png), mounted at ``/static/docs``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS_STATIC = "/static/docs"
# ReDoc's sidebar shows Redocly's logo from their CDN (a newcomer's trial saw /redoc fetch it): the bundle is served
# with that address replaced by an empty picture, so the page asks nothing of the network
REDOC_REMOTE_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_PICTURE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@functools.cache
def redoc_bundle() -> bytes:
    """``redoc.standalone.js`` from :func:`assets_folder` with its one remote address (``REDOC_REMOTE_LOGO``) replaced
    by ``EMPTY_PICTURE``; read once per process. Raises ``OSError`` when the package's file is missing."""
    return (assets_folder() / "redoc.standalone.js").read_bytes().replace(REDOC_REMOTE_LOGO.encode(), EMPTY_PICTURE.encode())


def assets_folder() -> Path:
    """The folder of the vendored Swagger UI / ReDoc files (inside the installed ``fastapi_offline`` package)."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


def install_offline_docs(app: FastAPI, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Mount the assets and add the Swagger UI, its OAuth2 redirect and the ReDoc pages to ``app`` (created with ``docs_url=None``)."""
    @app.get(f"{DOCS_STATIC}/redoc.standalone.js", include_in_schema=False)
    async def redoc_js() -> Response:  # before the mount, so this route answers for the bundle
        return Response(redoc_bundle(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})

    app.mount(DOCS_STATIC, StaticFiles(directory=assets_folder()), name="docs-static")
    oauth2_redirect = app.swagger_ui_oauth2_redirect_url or f"{docs_url}/oauth2-redirect"

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - Swagger UI",
                                   oauth2_redirect_url=f"{root}{oauth2_redirect}", swagger_js_url=f"{root}{DOCS_STATIC}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{root}{DOCS_STATIC}/swagger-ui.css", swagger_favicon_url=f"{root}{DOCS_STATIC}/favicon.png",
                                   # no online validator badge: Swagger UI would fetch validator.swagger.io for a server not on localhost
                                   swagger_ui_parameters={"validatorUrl": None, **(app.swagger_ui_parameters or {})})

    @app.get(oauth2_redirect, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(redoc_url, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - ReDoc",
                              redoc_js_url=f"{root}{DOCS_STATIC}/redoc.standalone.js", redoc_favicon_url=f"{root}{DOCS_STATIC}/favicon.png",
                              with_google_fonts=False)
