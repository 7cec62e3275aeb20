"""The robot on the knowledge base's held-out customer questions (paraphrases the KB has
never seen), against plain knowledge search in the same process as the baseline.

    .venv/bin/python bench/robot_heldout.py

Each query is sent as the first message of a fresh conversation of a logged-in subscriber
(with a plan, usage and bills), through kefu.robot.service.send, on a migrated SQLite file
database with the shipped starter knowledge base published. It prints where the robot
routed the question (knowledge answer / unsure / a task over the customer's own data /
hand-over), how often a knowledge answer was the expected article, how often the expected
article was among the offered candidates when unsure, and the time per message. The
baseline is knowledge search alone: top-1 confident and correct.
"""

from __future__ import annotations

import json
import logging
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from importlib import resources

from kefu.core.db import make_engine, make_sessionmaker
from kefu.customers.models import Account, Bill, Product, Subscriber, Subscription, UsageMonth
from kefu.identity.roles import Principal, Role
from kefu.knowledge import evaluation, formats, search_service, transfer
from kefu.migrate import upgrade
from kefu.robot import service

logging.disable(logging.WARNING)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _cases() -> list[evaluation.Case]:
    raw = resources.files("kefu.knowledge").joinpath("data/heldout_queries.jsonl").read_text(encoding="utf-8")
    return evaluation.parse_cases(raw)[0]


def _subscriber(session) -> int:
    plan = Product(code="PLAN_59", name="天翼畅享59元套餐", kind="mobile_plan", monthly_fee_fen=5900, data_mb=30 * 1024,
                   voice_minutes=500, sms=100, bandwidth_mbps=0, active=True, description="")
    account = Account(account_no="A-BENCH", balance_fen=0, credit_limit_fen=0, points=0, created_at=NOW)
    session.add_all([plan, account])
    session.flush()
    sub = Subscriber(number="13800000001", name="王小明", id_number="440105198001011234", city="深圳", district="福田区",
                     segment="individual", vip_level=0, birth_year=1980, status="active", account_id=account.id,
                     churn_risk=0.0, joined_on=date(2020, 1, 1), created_at=NOW)
    session.add(sub)
    session.flush()
    session.add(Subscription(subscriber_id=sub.id, product_id=plan.id, start_date=date(2020, 1, 1), order_channel="hall",
                             ordered_by="self", charged_fee_fen=5900))
    for month in (9, 10, 11):
        session.add(UsageMonth(subscriber_id=sub.id, month=date(2026, month, 1), data_mb=20_000, voice_minutes=300, sms=5))
    session.add(Bill(account_id=account.id, subscriber_id=sub.id, month=date(2026, 10, 1), total_fen=5900,
                     status="paid", issued_at=NOW))
    session.flush()
    return sub.id


def main() -> None:
    folder = tempfile.mkdtemp(prefix="kefu-robot-bench-")
    engine = make_engine(f"sqlite:///{folder}/bench.db")
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    cases = _cases()
    with sessions() as session:
        raw = resources.files("kefu.knowledge").joinpath("data/articles.json").read_text(encoding="utf-8")
        transfer.import_articles(session, formats.parse(raw, "json"), actor="bench", now=NOW)
        subscriber_id = _subscriber(session)
        session.commit()
        by_question = {}
        for row in json.loads(raw):
            found = search_service.search(session, row["question"], audience="agent", now=NOW, limit=1, log=False)
            by_question[row["question"]] = found.hits[0].article_id if found.hits else None
        expected = [by_question.get(c.expected) or (int(c.expected) if c.expected.isdigit() else None) for c in cases]

        base_ok = 0
        for case, want in zip(cases, expected, strict=True):
            found = search_service.search(session, case.query, audience="public", now=NOW, limit=1, log=False)
            base_ok += bool(found.confident and found.hits and found.hits[0].article_id == want)

        who = Principal(kind="subscriber", name="bench", roles=frozenset({Role.SUBSCRIBER}), subscriber_id=subscriber_id)
        kinds: Counter[str] = Counter()
        answered_ok = offered_ok = 0
        times = []
        for case, want in zip(cases, expected, strict=True):
            conversation, _ = service.start(session, channel="app", by=who, now=NOW)
            started = time.perf_counter()
            reply = service.send(session, conversation, case.query, now=NOW)
            times.append((time.perf_counter() - started) * 1000)
            kinds[reply.type if reply.intent in ("faq", "other_number", "handover") else f"task:{reply.intent}"] += 1
            answered_ok += reply.type == "answer" and reply.article_id == want
            if reply.type == "unsure":
                titles = {q for q, i in by_question.items() if i == want}
                offered_ok += bool(titles & set(reply.candidates))
        session.rollback()
    n = len(cases)
    print(f"held-out queries: {n}")
    for kind, count in kinds.most_common():
        print(f"  {kind:<20} {count:4d}  {count / n:6.1%}")
    print(f"robot knowledge answer, expected article: {answered_ok / n:.1%}")
    print(f"robot unsure, expected article among candidates: {offered_ok / n:.1%}")
    print(f"baseline (knowledge search alone, confident top-1 correct): {base_ok / n:.1%}")
    print(f"ratio robot/baseline (correct KB answers): {answered_ok / max(base_ok, 1):.2f}")
    print(f"time per message: median {statistics.median(times):.1f} ms, "
          f"p95 {sorted(times)[int(0.95 * (n - 1))]:.1f} ms")


if __name__ == "__main__":
    main()
