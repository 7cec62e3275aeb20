"""Search evaluation: top-1 / top-5 accuracy and MRR of queries with a known right answer.

Each case is one JSON line {"query": …, "expected": …}; `expected` is an article id or its
standard question. Runs over what is published now, writes no search logs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from kefu.knowledge import search_service
from kefu.knowledge.schemas import MAX_QUERY_CHARS
from kefu.knowledge.text import question_key

DEPTH = 10  # MRR counts a right answer found within the first 10


@dataclass(frozen=True)
class Case:
    line: int
    query: str
    expected: str


@dataclass
class Summary:
    cases: int = 0
    top1: int = 0
    top5: int = 0
    reciprocal: float = 0.0
    misses: list[tuple[Case, int | None]] = field(default_factory=list)

    def add(self, case: Case, rank: int | None) -> None:
        self.cases += 1
        if rank == 1:
            self.top1 += 1
        if rank is not None and rank <= 5:
            self.top5 += 1
        if rank is not None:
            self.reciprocal += 1.0 / rank
        if rank != 1:
            self.misses.append((case, rank))

    def figures(self) -> dict[str, float]:
        n = self.cases or 1
        return {"top1": self.top1 / n, "top5": self.top5 / n, "mrr": self.reciprocal / n}


def parse_cases(text: str) -> tuple[list[Case], list[tuple[int, str]]]:
    """Good cases, and (line number, reason) for every line that is not one."""
    cases: list[Case] = []
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append((number, f"not JSON ({exc.msg})"))
            continue
        if not isinstance(item, dict):
            bad.append((number, "not a JSON object"))
            continue
        query, expected = item.get("query"), item.get("expected")
        if not isinstance(query, str) or not query.strip():
            bad.append((number, "missing or empty \"query\""))
        elif len(query) > MAX_QUERY_CHARS:
            bad.append((number, f"\"query\" longer than {MAX_QUERY_CHARS} characters"))
        elif not isinstance(expected, str | int) or isinstance(expected, bool) or not str(expected).strip():
            bad.append((number, "missing \"expected\" (an article id or standard question)"))
        else:
            cases.append(Case(number, query, str(expected).strip()))
    return cases, bad


class Evaluator:
    """Ranks cases against the current index, or the plain-BM25 baseline over the same articles."""

    def __init__(self, session: Session, *, now: datetime, baseline: bool = False, audience: str = "agent") -> None:
        self.now, self.audience, self.baseline = now, audience, baseline
        self.index = search_service.current_index(session)
        self.plain = search_service.plain_index(session) if baseline else None
        self.ids = {d.article_id for d in self.index.docs}
        self.by_question = {question_key(d.question): d.article_id for d in self.index.docs}

    def resolve(self, expected: str) -> int | None:
        if expected.isdigit() and int(expected) in self.ids:
            return int(expected)
        return self.by_question.get(question_key(expected))

    def rank(self, query: str, article_id: int) -> int | None:
        if self.plain is not None:
            hits = self.plain.search(query, limit=DEPTH)
        else:
            hits = self.index.search(query, audience=self.audience, now=self.now, limit=DEPTH)
        for position, hit in enumerate(hits, start=1):
            if hit.article_id == article_id:
                return position
        return None
