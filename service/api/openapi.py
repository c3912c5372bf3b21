"""The OpenAPI document tells the truth about errors: every operation declares the error answers it can give, in the one shape.

Routes declare their own (``responses=errors(413, 503)``); ``install`` adds
what every operation can answer whatever its route (400 for a Host not
allowed, 403 for an Origin not allowed, 413 and 422 where there is a body or
parameters, 415 where the body is JSON, 500), replaces FastAPI's ``{"detail": ...}`` 422, and writes the
configured limits into the request schemas (``maxItems`` of ``items``). It
works on the routes it finds, so routers added later are covered too.
"""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from service.api.errors import CODES, READ_CODES, ErrorBody
from training.settings import Settings

REF = "#/components/schemas/ErrorBody"
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again", "schema": {"type": "integer"}, "required": True}}
_DESCRIPTIONS = {400: "bad request", 401: "token missing or wrong", 403: "not allowed", 404: "not found", 413: "over a size limit",
                 415: "unsupported file or content type", 422: "invalid input", 429: "this client has too many requests working",
                 500: "internal error (logged with the request id)", 503: "busy, or no model loaded"}


def _codes_for(status: int) -> str:
    codes = [code for code, (s, _) in CODES.items() if s == status]
    if status in (413, 415, 422):
        codes += [f"{code} (files)" for code, s in READ_CODES.items() if s == status]
    return ", ".join(codes)


def error_response_spec(status: int, codes: str | None = None) -> dict:
    """One OpenAPI response object for ``status`` in the error shape (with ``Retry-After`` for 429/503)."""
    spec: dict = {"description": f"{_DESCRIPTIONS.get(status, 'error')}; codes: {codes or _codes_for(status) or 'see the catalogue'}",
                  "content": {"application/json": {"schema": {"$ref": REF}}}}
    if status in (429, 503):
        spec["headers"] = _RETRY_AFTER
    if status == 401:
        spec["headers"] = {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}, "required": True}}
    return spec


def errors(*statuses: int) -> dict[int | str, dict]:
    """``responses=`` entries for a route: ``errors(413, 503)``; the bodies use ``ErrorBody``."""
    declared: dict[int | str, dict] = {}
    for status in statuses:
        spec = error_response_spec(status)
        declared[status] = {"model": ErrorBody, "description": spec["description"], **({"headers": spec["headers"]} if "headers" in spec else {})}
    return declared


def _has_inputs(operation: dict) -> bool:
    return bool(operation.get("parameters") or operation.get("requestBody"))


def install(app: FastAPI, settings: Settings) -> None:
    """Replace ``app.openapi`` with one that declares the error answers of every operation and the configured limits."""

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                             tags=app.openapi_tags, servers=app.servers)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components["ErrorBody"] = body
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                responses = operation.setdefault("responses", {})
                wanted = [400, 403, 500]
                if _has_inputs(operation):
                    wanted.append(422)
                if operation.get("requestBody"):
                    wanted.append(413)
                    if "application/json" in operation["requestBody"].get("content", {}):
                        wanted.append(415)  # JSON sent as another content type (errors.handle_validation_error)
                for status in wanted:
                    existing = responses.get(str(status), {})
                    if str(status) == "422" or "$ref" not in str(existing.get("content", {})):
                        responses[str(status)] = error_response_spec(status)
        for unused in ("HTTPValidationError", "ValidationError"):
            if f"schemas/{unused}\"" not in json.dumps(schema):
                components.pop(unused, None)
        items = components.get("ClassifyRequest", {}).get("properties", {}).get("items")
        if items is not None:
            items["maxItems"] = settings.max_items
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
