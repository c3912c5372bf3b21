"""Model bundles on disk: ``models/<version>/`` plus an atomic ``models/current`` pointer.

joblib is pickle, so a bundle is loaded only when the hash of its payload
matches the hash its metadata recorded at save time. ``current`` is a symlink
replaced with ``os.replace``: at every instant it points at a complete bundle.

Trust: the hash catches corruption, not tampering (whoever can write the
payload can write the hash beside it). With ``ZHIBIAO_BUNDLE_SIGNING_KEY`` set,
every saved bundle's metadata (payload hash included) carries an HMAC-SHA256
``signature`` and only bundles signed with that key are loaded, so writing to
``models/`` is no longer enough to run code in the server: the key is needed too.

Every change of ``current`` is appended to ``models/history.jsonl``: the
server falls back to the newest bundle that was once in service when
``current`` cannot be loaded, never to a rejected or unfinished candidate.
Writers (train, retrain, promote, rollback, prune, sign) hold ``models/.lock``
(``training.lifecycle.lock``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import joblib

from training.files import sha256_file
from training.lifecycle.lock import models_lock
from training.settings import get_settings

PAYLOAD = "model.joblib"
RUNTIME = "runtime.joblib"
PICKLED = "pickled_payload"
METADATA = "metadata.json"
CURRENT = "current"
PREVIOUS = "previous"
RETRAIN_REPORT = "retrain.json"
HISTORY = "history.jsonl"
SIGNATURE = "signature"
_FROM_SETTINGS = object()
STALE_STAGING_SECONDS = 3600
FORMAT = 2  # 2: a fitted scikit-learn Pipeline (training.model.pipeline); 1: the home-made IndicatorClassifier, refused


class BundleError(Exception):
    """A bundle that is missing, incomplete or fails its integrity check."""


def _settings_key() -> str | None:
    key = get_settings().bundle_signing_key
    return key.get_secret_value() if key else None


def signature_of(metadata: dict, key: str) -> str:
    """HMAC-SHA256 (hex) of the metadata without its ``signature``, as canonical JSON; it covers the payload hash."""
    unsigned = {k: v for k, v in metadata.items() if k != SIGNATURE}
    text = json.dumps(unsigned, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def new_version(data_digest: str) -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + f"-{data_digest[:6]}"


def save_bundle(payload: dict, metadata: dict, root: Path | None = None, version: str | None = None,
                signing_key: str | object | None = _FROM_SETTINGS, runtime: dict | None = None) -> Path:
    """Write into a hidden staging folder, then rename: a killed save leaves no half bundle.

    ``runtime`` is the payload's runtime form (what serving loads, with no
    scikit-learn object: see :func:`load_model`); it is written beside the
    payload and its hash recorded in the metadata. The metadata is signed when
    a signing key is configured (``signing_key`` defaults to
    ``ZHIBIAO_BUNDLE_SIGNING_KEY``), so the signature covers both hashes.
    """
    root = root or get_settings().models_dir
    key = _settings_key() if signing_key is _FROM_SETTINGS else signing_key
    root.mkdir(parents=True, exist_ok=True)
    version = version or new_version(metadata.get("data_digest", "000000"))
    staging = root / f".staging-{version}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    write_payload(payload, staging / PAYLOAD)
    metadata = {**metadata, "format": FORMAT, "version": version, "payload_sha256": sha256_file(staging / PAYLOAD),
                "size_bytes": (staging / PAYLOAD).stat().st_size}
    if runtime is not None:
        write_payload(runtime, staging / RUNTIME)
        metadata.update(runtime_sha256=sha256_file(staging / RUNTIME), runtime_size_bytes=(staging / RUNTIME).stat().st_size)
    if key:
        metadata = json.loads(json.dumps(metadata, ensure_ascii=False, default=str))  # sign exactly what is read back
        metadata[SIGNATURE] = signature_of(metadata, key)
    (staging / METADATA).write_text(json.dumps(metadata, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    final = root / version
    staging.rename(final)
    return final


def write_payload(payload: dict, path: Path) -> None:
    """``payload`` pickled by the C pickler (protocol 5) and kept in a compressed joblib file as one bytes object.

    joblib's own unpickler is pure Python: for the 15 MB payload of many small objects (reference rows,
    vocabularies) ``joblib.load`` took 0.38–0.42 s against 0.10–0.12 s for zlib and ``pickle.loads`` (measured on
    the 2-core machine), a tenth of a command's start-up.
    """
    joblib.dump({PICKLED: pickle.dumps(payload, protocol=5)}, path, compress=3)


def read_payload(path: Path) -> dict:
    """What :func:`write_payload` wrote; a bundle written before it (the payload as joblib objects) loads as it is.

    Raises ``BundleError`` for a file that is not such a payload (its hash can match and its content still be wrong,
    e.g. written by a broken tool).
    """
    try:
        stored = joblib.load(path)
        if isinstance(stored, dict) and set(stored) == {PICKLED}:
            stored = pickle.loads(stored[PICKLED])
    except Exception as error:
        raise BundleError(f"{path}: cannot be read as a model payload ({type(error).__name__}: {' '.join(str(error).split())[:200]})") from None
    if not isinstance(stored, dict):
        raise BundleError(f"{path}: not a model payload (a {type(stored).__name__})")
    return stored


def read_metadata(bundle: Path) -> dict:
    try:
        return json.loads((bundle / METADATA).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BundleError(f"{bundle}: unreadable metadata ({error})") from None


def verify_bundle(bundle: Path, signing_key: str | object | None = _FROM_SETTINGS) -> dict:
    """The bundle's metadata once its payload hash matches and its format is this code's. Raises ``BundleError``.

    The runtime form (``RUNTIME``) is checked by :func:`load_model` when it is read: it is derived from the payload, so
    a bundle whose runtime form is missing or damaged still loads, from the payload.

    With a signing key (default: ``ZHIBIAO_BUNDLE_SIGNING_KEY``) the metadata
    must also carry a matching HMAC ``signature``: an unsigned bundle or one
    signed with another key is refused before anything is unpickled.
    """
    metadata = read_metadata(bundle)
    if metadata.get("format") != FORMAT:
        raise BundleError(f"{bundle.name}: written by an older Zhibiao (bundle format {metadata.get('format', 1)}, this one reads {FORMAT}); "
                          "run `zhibiao train` or `zhibiao retrain` to make a new one")
    payload = bundle / PAYLOAD
    if not payload.exists():
        raise BundleError(f"{bundle}: no {PAYLOAD}")
    if sha256_file(payload) != metadata.get("payload_sha256"):
        raise BundleError(f"{bundle}: payload hash does not match its metadata; refusing to unpickle it")
    key = _settings_key() if signing_key is _FROM_SETTINGS else signing_key
    if key:
        if not metadata.get(SIGNATURE):
            raise BundleError(f"{bundle.name}: not signed, and ZHIBIAO_BUNDLE_SIGNING_KEY is set; refusing to unpickle it "
                              "(if you trust it, sign it with `zhibiao models sign " + bundle.name + "`)")
        if not hmac.compare_digest(str(metadata[SIGNATURE]), signature_of(metadata, key)):
            raise BundleError(f"{bundle.name}: signature does not match ZHIBIAO_BUNDLE_SIGNING_KEY; refusing to unpickle it")
    return metadata


def load_bundle(bundle: Path) -> tuple[dict, dict]:
    """Unpickle a verified bundle's payload: ``({"model", "references", "policy", "target_forms", "projects"}, metadata)``. Raises ``BundleError``."""
    metadata = verify_bundle(bundle)
    return read_payload(bundle / PAYLOAD), metadata


