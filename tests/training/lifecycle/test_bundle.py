"""Bundles: a fitted pipeline with its references, hash-checked, refused when old or made with another encoder."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.fakes import HashingEncoder
from training.lifecycle import bundle as bundles


def test_bundle_is_complete_and_current(fake_models_root):
    version = bundles.current_version(fake_models_root)
    metadata = bundles.verify_bundle(fake_models_root / version)
    assert metadata["format"] == bundles.FORMAT
    assert metadata["model"]["type"] == "sklearn.pipeline.Pipeline"
    assert metadata["training_data"]["library_rows"] > 100 and metadata["training_data"]["publishers"] > 40


def test_loaded_model_has_the_encoder_attached(fake_models_root, fake_encoder):
    loaded = bundles.load_model(models_root=fake_models_root, encoder=fake_encoder)
    assert loaded.model.get_params()["features__embedding__encoder"] is not None
    assert loaded.references.records and len(loaded.references) == len(loaded.references.records)


def test_loaded_from_its_runtime_form_it_has_the_encoder_attached(fake_models_root, fake_encoder):
    loaded = bundles.load_model(models_root=fake_models_root, encoder=fake_encoder, runtime=True)
    assert loaded.model is None and loaded.bundle == bundles.current_bundle(fake_models_root)
    held = [part.transformer.encoder for part in loaded.compiled.parts_ if hasattr(part.transformer, "encoder")]
    assert held and all(encoder is fake_encoder for encoder in held)


def test_tampered_bundle_is_refused(fake_models_root, fake_encoder, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(fake_models_root / bundles.current_version(fake_models_root), copy)
    with open(copy / bundles.PAYLOAD, "ab") as handle:
        handle.write(b"x")
    with pytest.raises(bundles.BundleError, match="hash does not match"):
        bundles.load_bundle(copy)
    with pytest.raises(bundles.BundleError, match="hash does not match"):
        bundles.load_model(copy, encoder=fake_encoder, runtime=True)


@pytest.mark.parametrize("damage", ["missing", "appended", "garbage with its hash", "a payload with its hash", "a folder in its place"])
def test_a_bad_runtime_form_falls_back_to_the_payload_with_a_warning(fake_models_root, fake_encoder, tmp_path, caplog, damage):
    from training.files import sha256_file

    copy = tmp_path / "copy"
    shutil.copytree(fake_models_root / bundles.current_version(fake_models_root), copy)
    runtime = copy / bundles.RUNTIME
    if damage == "missing":
        runtime.unlink()
    elif damage == "a folder in its place":
        runtime.unlink()
        runtime.mkdir()
    elif damage == "appended":
        with open(runtime, "ab") as handle:
            handle.write(b"x")
    else:
        runtime.write_bytes(b"\x80\x04not a pickle at all" if damage.startswith("garbage") else (copy / bundles.PAYLOAD).read_bytes())
        metadata = json.loads((copy / bundles.METADATA).read_text(encoding="utf-8"))
        metadata["runtime_sha256"] = sha256_file(runtime)
        (copy / bundles.METADATA).write_text(json.dumps(metadata), encoding="utf-8")
    with caplog.at_level("WARNING", logger="zhibiao.model"):
        loaded = bundles.load_model(copy, encoder=fake_encoder, runtime=True)
    assert loaded.model is not None and loaded.compiled is None  # served from the verified payload
    assert any("runtime.joblib" in r.getMessage() and "model.joblib instead" in r.getMessage() for r in caplog.records)
    assert bundles.verify_bundle(copy)["version"]  # promote, rollback and the retrain gate still accept the bundle


def test_a_payload_that_is_not_one_is_a_bundle_error(fake_encoder, tmp_path):
    from training.files import sha256_file

    bundles.save_bundle({"n": 1}, {"encoder": {"fingerprint": fake_encoder.identity["fingerprint"]}}, tmp_path, version="v1")
    with pytest.raises(bundles.BundleError, match="not a model payload"):
        bundles.load_model(tmp_path / "v1", encoder=fake_encoder)
    (tmp_path / "v1" / bundles.PAYLOAD).write_bytes(b"junk")
    metadata = json.loads((tmp_path / "v1" / bundles.METADATA).read_text(encoding="utf-8"))
    metadata["payload_sha256"] = sha256_file(tmp_path / "v1" / bundles.PAYLOAD)
    (tmp_path / "v1" / bundles.METADATA).write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(bundles.BundleError, match="cannot be read as a model payload"):
        bundles.load_model(tmp_path / "v1", encoder=fake_encoder)


def test_bundle_of_the_old_code_is_refused_with_a_clear_message(fake_models_root, tmp_path):
    copy = tmp_path / "old"
    shutil.copytree(fake_models_root / bundles.current_version(fake_models_root), copy)
    metadata = json.loads((copy / bundles.METADATA).read_text(encoding="utf-8"))
    metadata.pop("format")
    (copy / bundles.METADATA).write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(bundles.BundleError, match=r"older Zhibiao .*zhibiao train"):
        bundles.load_model(copy, encoder=HashingEncoder())


def test_bundle_for_another_encoder_is_refused(fake_models_root):
    with pytest.raises(bundles.BundleError, match="trained with encoder hashing-test"):
        bundles.load_model(models_root=fake_models_root, encoder=HashingEncoder(fingerprint="another"))


def test_signed_bundles_only_with_a_signing_key(tmp_path, monkeypatch):
    from training.settings import get_settings

    payload = {"model": "anything"}
    signed = bundles.save_bundle(payload, {"data_digest": "abc"}, tmp_path, version="signed", signing_key="k1")
    unsigned = bundles.save_bundle(payload, {"data_digest": "abc"}, tmp_path, version="unsigned", signing_key=None)
    assert bundles.verify_bundle(signed, signing_key="k1")["signature"]
    bundles.verify_bundle(unsigned, signing_key=None)  # no key configured: the hash check alone, as before
    with pytest.raises(bundles.BundleError, match="signature does not match"):
        bundles.verify_bundle(signed, signing_key="another key")
    with pytest.raises(bundles.BundleError, match=r"not signed.*zhibiao models sign unsigned"):
        bundles.verify_bundle(unsigned, signing_key="k1")

    # tampering: a payload and a hash rewritten together pass the hash check but not the signature
    import joblib

    from training.files import sha256_file

    joblib.dump({"model": "something else"}, signed / bundles.PAYLOAD)
    metadata = json.loads((signed / bundles.METADATA).read_text(encoding="utf-8"))
    metadata["payload_sha256"] = sha256_file(signed / bundles.PAYLOAD)
    (signed / bundles.METADATA).write_text(json.dumps(metadata), encoding="utf-8")
    bundles.verify_bundle(signed, signing_key=None)  # the hash alone is fooled
    with pytest.raises(bundles.BundleError, match="signature does not match"):
        bundles.verify_bundle(signed, signing_key="k1")

    monkeypatch.setenv("ZHIBIAO_BUNDLE_SIGNING_KEY", "k1")
    get_settings.cache_clear()
    try:
        with pytest.raises(bundles.BundleError, match="not signed"):
            bundles.promote("unsigned", tmp_path)
        bundles.sign_bundle("unsigned", tmp_path)  # an operator vouches for it
        bundles.promote("unsigned", tmp_path)
        assert bundles.current_version(tmp_path) == "unsigned"
    finally:
        monkeypatch.delenv("ZHIBIAO_BUNDLE_SIGNING_KEY")
        get_settings.cache_clear()


def test_promote_names_the_versions_that_exist(tmp_path):
    bundles.save_bundle({"n": 1}, {}, tmp_path, version="20260101-000000-aaaaaa")
    with pytest.raises(bundles.BundleError, match=r"no model version 'nosuch' .*versions: 20260101-000000-aaaaaa$"):
        bundles.promote("nosuch", tmp_path)
    with pytest.raises(bundles.BundleError, match=r"no model version '\.\./etc'"):
        bundles.promote("../etc", tmp_path)


def test_history_and_fallback_order(tmp_path):
    for version in ("v1", "v2", "v3", "candidate"):
        bundles.save_bundle({"n": version}, {}, tmp_path, version=version)
    for version in ("v1", "v2", "v3"):
        bundles.promote(version, tmp_path)
    assert bundles.served_versions(tmp_path) == ["v3", "v2", "v1"]
    assert bundles.fallback_versions(tmp_path) == ["v2", "v1"]  # previous first; the never-promoted candidate never
    lines = [json.loads(line) for line in (tmp_path / bundles.HISTORY).read_text(encoding="utf-8").splitlines()]
    assert [(line["version"], line["was"]) for line in lines] == [("v1", None), ("v2", "v1"), ("v3", "v2")]


def test_a_payload_is_read_back_whether_pickled_inside_joblib_or_written_by_joblib_itself(tmp_path):
    import joblib
    import numpy as np

    payload = {"model": {"weights": np.arange(5.0)}, "references": ["培训人数"] * 3}
    bundles.write_payload(payload, tmp_path / "new.joblib")
    assert set(joblib.load(tmp_path / "new.joblib")) == {bundles.PICKLED}  # one bytes object: joblib unpickles nothing else
    joblib.dump(payload, tmp_path / "old.joblib", compress=3)  # a bundle written before write_payload existed
    for name in ("new.joblib", "old.joblib"):
        read = bundles.read_payload(tmp_path / name)
        assert read["references"] == payload["references"] and np.array_equal(read["model"]["weights"], np.arange(5.0))


@pytest.mark.parametrize("damage", ["missing", "appended"])
def test_models_list_says_a_bundle_serves_from_its_payload(fake_models_root, tmp_path, damage, capsys):
    """A bundle whose runtime form is gone or changed still verifies and serves (slowly); `models list` had not said so."""
    from service.cli.lifecycle import list_models

    root = tmp_path / "models"
    version = bundles.current_version(fake_models_root)
    shutil.copytree(fake_models_root / version, root / version)
    runtime = root / version / bundles.RUNTIME
    if damage == "missing":
        runtime.unlink()
    else:
        with open(runtime, "ab") as handle:
            handle.write(b"x")
    (entry,) = bundles.list_versions(root, check=True)
    assert entry["damaged"] is None
    assert entry["runtime_problem"] == ("runtime.joblib missing" if damage == "missing" else "runtime.joblib does not match its hash")
    list_models([entry])
    assert "slow start (runtime.joblib" in capsys.readouterr().out
    shutil.rmtree(root / version)
    shutil.copytree(fake_models_root / version, root / version)
    assert bundles.list_versions(root, check=True)[0]["runtime_problem"] is None
