"""/docs and /redoc load Swagger UI and ReDoc from the app itself (the fastapi-offline package's files), never a CDN."""

from __future__ import annotations

import re


def asset_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["']([^"']+)["']|url:\s*'([^']+)'""", html)


def test_swagger_ui_is_self_hosted(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "cdn" not in page.text.lower() and not re.search(r"""(src|href)=["']https?://""", page.text)
    for path in ("/static/docs/swagger-ui-bundle.js", "/static/docs/swagger-ui.css", "/static/docs/favicon.png"):
        response = client.get(path)
        assert response.status_code == 200 and len(response.content) > 1000, path
    assert client.get("/docs/oauth2-redirect").status_code == 200


def test_redoc_is_self_hosted(client):
    page = client.get("/redoc")
    assert page.status_code == 200 and "/static/docs/redoc.standalone.js" in page.text
    assert "fonts.googleapis" not in page.text and not re.search(r"""(src|href)=["']https?://""", page.text)
    assert client.get("/static/docs/redoc.standalone.js").status_code == 200


def test_openapi_still_served(client):
    assert client.get("/openapi.json").json()["info"]["title"].startswith("Zhibiao")
