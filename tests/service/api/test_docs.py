"""/docs and /redoc load Swagger UI and ReDoc from the app itself (the fastapi-offline package's files), never a CDN."""

from __future__ import annotations

import re

import pytest


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
    assert '"validatorUrl": null' in page.text  # else Swagger UI fetches validator.swagger.io when served by name


def test_redoc_is_self_hosted(client):
    page = client.get("/redoc")
    assert page.status_code == 200 and "/static/docs/redoc.standalone.js" in page.text
    assert "fonts.googleapis" not in page.text and not re.search(r"""(src|href)=["']https?://""", page.text)
    assert client.get("/static/docs/redoc.standalone.js").status_code == 200


def test_openapi_still_served(client):
    assert client.get("/openapi.json").json()["info"]["title"].startswith("Zhibiao")


def test_redoc_bundle_asks_nothing_of_the_network(client):
    """The bundle as shipped shows Redocly's logo from cdn.redoc.ly (a newcomer's trial saw /redoc fetch it)."""
    from service.api.docs import REDOC_REMOTE_LOGO, assets_folder

    assert REDOC_REMOTE_LOGO in (assets_folder() / "redoc.standalone.js").read_text(encoding="utf-8")
    served = client.get("/static/docs/redoc.standalone.js")
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/javascript")
    assert "cdn.redoc.ly" not in served.text and not re.search(r"""src:["']https?://""", served.text)
    assert len(served.content) > 500_000


def test_healthz_answers_head(client):
    """A load balancer's HEAD probe (a trial had 405)."""
    response = client.head("/healthz")
    assert response.status_code == 200 and response.content == b""


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/review", "/v1/model", "/v1/taxonomy", "/healthz", "/openapi.json"])
def test_every_get_route_answers_head(client, path):
    """A final trial found 405 for HEAD on /docs, /review, /v1/model and /v1/taxonomy (RFC 9110: GET's headers, no body)."""
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
