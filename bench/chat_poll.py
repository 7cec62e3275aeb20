"""The cost of the web chat's delivery poll (kefu.web.chat_socket): every open socket runs
one read per POLL_SECONDS to pick up messages written by other server processes.

Builds a database with 5,000 chat contacts (1,000 live) and 200,000 messages, then times
the reads a socket makes — the customer's (their latest chat + messages after the cursor)
and the agent desk's new messages of its 5 chats, each with the typing markers of its chats (the desk also re-reads its chat list) —
beside a primary-key lookup of one contact as the floor, in the same process. Wall and
thread CPU time are both printed: the machine is shared, so wall is an upper bound.
The printed "sockets per core" is how many open sockets one core could poll each second.

    .venv/bin/python bench/chat_poll.py                 # SQLite in /tmp
    .venv/bin/python bench/chat_poll.py --url postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_chat
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from kefu.core.db import make_engine, make_sessionmaker
from kefu.migrate import upgrade
from kefu.routing import chat
from kefu.routing.chat_models import ChatMessage, ChatTyping
from kefu.routing.models import RoutingContact

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
CONTACTS, LIVE, MESSAGES = 5_000, 1_000, 200_000


def build(url: str) -> tuple:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    rng = random.Random(7)
    with sessions() as session:
        session.execute(insert(RoutingContact), [
            {"id": i, "kind": "live", "channel": "web", "state": "assigned" if i <= LIVE else "ended",
             "subscriber_id": i, "attrs": {}, "context": {}, "priority": 0, "step": 0, "queue_name": "front",
             "agent_id": None, "offer_seq": 1, "declined_by": [], "arrived_at": NOW - timedelta(minutes=i % 600),
             "attempts": 0}
            for i in range(1, CONTACTS + 1)
        ])
        session.execute(insert(ChatMessage), [
            {"contact_id": rng.randint(1, CONTACTS), "sender": rng.choice(("customer", "agent")), "author": "bench",
             "display_name": "bench", "text": "您好，我的宽带从昨晚开始上不了网" * 2, "origin": "chat",
             "created_at": NOW + timedelta(seconds=i)}
            for i in range(MESSAGES)
        ])
        # Typing markers: every live chat has had both sides type; a tenth of them right now.
        session.execute(insert(ChatTyping), [
            {"contact_id": i, "side": side, "until": NOW + timedelta(seconds=5 if i % 10 == 0 else -60)}
            for i in range(1, LIVE + 1) for side in ("customer", "agent")
        ])
        session.commit()
    return engine, sessions


def timed(fn, runs: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.thread_time()
        fn()
        cpus.append((time.thread_time() - c) * 1000)
        walls.append((time.perf_counter() - w) * 1000)
    return walls, cpus


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=None)
    parser.add_argument("--runs", type=int, default=2_000)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'chat-poll.db'}"
    _, sessions = build(url)
    rng = random.Random(11)
    cursor = MESSAGES - 50  # a socket that is nearly up to date, as they are between polls

    def customer_poll() -> None:
        with sessions() as session:
            row = chat.latest_chat(session, rng.randint(1, LIVE))
            chat.messages(session, row.id, after_id=cursor)
            chat.typing_in(session, [row.id], now=NOW)  # “对方正在输入…”

    def desk_poll() -> None:
        with sessions() as session:
            ids = [rng.randint(1, LIVE) for _ in range(5)]
            chat.messages_of(session, ids, after_id=cursor)
            chat.typing_in(session, ids, now=NOW)

    def floor() -> None:
        with sessions() as session:
            session.get(RoutingContact, rng.randint(1, CONTACTS))

    for name, fn in (("primary-key lookup (floor)", floor), ("customer socket poll", customer_poll),
                     ("desk poll: 5 chats' messages", desk_poll)):
        timed(fn, 100)  # warm up
        walls, cpus = timed(fn, args.runs)
        print(f"{name:28s} wall p50 {statistics.median(walls):.2f} ms p95 {pct(walls, .95):.2f} ms | "
              f"CPU p50 {statistics.median(cpus):.2f} ms p95 {pct(cpus, .95):.2f} ms | "
              f"sockets per core at 1 poll/s ≈ {int(1000 / statistics.mean(cpus))}")


if __name__ == "__main__":
    main()
