"""The loaded model, swapped atomically when ``models/current`` changes.

Requests take a reference to the current predictor once and use it to the end,
so a swap never fails a request in flight; a bundle that fails to load is
logged and the working model stays.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from service.predictor import Predictor, load_predictor
from training.domain.records import Indicator
from training.lifecycle import bundle as bundles
from training.model.encoder import Encoder, local_encoder

log = logging.getLogger("zhibiao.model")


class ModelHolder:
    """Holds the current ``Predictor``; ``reload()`` swaps in ``models/current`` when it changed, a watcher thread polls.

    ``encoder`` is loaded once and shared by every model version (bundles are
    refused unless they were trained with the same encoder).
    """

    def __init__(self, models_dir: Path | None = None, encoder: Encoder | None = None, reload_interval: float = 5.0) -> None:
        self.models_dir = Path(models_dir) if models_dir else None
        self.encoder = encoder
        self.reload_interval = reload_interval
        self.current: Predictor | None = None
        self.last_error: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def version(self) -> str | None:
        return self.current.version if self.current else None

    def reload(self) -> dict:
        """Load ``current`` if it is not the loaded version; keep the old model on any failure."""
        with self._lock:
            try:
                version = bundles.current_version(self.models_dir)
                if version is None:
                    raise bundles.BundleError("no current model")
                if self.current and self.current.version == version:
                    return {"changed": False, "version": version}
                started = time.perf_counter()
                if self.encoder is None:
                    self.encoder = local_encoder()
                predictor = load_predictor(bundles.current_bundle(self.models_dir), encoder=self.encoder)
                predictor.classify([Indicator(name="预算执行率")])  # warm up
                self.current = predictor
                self.last_error = None
                log.info("loaded model %s in %.1f s", version, time.perf_counter() - started)
                return {"changed": True, "version": version}
            except Exception as error:  # a broken bundle must never take the service down
                self.last_error = f"{type(error).__name__}: {error}"
                log.error("model not (re)loaded: %s", self.last_error)
                return {"changed": False, "version": self.version, "error": self.last_error}

    def start_watching(self) -> None:
        if self.reload_interval <= 0 or self._watcher:
            return

        def watch() -> None:
            while not self._stop.wait(self.reload_interval):
                try:
                    version = bundles.current_version(self.models_dir)
                except OSError:
                    continue
                if version and version != self.version:
                    self.reload()

        self._watcher = threading.Thread(target=watch, name="model-watcher", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
