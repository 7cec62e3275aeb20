"""Model files: each trained version in its own folder under a models directory, and a
pointer to the active one. The packaged default model is trained on first use and
cached, keyed by a fingerprint of the shipped examples.

Layout: <root>/<version>/model.pkl, <root>/<version>/meta.json, <root>/ACTIVE.
Model files are written by kefu itself; never load a pickle from elsewhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kefu.nlp import model as modelmod
from kefu.nlp.errors import ModelNotFound

_ACTIVE = "ACTIVE"
_lock = threading.Lock()
_loaded: dict[Path, modelmod.TrainedModel] = {}


def models_dir(instance_dir: str | Path) -> Path:
    """Where an instance keeps its trained intake models."""
    return Path(instance_dir) / "models" / "nlp"


def cache_dir() -> Path:
    """Where the packaged default model is cached (KEFU_NLP_CACHE, else the user cache)."""
    configured = os.environ.get("KEFU_NLP_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kefu" / "nlp"


def save(root: Path, trained: modelmod.TrainedModel, *, meta: dict[str, Any] | None = None) -> Path:
    """Writes a version atomically (temp file then rename) and returns its folder."""
    folder = root / trained.version
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(trained, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, folder / "model.pkl")
    info = {"version": trained.version, "trained_at": trained.trained_at, "n_examples": trained.n_examples}
    info.update(meta or {})
    (folder / "meta.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def set_active(root: Path, version: str) -> None:
    if not (root / version / "model.pkl").exists():
        raise ModelNotFound(version)
    tmp = root / f".{_ACTIVE}.tmp"
    tmp.write_text(version, encoding="utf-8")
    os.replace(tmp, root / _ACTIVE)


def active_version(root: Path) -> str | None:
    pointer = root / _ACTIVE
    if not pointer.exists():
        return None
    version = pointer.read_text(encoding="utf-8").strip()
    return version or None


def versions(root: Path) -> list[dict[str, Any]]:
    """Every saved version's metadata, newest first."""
    found = []
    if root.exists():
        for meta in root.glob("*/meta.json"):
            try:
                found.append(json.loads(meta.read_text(encoding="utf-8")))
            except (OSError, json.JSONDecodeError):
                continue
    return sorted(found, key=lambda m: m.get("trained_at", ""), reverse=True)


def load(root: Path, version: str) -> modelmod.TrainedModel:
    path = root / version / "model.pkl"
    with _lock:
        if path in _loaded:
            return _loaded[path]
        if not path.exists():
            raise ModelNotFound(version)
        with path.open("rb") as fh:
            trained = pickle.load(fh)  # our own file, see module docstring
        _loaded[path] = trained
        return trained


_default: dict[tuple[str | None, ...], modelmod.TrainedModel] = {}


def default_model() -> modelmod.TrainedModel:
    """The model trained on the packaged examples: from the cache, or trained now (seconds)."""
    # Every intake classifies: remember the answer per cache location (what cache_dir() reads).
    where = (os.environ.get("KEFU_NLP_CACHE"), os.environ.get("XDG_CACHE_HOME"), os.environ.get("HOME"))
    known = _default.get(where)
    if known is not None:
        return known
    trained = _default_model()
    _default[where] = trained
    return trained


def _default_model() -> modelmod.TrainedModel:
    version = f"default-{modelmod.packaged_fingerprint()}"
    root = cache_dir()
    try:
        return load(root, version)
    except ModelNotFound:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass  # a corrupt or foreign cache file: retrain over it
    trained = modelmod.train(modelmod.packaged_examples(), version=version, now=datetime.now(UTC))
    # A read-only home still classifies; it just retrains in the next process.
    with contextlib.suppress(OSError):
        save(root, trained, meta={"source": "packaged"})
    with _lock:
        _loaded[root / version / "model.pkl"] = trained
    return trained


def current_model(root: Path | None) -> modelmod.TrainedModel:
    """The active version under `root`, else the packaged default."""
    if root is not None:
        version = active_version(root)
        if version:
            return load(root, version)
    return default_model()
