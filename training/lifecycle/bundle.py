"""Model bundles on disk: ``models/<version>/`` plus an atomic ``models/current`` pointer.

joblib is pickle, so a bundle is loaded only when the hash of its payload
matches the hash its metadata recorded at save time. ``current`` is a symlink
replaced with ``os.replace``: at every instant it points at a complete bundle.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import joblib

from training.files import sha256_file
from training.settings import get_settings

PAYLOAD = "model.joblib"
METADATA = "metadata.json"
CURRENT = "current"
PREVIOUS = "previous"
RETRAIN_REPORT = "retrain.json"
STALE_STAGING_SECONDS = 3600
FORMAT = 2  # 2: a fitted scikit-learn Pipeline (training.model.pipeline); 1: the home-made IndicatorClassifier, refused


class BundleError(Exception):
    """A bundle that is missing, incomplete or fails its integrity check."""


def new_version(data_digest: str) -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + f"-{data_digest[:6]}"


def save_bundle(payload: dict, metadata: dict, root: Path | None = None, version: str | None = None) -> Path:
    """Write into a hidden staging folder, then rename: a killed save leaves no half bundle."""
    root = root or get_settings().models_dir
    root.mkdir(parents=True, exist_ok=True)
    version = version or new_version(metadata.get("data_digest", "000000"))
    staging = root / f".staging-{version}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    joblib.dump(payload, staging / PAYLOAD, compress=3)
    metadata = {**metadata, "format": FORMAT, "version": version, "payload_sha256": sha256_file(staging / PAYLOAD),
                "size_bytes": (staging / PAYLOAD).stat().st_size}
    (staging / METADATA).write_text(json.dumps(metadata, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    final = root / version
    staging.rename(final)
    return final


def read_metadata(bundle: Path) -> dict:
    try:
        return json.loads((bundle / METADATA).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BundleError(f"{bundle}: unreadable metadata ({error})") from None


def verify_bundle(bundle: Path) -> dict:
    """The bundle's metadata once its payload hash matches and its format is this code's. Raises ``BundleError``."""
    metadata = read_metadata(bundle)
    if metadata.get("format") != FORMAT:
        raise BundleError(f"{bundle.name}: written by an older Zhibiao (bundle format {metadata.get('format', 1)}, this one reads {FORMAT}); "
                          "run `zhibiao train` or `zhibiao retrain` to make a new one")
    payload = bundle / PAYLOAD
    if not payload.exists():
        raise BundleError(f"{bundle}: no {PAYLOAD}")
    if sha256_file(payload) != metadata.get("payload_sha256"):
        raise BundleError(f"{bundle}: payload hash does not match its metadata; refusing to unpickle it")
    return metadata


def load_bundle(bundle: Path) -> tuple[dict, dict]:
    """Unpickle a verified bundle's payload: ``({"model", "references", "policy", "target_forms", "projects"}, metadata)``. Raises ``BundleError``."""
    metadata = verify_bundle(bundle)
    return joblib.load(bundle / PAYLOAD), metadata


@dataclass(frozen=True)
class LoadedModel:
    """A bundle ready to answer: the fitted pipeline with the local encoder attached, its references and review policy."""

    model: object
    references: object
    policy: object
    encoder: object
    metadata: dict
    target_forms: object = None  # training.model.units.TargetForms; None in bundles made before it existed
    projects: object = None  # training.model.projects.ProjectIndex; likewise


def load_model(bundle: Path | None = None, encoder=None, models_root: Path | None = None) -> LoadedModel:
    """Load ``bundle`` (default: ``current``) and attach ``encoder`` (default: the configured one).

    Raises ``BundleError`` for a missing, corrupt, old-format bundle or one
    trained with another encoder (the message names both fingerprints), and
    ``EncoderMissing`` when no local encoder exists.
    """
    from training.model.encoder import EncoderNotAttached, SentenceEncoder, attach_encoder

    bundle = bundle or current_bundle(models_root)
    metadata = verify_bundle(bundle)
    encoder = encoder or SentenceEncoder()
    expected = metadata.get("encoder", {}).get("fingerprint")
    if encoder.identity["fingerprint"] != expected:
        raise BundleError(f"{bundle.name} was trained with encoder {expected}, but the local encoder is {encoder.identity['fingerprint']}; "
                          "retrain (`zhibiao train`) or set ZHIBIAO_ENCODER to the encoder it was trained with")
    payload = joblib.load(bundle / PAYLOAD)
    try:
        attach_encoder(payload["model"], encoder)
    except EncoderNotAttached as error:
        raise BundleError(f"{bundle.name}: {error}") from None
    return LoadedModel(payload["model"], payload["references"], payload["policy"], encoder, metadata,
                       payload.get("target_forms"), payload.get("projects"))


def _point(root: Path, name: str, version: str) -> None:
    link = root / name
    tmp = root / f".{name}-{os.getpid()}-{time.monotonic_ns()}"
    os.symlink(version, tmp)
    os.replace(tmp, link)


def current_version(root: Path | None = None) -> str | None:
    link = (root or get_settings().models_dir) / CURRENT
    return os.readlink(link) if link.is_symlink() else None


def previous_version(root: Path | None = None) -> str | None:
    link = (root or get_settings().models_dir) / PREVIOUS
    return os.readlink(link) if link.is_symlink() else None


def current_bundle(root: Path | None = None) -> Path:
    root = root or get_settings().models_dir
    version = current_version(root)
    if version is None:
        raise BundleError(f"{root}: no current model; run `zhibiao train`")
    return root / version


def promote(version: str, root: Path | None = None) -> None:
    """Point ``current`` at a verified bundle; the old one becomes ``previous``."""
    root = root or get_settings().models_dir
    verify_bundle(root / version)
    old = current_version(root)
    if old == version:
        return
    if old:
        _point(root, PREVIOUS, old)
    _point(root, CURRENT, version)


def list_versions(root: Path | None = None) -> list[dict]:
    root = root or get_settings().models_dir
    if not root.exists():
        return []
    current = current_version(root)
    entries = []
    for bundle in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")):
        try:
            metadata = read_metadata(bundle)
        except BundleError:
            continue
        report = bundle / RETRAIN_REPORT
        decision = json.loads(report.read_text(encoding="utf-8")).get("decision") if report.exists() else None
        entries.append({**metadata, "current": bundle.name == current, "retrain_decision": decision})
    return entries


def prune(keep: int, root: Path | None = None) -> list[str]:
    """Delete all but the ``keep`` newest bundles; ``current`` and ``previous`` are always kept.

    Staging folders left by a killed save are removed once they are an hour old
    (a younger one may belong to a save still running).
    """
    root = root or get_settings().models_dir
    protected = {current_version(root), previous_version(root)}
    entries = sorted(list_versions(root), key=lambda e: (e.get("created", ""), e["version"]), reverse=True)
    removed = []
    for entry in entries[max(keep, 0):]:
        if entry["version"] not in protected:
            shutil.rmtree(root / entry["version"], ignore_errors=True)
            removed.append(entry["version"])
    for staging in root.glob(".staging-*"):
        if time.time() - staging.stat().st_mtime > STALE_STAGING_SECONDS:
            shutil.rmtree(staging, ignore_errors=True)
    return removed
