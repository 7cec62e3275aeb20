"""Model files: versions, the active pointer, the cached packaged default."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kefu.nlp import model, store, training
from kefu.nlp.errors import ModelNotFound


def test_a_trained_version_is_saved_activated_and_loaded(tmp_path):
    now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    result = training.train_version(tmp_path, now=now, extra=[{"text": "PON口红灯", "category": "broadband"}])
    assert result.version.startswith("v20261120020000-")
    assert store.active_version(tmp_path) == result.version
    assert store.current_model(tmp_path).version == result.version
    listed = store.versions(tmp_path)
    assert listed[0]["version"] == result.version and listed[0]["n_extra"] == 1
    assert 0 < result.report.macro_f1 <= 1


def test_activating_an_unknown_version_is_refused(tmp_path):
    with pytest.raises(ModelNotFound):
        store.set_active(tmp_path, "v-missing")


def test_without_an_active_version_the_packaged_default_is_used(tmp_path):
    assert store.current_model(tmp_path).version == f"default-{model.packaged_fingerprint()}"
    assert store.current_model(None).version.startswith("default-")


def test_a_corrupt_cached_default_is_retrained(tmp_path, monkeypatch):
    monkeypatch.setenv("KEFU_NLP_CACHE", str(tmp_path))
    version = f"default-{model.packaged_fingerprint()}"
    (tmp_path / version).mkdir()
    (tmp_path / version / "model.pkl").write_bytes(b"not a pickle")
    assert store.default_model().version == version
    assert store.load(tmp_path, version).version == version
