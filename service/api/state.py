"""The loaded model, swapped atomically when ``models/current`` changes, and never gone while a valid bundle exists.

Requests take a reference to the current predictor once and use it to the
end, so a swap never fails a request in flight. When ``models/current`` cannot
be loaded (corrupt, unsigned, another encoder), the service keeps the model it
is serving, or, at start, falls back to the newest bundle that loads among
``previous`` and the versions once current (``bundle.fallback_versions``); it
says so in ``/readyz``, ``/v1/model`` and the log, once per change of
``current``, and points the operator at ``zhibiao models rollback``.
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


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


class ModelHolder:
    """Holds the current ``Predictor``; ``reload()`` swaps in ``models/current`` when it changed, a watcher thread polls.

    ``encoder`` is loaded once and shared by every model version (bundles are
    refused unless they were trained with the same encoder). ``fallback`` is
    ``None`` while ``current`` is what is served, else a dict ``{"wanted",
    "serving", "error", "hint"}``; ``last_error`` is the last load failure.
    """

    def __init__(self, models_dir: Path | None = None, encoder: Encoder | None = None, reload_interval: float = 5.0) -> None:
        self.models_dir = Path(models_dir) if models_dir else None
        self.encoder = encoder
        self.reload_interval = reload_interval
        self.current: Predictor | None = None
        self.last_error: str | None = None
        self.fallback: dict | None = None
        self._attempted: tuple | None = None  # signature of the models/current last tried, so a failure is retried (and logged) once
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def version(self) -> str | None:
        return self.current.version if self.current else None

    def _signature(self) -> tuple:
        """What ``current`` points at now: the version and the modification times of its files (an in-place repair counts)."""
        version = bundles.current_version(self.models_dir)
        if version is None:
            return (None,)
        folder = (self.models_dir or bundles.get_settings().models_dir) / version
        times = []
        for name in (bundles.METADATA, bundles.PAYLOAD):
            try:
                times.append((folder / name).stat().st_mtime_ns)
            except OSError:
                times.append(None)
        return (version, *times)

    def _load(self, version: str) -> Predictor:
        root = self.models_dir or bundles.get_settings().models_dir
        if self.encoder is None:
            self.encoder = local_encoder(serving=True)
        predictor = load_predictor(root / version, encoder=self.encoder)
        predictor.classify([Indicator(name="预算执行率")])  # warm up
        return predictor

    def reload(self, force: bool = True) -> dict:
        """Load ``current`` unless it is what is served; on a failure keep or find a model that works.

        ``force=False`` (the watcher) skips a ``current`` already tried in
        the same state, so a broken bundle is logged once, not every interval.
        Returns ``{"changed", "version"}`` plus ``"error"`` and ``"fallback"``
        when ``current`` could not be loaded. Never raises.
        """
        with self._lock:
            try:
                signature = self._signature()
            except OSError as error:
                signature = (None, _error_text(error))
            wanted = signature[0]
            if not force and signature == self._attempted:
                return self._answer(False)
            first_attempt = signature != self._attempted
            self._attempted = signature
            if wanted is not None and self.current is not None and self.current.version == wanted:
                self.fallback = self.last_error = None  # e.g. a rollback to the version served as the fallback
                return self._answer(False)
            try:
                if wanted is None:
                    raise bundles.BundleError("no current model (models/current is missing)")
                started = time.perf_counter()
                predictor = self._load(wanted)
            except Exception as error:  # a broken bundle must never take the service down
                self.last_error = _error_text(error)
                if first_attempt:
                    log.error("models/current (%s) cannot be loaded: %s", wanted, self.last_error)
                changed = self._fall_back(wanted, first_attempt)
                return self._answer(changed, error=self.last_error)
            self.current = predictor
            self.last_error = None
            self.fallback = None
            log.info("loaded model %s in %.1f s", wanted, time.perf_counter() - started)
            return self._answer(True)

    def _fall_back(self, wanted: str | None, announce: bool) -> bool:
        """Keep the served model, or load the first valid fallback version; record and (once) log which. True if it changed."""
        changed = False
        if self.current is None:
            for version in bundles.fallback_versions(self.models_dir):
                try:
                    self.current = self._load(version)
                    changed = True
                    break
                except Exception as error:
                    if announce:
                        log.error("fallback model %s cannot be loaded either: %s", version, _error_text(error))
        if self.current is None:
            self.fallback = None
            return False
        serving = self.current.version
        previous = bundles.previous_version(self.models_dir)
        action = "`zhibiao models rollback`" if serving == previous else f"`zhibiao models promote {serving}`"
        self.fallback = {
            "wanted": wanted,
            "serving": serving,
            "error": self.last_error,
            "hint": f"models/current ({wanted}) cannot be loaded; serving {serving} instead. Run {action} to make {serving} "
                    "current again, or build a new model from the corpus (`zhibiao train`).",
        }
        if announce:
            log.warning("%s", self.fallback["hint"])
        return changed

    def _answer(self, changed: bool, error: str | None = None) -> dict:
        answer: dict = {"changed": changed, "version": self.version}
        if error:
            answer["error"] = error
        if self.fallback:
            answer["fallback"] = self.fallback
        return answer

    def start_watching(self) -> None:
        if self.reload_interval <= 0 or self._watcher:
            return

        def watch() -> None:
            while not self._stop.wait(self.reload_interval):
                try:
                    self.reload(force=False)
                except Exception:  # the watcher never dies; reload itself logs
                    log.exception("model watcher")

        self._watcher = threading.Thread(target=watch, name="model-watcher", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