@dataclass(frozen=True)
class LoadedModel:
    """A bundle ready to answer: the fitted pipeline with the local encoder attached, its references and review policy.

    Loaded from the runtime form, ``model`` is None and ``compiled`` holds the classifier
    (``training.model.compiled.CompiledClassifier``); ``bundle`` is the folder it came from.
    """

    model: object
    references: object
    policy: object
    encoder: object
    metadata: dict
    target_forms: object = None  # training.model.units.TargetForms; None in bundles made before it existed
    projects: object = None  # training.model.projects.ProjectIndex; likewise
    compiled: object = None  # the classifier's runtime form, when loaded from it
    bundle: Path | None = None


def load_model(bundle: Path | None = None, encoder=None, models_root: Path | None = None, runtime: bool = False) -> LoadedModel:
    """Load ``bundle`` (default: ``current``) and attach ``encoder`` (default: the configured one).

    With ``runtime`` and a bundle that has a runtime form (``RUNTIME``, saved by
    training since it existed), only that is read: the classifier compiled to
    plain arrays and the unit models' plain form, with the references, policy
    and project index. Neither it nor its classes import scikit-learn, whose
    import took 1.6–2.5 s of a command's start-up. Without one, the payload is
    read as before.

    Raises ``BundleError`` for a missing, corrupt, old-format bundle or one
    trained with another encoder (the message names both fingerprints), and
    ``EncoderMissing`` when no local encoder exists.
    """
    from training.model.encoder import EncoderNotAttached, attach_encoder, local_encoder

    bundle = bundle or current_bundle(models_root)
    metadata = verify_bundle(bundle)
    encoder = encoder or local_encoder()
    expected = metadata.get("encoder", {}).get("fingerprint")
    if encoder.identity["fingerprint"] != expected:
        raise BundleError(f"{bundle.name} was trained with encoder {expected}, but the local encoder is {encoder.identity['fingerprint']}; "
                          "retrain (`zhibiao train`) or set ZHIBIAO_ENCODER to the encoder it was trained with")
    payload = _runtime_form(bundle, metadata) if runtime and metadata.get("runtime_sha256") else None
    part = RUNTIME if payload is not None else PAYLOAD
    if payload is None:
        payload = read_payload(bundle / PAYLOAD)
    if part == PAYLOAD and not {"model", "references", "policy"} <= set(payload):
        raise BundleError(f"{bundle / PAYLOAD}: not a model payload (it lacks {', '.join(k for k in ('model', 'references', 'policy') if k not in payload)})")
    classifier = payload["classifier"] if part == RUNTIME else payload["model"]
    try:
        attach_encoder(classifier, encoder)
    except EncoderNotAttached as error:
        raise BundleError(f"{bundle.name}: {error}") from None
    return LoadedModel(None if part == RUNTIME else classifier, payload["references"], payload["policy"], encoder, metadata,
                       payload.get("target_forms"), payload.get("projects"), classifier if part == RUNTIME else None, bundle)


