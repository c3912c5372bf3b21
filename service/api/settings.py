"""Service settings, from environment variables prefixed ``ZHIBIAO_``."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZHIBIAO_", env_file=".env", extra="ignore")

    models_dir: str | None = None
    encoder: str | None = None
    max_items: int = 256
    max_name_chars: int = 500
    max_text_chars: int = 5000
    max_upload_bytes: int = 10 * 1024 * 1024
    max_table_rows: int = 50_000
    reload_interval_seconds: float = 5.0
    cors_origins: list[str] = []
    log_level: str = "info"


@lru_cache
def get_settings() -> Settings:
    return Settings()
