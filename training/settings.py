"""One settings object for the whole project, read from ``ZHIBIAO_*`` environment variables (and ``.env``).

Paths, the encoder, the CLI and the HTTP API all read their configuration
here; no other module reads ``os.environ``. Every location can be moved so
that tests, CI and retraining jobs work on copies of the checked-in tree.

    ZHIBIAO_DATA_DIR=/tmp/data ZHIBIAO_MODELS_DIR=/tmp/models zhibiao train
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting, with its default. Environment variable = ``ZHIBIAO_`` + the field name in capitals."""

    model_config = SettingsConfigDict(env_prefix="ZHIBIAO_", env_file=".env", extra="ignore")

    # where things are
    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="corpus, sources, taxonomy, added tables")
    models_dir: Path = Field(default=PROJECT_ROOT / "models", description="model bundles and the current/previous links")
    cache_dir: Path = Field(default=PROJECT_ROOT / ".cache", description="built encoder and embedding caches")
    taxonomy: Path | None = Field(default=None, description="taxonomy file (default: <data_dir>/taxonomy.json)")

    # the sentence encoder
    encoder: Path | None = Field(default=None, description="a local sentence-transformers folder (default: the built e5)")
    encoder_precision: Literal["int8", "fp32"] = "int8"
    encoder_threads: int = Field(default=2, ge=1)
    serve_encoder_threads: int = Field(
        default=1, ge=1, description="ONNX Runtime threads inside one encoder run in `zhibiao serve`: 1 leaves a core to "
        "form-plugin requests while a table upload is encoded")
    encoder_backend: Literal["onnx", "torch"] = Field(
        default="onnx", description="onnx: the int8 ONNX export on ONNX Runtime (built by `zhibiao encoder build`); torch: sentence-transformers on PyTorch")
    encoder_cache_size: int = Field(default=20_000, ge=0, description="texts per kind whose vectors the encoder keeps in memory (least recently used evicted)")
    embedding_cache_dir: Path | None = Field(default=None, description="on-disk embedding caches for training and bulk jobs (default: <cache_dir>/embeddings)")

    # model lifecycle
    retrain_tolerance: float = Field(default=0.01, ge=0)
    keep_versions: int = Field(default=5, ge=1)

    # reading table files (training.readers.limits.ReadLimits): the CLI, ingest and uploads alike
    max_table_rows: int = Field(default=50_000, ge=1, description="rows one uploaded or ingested table file may have; the readers stop at the next one")
    read_max_cells: int = Field(default=1_000_000, ge=1, description="grid cells one file may expand to (rowspan/colspan and merged cells counted)")
    read_max_cell_chars: int = Field(default=32_767, ge=1, description="characters in one cell (Excel's own limit)")
    read_max_expanded_bytes: int = Field(default=200 * 1024 * 1024, ge=1, description="uncompressed size of an xlsx/docx archive")
    read_max_pdf_pages: int = Field(default=200, ge=1, description="pages of one PDF")
    read_time_budget_seconds: float = Field(default=30.0, gt=0, description="wall time for reading one file")

    # bulk backfill of many files (service.backfill, `zhibiao backfill`)
    backfill_workers: int = Field(default=2, ge=1, description="annotating actors of a Ray backfill (each loads the model once, 1 CPU)")
    backfill_batch_rows: int = Field(default=2000, ge=1, description="rows handed to an actor at once; whole files, never split")
    backfill_object_store_mb: int = Field(default=256, ge=80, description="object store of the local Ray instance a backfill starts")
    ray_address: str | None = Field(default=None, validation_alias=AliasChoices("ZHIBIAO_RAY_ADDRESS", "RAY_ADDRESS"),
                                    description="an existing Ray cluster to join (RAY_ADDRESS as Ray reads it); default: start a local instance")

    # HTTP API
    max_items: int = Field(default=256, ge=1)
    max_name_chars: int = 500
    max_text_chars: int = 5000
    max_upload_bytes: int = 10 * 1024 * 1024
    reload_interval_seconds: float = 5.0
    cors_origins: Annotated[list[str], NoDecode] = Field(default=[], description="browser origins allowed to call the API: a JSON list or comma-separated")
    log_level: str = "info"

    # the reviewer's page (/review): uploaded tables and the reviewer's decisions, kept across visits
    review_dir: Path = Field(default=PROJECT_ROOT / "review", description="folder of the review page's SQLite database (review.sqlite3)")
    review_max_files: int = Field(default=20, ge=1, description="files one upload on the review page may hold (each within max_upload_bytes)")
    review_max_rows: int = Field(default=20_000, ge=1, description="indicator rows one review batch may hold, all its files together; "
                                 "a file that would pass it is listed as not processed (about 40 s of work on 2 cores)")

    # HTTP API: bounded work, fairness, what a request may send, who may call (issue #14)
    max_json_bytes: int = Field(default=5 * 1024 * 1024, ge=1, description="request body of a JSON route; a larger Content-Length is refused before the body is read")
    api_workers: int = Field(default=2, ge=1, description="threads answering single requests (classify, suggestions)")
    api_queue: int = Field(default=32, ge=0, description="single requests that may wait for a worker; beyond it 503 with Retry-After")
    api_single_max_items: int = Field(default=16, ge=1, description="a /v1/classify request with more items runs in the tables' lane, so "
                                      "that large requests never hold the threads one-indicator requests need")
    api_table_workers: int = Field(default=1, ge=1, description="threads reading and classifying uploaded tables (and large /v1/classify requests)")
    api_table_queue: int = Field(default=2, ge=0, description="uploaded tables that may wait for a worker; beyond it 503 with Retry-After")
    api_client_max_pending: int = Field(default=16, ge=1, description="requests one client address may have working or waiting per lane; beyond it 429")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default=["127.0.0.1", "localhost", "::1"],
                                                          description="Host header names the API answers ('*': any); a JSON list or comma-separated")
    admin_token: SecretStr | None = Field(default=None, description="bearer token for /v1/admin/*; required to serve on a non-loopback address")
    bundle_signing_key: SecretStr | None = Field(default=None, description="HMAC key: bundles are signed when saved and refused unless signed with it")

    @field_validator("cors_origins", "allowed_hosts", mode="before")
    @classmethod
    def _list_of_names(cls, value: object) -> object:
        """A JSON list (``["https://a.example"]``) or a comma-separated string; anything else is a one-line configuration error."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise ValueError(f"not a JSON list: {text[:60]!r}; write [\"https://a.example\"] or a,b") from None
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError("must be a list of strings")
            return value
        return [part.strip() for part in text.split(",") if part.strip()]

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        origins = [origin.rstrip("/") if origin != "*" else origin for origin in origins]
        for origin in origins:
            if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
                raise ValueError(f"{origin!r} is not an origin; write scheme://host[:port] with no path, e.g. https://review.example")
        return origins

    @property
    def taxonomy_path(self) -> Path:
        return self.taxonomy or self.data_dir / "taxonomy.json"


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once. Tests that change the environment call ``get_settings.cache_clear()``."""
    return Settings()
