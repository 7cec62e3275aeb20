"""Quality figures for `kefu nlp eval`: accuracy, macro-F1, per-class precision /
recall / F1 and the confusion matrix (pure, no printing)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    n: int
    accuracy: float
    macro_f1: float
    per_class: tuple[ClassScore, ...]
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]  # rows: true label, columns: predicted

    def weak(self, below: float = 0.7) -> list[ClassScore]:
        return [c for c in self.per_class if c.support and c.f1 < below]


def evaluate(truth: list[str], predicted: list[str], *, labels: list[str] | None = None) -> Report:
    """Macro-F1 averages over the classes present in `truth` (a class nobody expected and
    nobody predicted would otherwise count as a free zero or one)."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predictions differ in length")
    order = list(labels) if labels else []
    for value in [*truth, *predicted]:
        if value not in order:
            order.append(value)
    pairs = Counter(zip(truth, predicted, strict=True))
    per_class = []
    for label in order:
        tp = pairs[(label, label)]
        predicted_n = sum(v for (_, p), v in pairs.items() if p == label)
        support = sum(v for (t, _), v in pairs.items() if t == label)
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class.append(ClassScore(label, round(precision, 4), round(recall, 4), round(f1, 4), support))
    present = [c for c in per_class if c.support]
    n = len(truth)
    accuracy = sum(pairs[(label, label)] for label in order) / n if n else 0.0
    macro = sum(c.f1 for c in present) / len(present) if present else 0.0
    confusion = tuple(tuple(pairs[(t, p)] for p in order) for t in order)
    return Report(n, round(accuracy, 4), round(macro, 4), tuple(per_class), tuple(order), confusion)