RUNTIME_KEYS = {"classifier", "target_forms", "references", "policy", "projects"}


def _runtime_form(bundle: Path, metadata: dict) -> dict | None:
    """The bundle's runtime form when it is there, matches its recorded hash and holds what serving needs; else None,
    with a warning on the ``zhibiao.model`` log (the caller then loads the payload, which is verified already)."""
    import logging

    path = bundle / RUNTIME
    try:
        if not path.exists():
            raise BundleError(f"{path}: missing")
        if sha256_file(path) != metadata["runtime_sha256"]:
            raise BundleError(f"{path}: hash does not match its metadata; not unpickled")
        payload = read_payload(path)
        if not set(payload) >= RUNTIME_KEYS:
            raise BundleError(f"{path}: not a runtime form (it lacks {', '.join(sorted(RUNTIME_KEYS - set(payload)))})")
        return payload
    except (BundleError, OSError) as error:  # OSError: not readable (permissions, a folder in its place)
        logging.getLogger("zhibiao.model").warning("%s; loading %s instead (slower start-up; `zhibiao train` writes a new one)",
                                                   error, PAYLOAD)
        return None


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


def version_names(root: Path | None = None) -> list[str]:
    """Names of the bundle folders under ``root``, oldest first (by name: versions start with their UTC time)."""
    root = root or get_settings().models_dir
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))


