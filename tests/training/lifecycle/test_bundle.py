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


def test_tampered_bundle_is_refused(fake_models_root, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(fake_models_root / bundles.current_version(fake_models_root), copy)
    with open(copy / bundles.PAYLOAD, "ab") as handle:
        handle.write(b"x")
    with pytest.raises(bundles.BundleError, match="hash does not match"):
        bundles.load_bundle(copy)


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
