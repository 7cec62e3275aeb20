"""Intake classification throughput on one core, and model load time.

Prints texts/s for 100-character complaints through the full pipeline (normalise, mask,
segment, rules, model, emotion/urgency, keywords) in batches and one at a time, against
a baseline of plain jieba segmentation of the same texts in the same process.
Targets (issue #5): at least 2,000 texts/s, model load under 2 s.

    .venv/bin/python bench/nlp_throughput.py
"""

from __future__ import annotations

import json
import os
import random
import time
from importlib import resources

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _texts(n: int) -> list[str]:
    """100-character texts stitched from the shipped held-out examples."""
    raw = resources.files("kefu.nlp").joinpath("data", "heldout.jsonl").read_text(encoding="utf-8")
    pool = [json.loads(line)["text"] for line in raw.splitlines() if line.strip()]
    rnd = random.Random(7)
    out = []
    for _ in range(n):
        text = ""
        while len(text) < 100:
            text += rnd.choice(pool)
        out.append(text[:100])
    return out


def main() -> None:
    from kefu.nlp import store
    from kefu.nlp import text as textmod
    from kefu.nlp.intake import Classifier

    store.default_model()  # make sure the cached default exists (trains once if absent)
    store._loaded.clear()
    t0 = time.perf_counter()
    textmod.tokenizer()
    t1 = time.perf_counter()
    trained = store.default_model()
    classifier = Classifier(trained)
    t2 = time.perf_counter()
    print(f"jieba + telecom dictionary load: {t1 - t0:.2f} s")
    print(f"model load (unpickle):           {t2 - t1:.2f} s   target < 2 s")
    print(f"total ready time:                {t2 - t0:.2f} s")

    texts = _texts(4000)
    classifier.classify_many(texts[:50])  # warm caches (OpenCC, regexes)

    t = time.perf_counter()
    for s in texts:
        list(textmod.tokenizer().cut(s))
    baseline = len(texts) / (time.perf_counter() - t)

    t = time.perf_counter()
    for start in range(0, len(texts), 500):
        classifier.classify_many(texts[start : start + 500])
    batched = len(texts) / (time.perf_counter() - t)

    sample = texts[:1000]
    t = time.perf_counter()
    for s in sample:
        classifier.classify(s)
    single = len(sample) / (time.perf_counter() - t)

    print(f"baseline, plain jieba cut (HMM on):  {baseline:8.0f} texts/s")
    print(f"classify_many, batches of 500:       {batched:8.0f} texts/s   target >= 2000   ratio {batched / baseline:.2f}x baseline")
    print(f"classify, one text at a time:        {single:8.0f} texts/s   ratio {single / baseline:.2f}x baseline")


if __name__ == "__main__":
    main()