def promote(version: str, root: Path | None = None, action: str = "promote") -> None:
    """Point ``current`` at a verified bundle; the old one becomes ``previous``; the change goes to ``history.jsonl``.

    Runs under ``models/.lock``. Raises ``BundleError`` for a version that
    does not exist (the message lists those that do) or does not verify, and
    ``ModelsLocked`` while another process holds the lock.
    """
    root = root or get_settings().models_dir
    if not version or "/" in version or version.startswith(".") or not (root / version).is_dir():
        names = version_names(root)
        raise BundleError(f"no model version {version!r} in {root}; "
                          + (f"versions: {', '.join(names)}" if names else "there are none (run `zhibiao train`)"))
    with models_lock(root, action):
        verify_bundle(root / version)
        old = current_version(root)
        if old == version:
            return
        try:
            if old:
                verify_bundle(root / old)
            keep = old
        except BundleError:
            # a damaged current is no way back: ``previous`` is the last version that still loads (a newcomer's trial
            # had ``models rollback`` fail on the truncated bundle a retrain had made previous)
            keep = last_sound(root, besides=version)
        if keep:
            _point(root, PREVIOUS, keep)
        _point(root, CURRENT, version)
        record_history(root, action, version, old)


def last_sound(root: Path | None = None, besides: str | None = None) -> str | None:
    """The version to fall back on: the first of ``fallback_versions`` (``previous``, then every version once
    current, newest first) that verifies and fits the local encoder, other than ``besides``; None when none does."""
    root = root or get_settings().models_dir
    return _first_sound([v for v in fallback_versions(root) if v != besides], root)


