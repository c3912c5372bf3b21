"""The loaded model, swapped atomically when ``models/current`` changes.

Requests take a reference to the current predictor once and use it to the end,
so a swap never fails a request in flight; a bundle that fails to load is
logged and the working model stays.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from training.lifecycle import bundle as bundles
from training.model.encoder import SentenceEncoder
from training.model.features import Item
from service.predictor import Predictor

log = logging.getLogger("zhibiao.model")


@dataclass(frozen=True)
class Loaded:
    predictor: Predictor
    metadata: dict


class ModelHolder:
    def __init__(self, models_dir: str | None = None, encoder_path: str | None = None, reload_interval: float = 5.0) -> None:
        self.models_dir = Path(models_dir) if models_dir else None
        self.encoder_path = encoder_path
        self.reload_interval = reload_interval
        self.current: Loaded | None = None
        self.last_error: str | None = None
        self._encoder: SentenceEncoder | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def _encoder_for(self) -> SentenceEncoder:
        if self._encoder is None:
            self._encoder = SentenceEncoder(self.encoder_path).load()
        return self._encoder

    def reload(self) -> dict:
        """Load ``current`` if it is not the loaded version; keep the old model on any failure."""
        from training.lifecycle.train import load_predictor

        with self._lock:
            try:
                version = bundles.current_version(self.models_dir)
                if version is None:
                    raise bundles.BundleError("no current model")
                if self.current and self.current.metadata.get("version") == version:
                    return {"changed": False, "version": version}
                started = time.perf_counter()
                predictor, metadata = load_predictor(bundles.current_bundle(self.models_dir), encoder=self._encoder_for())
                predictor.classify([Item(name="预算执行率")])  # warm up
                self.current = Loaded(predictor, metadata)
                self.last_error = None
                log.info("loaded model %s in %.1f s", version, time.perf_counter() - started)
                return {"changed": True, "version": version}
            except Exception as error:  # a broken bundle must never take the service down
                self.last_error = f"{type(error).__name__}: {error}"
                log.error("model not (re)loaded: %s", self.last_error)
                return {"changed": False, "version": self.current.metadata.get("version") if self.current else None, "error": self.last_error}

    def start_watching(self) -> None:
        if self.reload_interval <= 0 or self._watcher:
            return

        def watch() -> None:
            while not self._stop.wait(self.reload_interval):
                try:
                    version = bundles.current_version(self.models_dir)
                except OSError:
                    continue
                loaded = self.current.metadata.get("version") if self.current else None
                if version and version != loaded:
                    self.reload()

        self._watcher = threading.Thread(target=watch, name="model-watcher", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
