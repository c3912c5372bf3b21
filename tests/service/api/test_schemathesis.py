"""The OpenAPI document against the app: a schemathesis run with every built-in check (server errors, status codes, content
types, headers, response schemas, negative data rejected, positive data accepted, unsupported methods, auth) over the ASGI
transport, on the fake-encoder model.

Bounded and repeatable: at most ``MAX_EXAMPLES`` generated requests per operation and phase, seed 42. Two changes to the
defaults: negative data may also be refused with 413 (too many items is the documented TOO_MANY_ITEMS, as an oversized
body is); and an upload's bytes may be a valid multipart body and still no table, so for ``/v1/tables/classify`` the
positive-data check also accepts the documented 400/413/415/422 (what makes a file readable is not expressible in OpenAPI).
"""

from __future__ import annotations

import collections

import pytest
import schemathesis
from schemathesis.engine import Status, events, from_schema

from service.api.main import create_app
from training.settings import Settings

pytestmark = pytest.mark.slow
TOKEN = "schemathesis-admin-token"
MAX_EXAMPLES = 30


def test_the_api_honours_its_openapi_document(holder, test_settings):
    settings = Settings(**{**test_settings.model_dump(), "admin_token": TOKEN})
    app = create_app(settings, holder)
    config = schemathesis.Config.from_dict({
        "seed": 42,
        "generation": {"max-examples": MAX_EXAMPLES},
        "headers": {"Authorization": f"Bearer {TOKEN}"},
        # Too many items is the documented 413 TOO_MANY_ITEMS (as too large a body is); the default list has no 413.
        "checks": {"negative_data_rejection": {"expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]}},
        "operations": [{"include-path": "/v1/tables/classify",
                        "checks": {"positive_data_acceptance": {"expected-statuses": [200, 400, 413, 415, 422]}}}],
    })
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    failures: collections.Counter = collections.Counter()
    samples: dict = {}
    requests = 0
    errors = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            requests += len(event.recorder.interactions)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info:
                        key = (event.label, check.name, check.failure_info.failure.title)
                        failures[key] += 1
                        samples.setdefault(key, f"{check.failure_info.failure.message[:300]} | {check.failure_info.code_sample[:300]}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            errors.append(repr(event))
        elif isinstance(event, events.EngineFinished):
            print(f"schemathesis: {requests} requests in {event.running_time:.0f} s, {sum(failures.values())} failures")
    assert not errors, errors
    assert requests > 300
    assert not failures, "\n".join(f"{count}x {key}: {samples[key]}" for key, count in failures.items())
