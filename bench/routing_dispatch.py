"""A dispatch tick on the durable queue: 2,000 signed-in agents, 50 skills, 500 queued.

Builds (once per run, through the services) a centre with 99 queues over 50 skills, 2,000
signed-in agents — all on a call but 20, who are ready with skills no waiting caller
needs — 500 callers queued and a history of 200,000 handled contacts, then times
`routing.service.routing_tick` (expire offers, end wrap-ups, claim the queue, build the
engine, decide, write back) in a transaction rolled back after each tick, so every tick
sees the same backlog. Reported with the dispatcher's engine cache
(kefu.routing.engine_cache) and with it switched off (the engine rebuilt from the tables
on every tick), and with the agents' last end and contacts handled read the old way (a
scan of every handled contact, for every agent) against the way the dispatcher reads them
now (an index probe per agent it may offer to), all in the same process; the two lookups
are also timed alone, for the 20 ready agents and for all 2,000 (everybody idle).
Both wall-clock and process CPU time are printed: the machine is shared.

    .venv/bin/python bench/routing_dispatch.py
    .venv/bin/python bench/routing_dispatch.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.core.db import make_engine, make_sessionmaker
from kefu.migrate import upgrade
from kefu.routing import config_service, engine_cache, repository, service
from kefu.routing.models import RoutingContact

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
SKILLS = [f"s{i}" for i in range(49)] + ["english"]
AGENTS, READY, QUEUED, HANDLED = 2000, 20, 500, 200_000


def old_last_ended(session: Session, agent_ids: object = None) -> dict[int, datetime]:
    """The lookup as it was: the latest end of every agent, over every handled contact."""
    rows = session.execute(
        select(RoutingContact.agent_id, func.max(RoutingContact.ended_at))
        .where(RoutingContact.agent_id.is_not(None), RoutingContact.ended_at.is_not(None))
        .group_by(RoutingContact.agent_id)
    )
    return {agent_id: at for agent_id, at in rows if at is not None}


def old_handled_since(session: Session, since: datetime, agent_ids: object = None) -> dict[int, int]:
    rows = session.execute(
        select(RoutingContact.agent_id, func.count())
        .where(RoutingContact.answered_at >= since, RoutingContact.agent_id.is_not(None))
        .group_by(RoutingContact.agent_id)
    )
    return {agent_id: count for agent_id, count in rows}


NEW_LOOKUPS = (repository.last_ended, repository.handled_since)
OLD_LOOKUPS = (old_last_ended, old_handled_since)


def use_lookups(lookups: tuple[object, object]) -> None:
    repository.last_ended, repository.handled_since = lookups  # type: ignore[assignment]


def build(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    rng = random.Random(7)
    with make_sessionmaker(engine)() as session:
        for name in SKILLS:
            agents.ensure_skill(session, name)
        config_service.save_queue(session, name="en", expression='skills.english >= 4 and language == "en"',
                                  strategy="fewest_contacts", now=NOW)
        for s in SKILLS[:-1]:
            config_service.save_queue(session, name=f"{s}_l3", expression=f"skills.{s} >= 3", strategy="highest_skill",
                                      now=NOW)
            config_service.save_queue(session, name=f"{s}_any", expression=f"skills.{s} >= 1", now=NOW)
        config_service.save_workflow(session, by="bench", now=NOW, definition={
            "name": "hotline",
            "filters": [{"name": "english", "match": "language == 'en'", "steps": [{"queue": "en"}]}]
            + [{"name": s, "match": f"category == '{s}'",
                "steps": [{"queue": f"{s}_l3", "timeout": 30}, {"queue": f"{s}_any"}]} for s in SKILLS[:-1]],
            "default": {"queue": "s0_any"},
        })
        busy_skills, idle_skills = SKILLS[:40], SKILLS[40:49]
        for i in range(AGENTS):
            pool = idle_skills if i < READY else busy_skills
            agent = agents.create_agent(session, user_id=10_000 + i, employee_no=f"B{i:05d}", display_name=f"坐席{i}",
                                        skills={s: rng.randint(1, 5) for s in rng.sample(pool, 4)}, now=NOW)
            agents.change_presence(session, agent, to="signed_in", now=NOW)
            agents.change_presence(session, agent, to="ready", now=NOW)
        session.commit()
        # Every agent but the READY ones is on a call; 500 callers wait for the busy skills.
        # Rows are written directly (as receive_contact + accept would leave them) so the
        # set-up does not route 2,000 calls one by one.
        profiles = agents.list_agents(session)
        for agent in profiles[READY:]:
            session.add(RoutingContact(kind="live", channel="voice", state="assigned", attrs={"channel": "voice"},
                                       context={}, priority=0, step=0, step_started_at=NOW, queue_name="s0_any",
                                       agent_id=agent.id, declined_by=[], arrived_at=NOW, answered_at=NOW,
                                       offer_seq=1, offered_at=NOW))
            agents.change_presence(session, agent, to="talking", now=NOW, by_routing=True)
        _, workflow = config_service.active_workflow(session)
        for i in range(QUEUED):
            attrs = {"category": busy_skills[i % 40], "channel": "voice"}
            at = NOW + timedelta(seconds=5, milliseconds=i)
            session.add(RoutingContact(kind="live", channel="voice", state="queued", attrs=attrs, context={},
                                       priority=0, step=0, step_started_at=at,
                                       queue_name=workflow.filter_for(attrs).steps[0].queue, declined_by=[],
                                       arrived_at=at))
        session.commit()
        # The history: contacts handled over the last 100 days, a quarter of them in the
        # last 12 hours ("fewest contacts" counts those), spread over every agent.
        ids = [a.id for a in profiles]
        for start in range(0, HANDLED, 20_000):
            rows = []
            for i in range(start, min(start + 20_000, HANDLED)):
                ago = timedelta(hours=rng.uniform(0.2, 12)) if i % 4 == 0 else timedelta(days=rng.uniform(0.5, 100))
                at = NOW - ago
                rows.append({"kind": "live", "channel": "voice", "state": "ended", "attrs": {}, "context": {},
                             "priority": 0, "step": 0, "queue_name": "s0_any", "agent_id": ids[i % AGENTS],
                             "declined_by": [], "offer_seq": 1, "outcome": "handled", "arrived_at": at,
                             "answered_at": at, "ended_at": at + timedelta(minutes=4)})
            session.execute(insert(RoutingContact), rows)
        session.commit()
        if engine.dialect.name == "postgresql":  # as autovacuum would after so many inserts
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE routing_contacts"))
        waiting = [r for r in service.waiting(session) if r.state == "queued"]
        print(f"  {AGENTS} agents ({READY} ready, the rest talking), {len(SKILLS)} skills, "
              f"{len(config_service.list_queues(session))} queues, {len(waiting)} queued, {HANDLED} handled")
    engine.dispose()


def time_ticks(url: str, *, repeat: int, cached: bool) -> tuple[list[float], list[float]]:
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    engine_cache.enabled(cached)
    walls, cpus = [], []
    at = NOW + timedelta(seconds=40)
    for i in range(repeat + 2):
        with factory() as session:
            w0, c0 = time.perf_counter(), time.process_time()
            service.routing_tick(session, at)
            w1, c1 = time.perf_counter(), time.process_time()
            session.rollback()
        if i >= 2:  # the first ticks fill the caches
            walls.append((w1 - w0) * 1000)
            cpus.append((c1 - c0) * 1000)
    engine.dispose()
    engine_cache.enabled(True)
    return walls, cpus


def time_lookups(url: str, *, repeat: int) -> None:
    """The two per-agent lookups alone, old against new, for the ready agents and for all."""
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        profiles = agents.list_agents(session)
        since = NOW - timedelta(hours=12)
        for label, ids in ((f"{READY} ready agents", [a.id for a in profiles[:READY]]),
                           (f"all {AGENTS} agents", [a.id for a in profiles])):
            timings = {}
            for name, (ended, handled) in (("old", OLD_LOOKUPS), ("new", NEW_LOOKUPS)):
                walls = []
                for i in range(repeat + 1):
                    w0 = time.perf_counter()
                    ended(session, ids)
                    handled(session, since, ids)
                    if i:
                        walls.append((time.perf_counter() - w0) * 1000)
                timings[name] = statistics.median(walls)
            print(f"  last end + handled, {label:18} old {timings['old']:7.1f} ms  new {timings['new']:7.2f} ms  "
                  f"ratio {timings['old'] / timings['new']:6.1f}x")
    engine.dispose()


def report(url: str, repeat: int) -> None:
    build(url)
    medians = {}
    for cached, lookups, label in ((False, NEW_LOOKUPS, "rebuilt on every tick   "),
                                   (True, OLD_LOOKUPS, "cache, history scanned  "),
                                   (True, NEW_LOOKUPS, "cache, history indexed  ")):
        use_lookups(lookups)
        try:
            walls, cpus = time_ticks(url, repeat=repeat, cached=cached)
        finally:
            use_lookups(NEW_LOOKUPS)
        p95 = sorted(walls)[int(0.95 * (len(walls) - 1))]
        medians[label] = statistics.median(walls)
        print(f"  tick {label} wall median {statistics.median(walls):7.1f} ms p95 {p95:7.1f} ms | "
              f"cpu median {statistics.median(cpus):7.1f} ms")
    old, new = medians["cache, history scanned  "], medians["cache, history indexed  "]
    print(f"  tick: history scanned / indexed = {old / new:.1f}x")
    time_lookups(url, repeat=repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sqlite", default="/tmp/kefu-bench-dispatch.db")
    parser.add_argument("--pg", default="", help="a PostgreSQL server URL; a scratch database is created and dropped")
    args = parser.parse_args()
    Path(args.sqlite).unlink(missing_ok=True)
    print("sqlite:")
    report(f"sqlite:///{args.sqlite}", args.repeat)
    Path(args.sqlite).unlink(missing_ok=True)
    if args.pg:
        name = f"kefu_bench_dispatch_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            print("postgresql:")
            report(f"{args.pg.rpartition('/')[0]}/{name}", args.repeat)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