def record_history(root: Path, action: str, version: str, was: str | None) -> None:
    """Append one line to ``history.jsonl``: when, what, the new current version and the one before."""
    line = json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "action": action, "version": version, "was": was})
    with open(root / HISTORY, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def served_versions(root: Path | None = None) -> list[str]:
    """Versions that were ever made current, most recent first (from ``history.jsonl``; unreadable lines skipped)."""
    root = root or get_settings().models_dir
    try:
        lines = (root / HISTORY).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    seen: list[str] = []
    for line in reversed(lines):
        try:
            version = json.loads(line).get("version")
        except (ValueError, AttributeError):
            continue
        if version and version not in seen:
            seen.append(version)
    return seen


def _first_sound(versions: list[str], root: Path) -> str | None:
    """The first of ``versions`` whose bundle verifies (``verify_bundle``) and was trained with the local encoder (when
    there is one to compare with), or None: a bundle of another encoder cannot be served here."""
    from training.model.encoder import EncoderMissing, local_encoder

    try:
        local = local_encoder().identity["fingerprint"]
    except (EncoderMissing, OSError, ValueError):
        local = None
    for version in versions:
        try:
            expected = verify_bundle(root / version).get("encoder", {}).get("fingerprint")
        except BundleError:
            continue
        if local is None or expected is None or expected == local:
            return version
    return None


def fallback_versions(root: Path | None = None) -> list[str]:
    """Where to fall back when ``current`` cannot be loaded: ``previous`` first, then every version once current, newest first.

    Candidates that were never promoted (rejected by the gate, or left by a
    killed retrain) are never among them.
    """
    root = root or get_settings().models_dir
    current = current_version(root)
    order = [v for v in [previous_version(root), *served_versions(root)] if v and v != current]
    return [v for i, v in enumerate(order) if v not in order[:i] and (root / v).is_dir()]


def sign_bundle(version: str, root: Path | None = None, key: str | None = None) -> None:
    """Sign a bundle an operator trusts with ``key`` (default: the configured one). Raises ``BundleError``.

    The payload hash is checked first, so a damaged payload is never signed.
    """
    root = root or get_settings().models_dir
    key = key or _settings_key()
    if not key:
        raise BundleError("set ZHIBIAO_BUNDLE_SIGNING_KEY to sign bundles")
    if not (root / version).is_dir():
        raise BundleError(f"no model version {version!r} in {root}; versions: {', '.join(version_names(root)) or 'none'}")
    with models_lock(root, "sign"):
        metadata = verify_bundle(root / version, signing_key=None)
        metadata[SIGNATURE] = signature_of(metadata, key)
        tmp = root / version / f".{METADATA}.tmp"
        tmp.write_text(json.dumps(metadata, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        tmp.replace(root / version / METADATA)


def list_versions(root: Path | None = None, check: bool = False) -> list[dict]:
    """One entry per bundle folder, oldest name first: its metadata, ``current``, ``previous``, ``retrain_decision``,
    ``damaged`` (the ``BundleError`` text, else None) and ``runtime_problem``. With ``check`` every bundle is also
    verified (its files hashed, as serving does), so a damaged ``current`` shows before a command fails on it, and its
    runtime form is checked (``runtime_problem``: missing or not matching its hash; the bundle still serves, from the
    payload, with a slower start-up); a folder whose metadata cannot be read is listed as damaged either way."""
    root = root or get_settings().models_dir
    if not root.exists():
        return []
    current, previous = current_version(root), previous_version(root)
    entries = []
    for bundle in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")):
        flags = {"current": bundle.name == current, "previous": bundle.name == previous}
        metadata, damaged, slow = {"version": bundle.name}, None, None
        try:
            metadata = read_metadata(bundle)
            if check:
                verify_bundle(bundle)
                slow = _runtime_problem(bundle, metadata)
        except BundleError as error:
            damaged = str(error)
        report = bundle / RETRAIN_REPORT
        decision = json.loads(report.read_text(encoding="utf-8")).get("decision") if report.exists() and not damaged else None
        entries.append({**metadata, "version": bundle.name, **flags, "retrain_decision": decision, "damaged": damaged,
                        "runtime_problem": slow})
    return entries


def _runtime_problem(bundle: Path, metadata: dict) -> str | None:
    """Why a verified bundle's runtime form cannot be served (missing, or not what its hash says), else None: it still
    loads, from the payload, with a slower start-up (``load_model``)."""
    if not metadata.get("runtime_sha256"):
        return None  # a bundle from before runtime forms
    path = bundle / RUNTIME
    if not path.is_file():
        return f"{RUNTIME} missing"
    if sha256_file(path) != metadata["runtime_sha256"]:
        return f"{RUNTIME} does not match its hash"
    return None


REJECTED_REPORTS = ".rejected"  # under the models folder: the reports of pruned candidates the gate rejected
_REPORT_FILES = (RETRAIN_REPORT, "retrain.md", "retrain_per_class.png")


def _keep_reports(bundle: Path, into: Path) -> None:
    """Copy a bundle's retrain reports (those it has) into ``into``; a copy that fails leaves the bundle as it was."""
    found = [bundle / name for name in _REPORT_FILES if (bundle / name).is_file()]
    if found:
        into.mkdir(parents=True, exist_ok=True)
        for path in found:
            shutil.copy2(path, into / path.name)


def prune(keep: int, root: Path | None = None) -> list[str]:
    """Delete all but the ``keep`` newest bundles; ``current``, ``previous`` and the newest fallback that verifies are
    always kept (so the server still has a model to fall back to when ``previous`` is damaged). A candidate the retrain
    gate rejected is no model to keep: it does not count among the ``keep`` newest, and goes (it had kept its place
    while working models were pruned).

    A rejected candidate's reports (``retrain.json``, ``retrain.md``, its picture) are moved to
    ``<root>/.rejected/<version>/`` first (``REJECTED_REPORTS``): the reasons stay for the operator (a trial found them
    gone with the candidate), the weights do not.

    Staging folders left by a killed save are removed once they are an hour old
    (a younger one may belong to a save still running).
    """
    root = root or get_settings().models_dir
    with models_lock(root, "prune"):
        protected = {current_version(root), previous_version(root), _first_sound(fallback_versions(root), root)}
        # a folder without readable metadata is left alone, as before (it may be someone's to look at)
        entries = sorted((e for e in list_versions(root) if "created" in e), key=lambda e: (e["created"], e["version"]), reverse=True)
        rejected = [e for e in entries if e.get("retrain_decision") == "rejected"]
        kept = [e for e in entries if e.get("retrain_decision") != "rejected"]
        removed = []
        for entry in kept[max(keep, 0):] + rejected:
            if entry["version"] not in protected:
                if entry.get("retrain_decision") == "rejected":
                    _keep_reports(root / entry["version"], root / REJECTED_REPORTS / entry["version"])
                shutil.rmtree(root / entry["version"], ignore_errors=True)
                removed.append(entry["version"])
        for staging in root.glob(".staging-*"):
            if time.time() - staging.stat().st_mtime > STALE_STAGING_SECONDS:
                shutil.rmtree(staging, ignore_errors=True)
    return removed
