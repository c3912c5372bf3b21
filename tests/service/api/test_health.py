"""Liveness, readiness, model card, taxonomy and the OpenAPI document."""

from __future__ import annotations


def test_health_ready_model_taxonomy(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    model = client.get("/v1/model").json()
    assert model["encoder"]["fingerprint"] == "hashing-test" and model["model"]["type"] == "sklearn.pipeline.Pipeline"
    taxonomy = client.get("/v1/taxonomy").json()
    assert [l1["name"] for l1 in taxonomy["level1"]] == ["产出指标", "成本指标", "效益指标", "满意度指标"]


def test_openapi_documents_every_endpoint(client):
    schema = client.get("/openapi.json").json()
    for path in ("/healthz", "/readyz", "/v1/model", "/v1/taxonomy", "/v1/classify", "/v1/targets/suggest",
                 "/v1/indicators/suggest", "/v1/tables/classify", "/v1/admin/reload"):
        assert path in schema["paths"]
    assert schema["components"]["schemas"]["ClassifyRequest"].get("examples")
