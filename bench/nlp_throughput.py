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
    t0, c0 = time.perf_counter(), time.process_time()
    textmod.segment("宽带")  # jieba-rs with the telecom dictionary, as classification uses it
    t1, c1 = time.perf_counter(), time.process_time()
    trained = store.default_model()
    classifier = Classifier(trained)
    t2, c2 = time.perf_counter(), time.process_time()
    print("load times: wall-clock (CPU)")
    print(f"segmenter (jieba-rs) + dict:     {t1 - t0:.2f} s ({c1 - c0:.2f} s)")
    print(f"model (unpickle + scorer):       {t2 - t1:.2f} s ({c2 - c1:.2f} s)   target < 2 s")
    print(f"total ready time:                {t2 - t0:.2f} s ({c2 - c0:.2f} s)")

    texts = _texts(1500)
    classifier.classify_many(texts[:50])  # warm caches (OpenCC, regexes)
    cut = textmod.tokenizer().cut  # the reference jieba (Python), built outside the load times

    def baseline(chunk: list[str]) -> None:
        for s in chunk:
            list(cut(s))

    def batched(chunk: list[str]) -> None:
        classifier.classify_many(chunk)

    def single(chunk: list[str]) -> None:
        for s in chunk:
            classifier.classify(s)

    # The machine may be shared: CPU time of this process (one thread) measures one core,
    # and interleaving the three in rounds exposes them to the same load; best round wins.
    best = {"baseline": 0.0, "batched": 0.0, "single": 0.0}
    wall = dict(best)
    for _ in range(3):
        for name, fn in (("baseline", baseline), ("batched", batched), ("single", single)):
            c0, w0 = time.process_time(), time.perf_counter()
            fn(texts[:500])
            cpu, elapsed = time.process_time() - c0, time.perf_counter() - w0
            best[name] = max(best[name], 500 / cpu)
            wall[name] = max(wall[name], 500 / elapsed)
        texts = texts[500:] + texts[:500]

    print("texts/s per CPU-second (one core); wall-clock texts/s in brackets")
    print(f"baseline, plain jieba cut (HMM on): {best['baseline']:7.0f}  ({wall['baseline']:.0f})")
    for name, label in (("batched", "classify_many (full pipeline)"), ("single", "classify, one call per text")):
        print(
            f"{label:35s} {best[name]:7.0f}  ({wall[name]:.0f})   "
            f"target >= 2000   ratio {best[name] / best['baseline']:.2f}x baseline"
        )


if __name__ == "__main__":
    main()
