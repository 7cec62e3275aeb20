"""Training a new model version: the shipped examples plus any extra ones (agents'
corrections), saved under the instance's models folder and measured on the held-out
examples that training never sees. No database here; the CLI records the version."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kefu.nlp import model as modelmod
from kefu.nlp import store
from kefu.nlp.evaluation import Report, evaluate
from kefu.nlp.intake import Classifier
from kefu.nlp.taxonomy import CATEGORY_CODES


@dataclass(frozen=True)
class TrainResult:
    version: str
    folder: Path
    n_examples: int
    n_extra: int
    report: Report
    seconds: float
    trained: modelmod.TrainedModel


def version_id(examples: list[dict[str, Any]], now: datetime) -> str:
    """v<UTC timestamp>-<hash of the examples>: sortable and tied to what it learned."""
    digest = hashlib.sha1(
        "\n".join(json.dumps(e, ensure_ascii=False, sort_keys=True) for e in examples).encode("utf-8")
    ).hexdigest()[:8]
    return f"v{now.strftime('%Y%m%d%H%M%S')}-{digest}"


def heldout_report(classifier: Classifier) -> Report:
    rows = modelmod.packaged_examples("heldout.jsonl")
    results = classifier.classify_many([r["text"] for r in rows])
    return evaluate([r["category"] for r in rows], [r.category for r in results], labels=list(CATEGORY_CODES))


def train_version(
    root: Path,
    *,
    now: datetime,
    extra: list[dict[str, Any]] | None = None,
    activate: bool = True,
) -> TrainResult:
    """Trains on train.jsonl + `extra`, saves the version under `root`, optionally makes
    it the active one, and returns its held-out figures."""
    import time

    started = time.perf_counter()
    examples = modelmod.packaged_examples() + list(extra or [])
    version = version_id(examples, now)
    trained = modelmod.train(examples, version=version, now=now)
    seconds = time.perf_counter() - started
    report = heldout_report(Classifier(trained))
    folder = store.save(
        root,
        trained,
        meta={
            "source": "kefu nlp train",
            "n_extra": len(extra or []),
            "heldout_accuracy": report.accuracy,
            "heldout_macro_f1": report.macro_f1,
            "train_seconds": round(seconds, 2),
        },
    )
    if activate:
        store.set_active(root, version)
    return TrainResult(version, folder, len(examples), len(extra or []), report, seconds, trained)
