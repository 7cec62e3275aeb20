"""`generate`: the whole demo operator, written chunk by chunk, one transaction per chunk."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from kefu.core.db import unit_of_work
from kefu.demo import writer
from kefu.demo.build import COLUMNS, TABLE_ORDER, Build, Ids, months_before, sqlite_timestamp
from kefu.demo.catalogue import Catalogue
from kefu.demo.centre import create_centre
from kefu.demo.characters import CHARACTERS, Character, character_group
from kefu.demo.errors import NotEmpty
from kefu.demo.people import FastRandom
from kefu.demo.staff import Login, create_staff, manager_placeholders, resolve_managers
from kefu.demo.subscribers import draw_group
from kefu.demo.ticket_load import TicketResult
from kefu.demo.ticket_load import load as load_tickets
from kefu.demo.usage_billing import settle_group

DEFAULT_SUBSCRIBERS = 20_000
DEFAULT_SEED = 2026
DEFAULT_MONTHS = 6
CHUNK_SIZE = 5_000


@dataclass
class DemoResult:
    subscribers: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)
    characters: tuple[Character, ...] = CHARACTERS
    tickets: TicketResult | None = None


def new_build(*, seed: int, months: int, now: datetime, first_ids: dict[str, int] | None = None,
              managers: dict[str, list[int]] | None = None,
              ts: Callable[[datetime], str] = sqlite_timestamp) -> Build:
    if months < 1:
        raise ValueError("months must be at least 1")
    ids = dict.fromkeys(("service_providers", "products", *TABLE_ORDER), 1)
    ids.update(first_ids or {})
    return Build(
        seed=seed, rng=FastRandom(seed),
        catalogue=Catalogue(sp_first_id=ids["service_providers"], product_first_id=ids["products"]),
        months=months_before(now, months), now=now.astimezone(UTC), ids=Ids(ids), ts=ts,
        managers=managers or {},
    )


def iter_chunks(b: Build, subscribers: int, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[int, dict]]:
    """Yields (lines in the chunk, rows by table). The same seed gives the same rows whatever
    the chunk size: accounts are drawn in one sequence and never split across chunks."""
    index = 0
    while index < subscribers:
        start, target = index, min(subscribers, index + chunk_size)
        while index < target:
            if index < len(CHARACTERS):
                group = character_group(b, index)
            else:
                group = draw_group(b, index, subscribers - index)
            settle_group(b, group)
            index += len(group.members)
        yield index - start, b.take_rows()


def _produce(queue: Any, b: Build, subscribers: int, chunk_size: int) -> None:
    try:
        for item in iter_chunks(b, subscribers, chunk_size):
            queue.put(item)
        queue.put(None)
    except BaseException as exc:  # the parent re-raises it
        queue.put(exc)


class _Producer:
    """iter_chunks in a child process, started at once, so drawing overlaps the staff
    creation and the writing of earlier chunks."""

    def __init__(self, b: Build, subscribers: int, chunk_size: int) -> None:
        methods = multiprocessing.get_all_start_methods()
        mp = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.queue = mp.Queue(maxsize=6)  # bounds memory: a pickled chunk is about 6 MB
        self.process = mp.Process(target=_produce, args=(self.queue, b, subscribers, chunk_size), daemon=True)
        self.process.start()

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        while (item := self.queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
        self.process.join()

    def close(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


_MANAGER = COLUMNS["subscribers"].index("account_manager_id")


def _resolve_managers(rows: list[tuple[object, ...]], resolve: dict[int, int | None]) -> None:
    for i, row in enumerate(rows):
        if row[_MANAGER] is not None:
            rows[i] = (*row[:_MANAGER], resolve.get(row[_MANAGER]), *row[_MANAGER + 1:])


def is_empty(factory: sessionmaker[Session]) -> bool:
    with factory() as session:
        return not writer.has_operator_data(session.connection())


def generate(
    factory: sessionmaker[Session],
    *,
    subscribers: int = DEFAULT_SUBSCRIBERS,
    seed: int = DEFAULT_SEED,
    months: int = DEFAULT_MONTHS,
    now: datetime,
    chunk_size: int = CHUNK_SIZE,
    with_staff: bool = True,
    with_tickets: bool = True,
    parallel: bool | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> DemoResult:
    """Writes the operator into an empty database; raises NotEmpty otherwise.

    Staff and catalogue commit first, then each chunk of subscribers in its own transaction
    (an interrupted run leaves whole accounts; start again on a fresh database). With
    `parallel` (default: more than two chunks) a child process draws the chunks while this
    one hashes the staff passwords and writes. Then (`with_tickets`) six months of tickets
    and the starter knowledge base (kefu.demo.ticket_load)."""
    started = time.perf_counter()
    counts = dict.fromkeys(("users", "service_providers", "products", *TABLE_ORDER), 0)
    with factory() as session:
        conn = session.connection()
        if writer.has_operator_data(conn):
            raise NotEmpty()
        first_ids, ts = writer.first_free_ids(conn), writer.timestamp_format(conn)
    # Account managers are drawn as placeholders and resolved to user ids when written, so
    # drawing need not wait for the staff (password hashing is slow on purpose).
    b = new_build(seed=seed, months=months, now=now, first_ids=first_ids, managers=manager_placeholders(), ts=ts)
    parallel = subscribers > 2 * chunk_size if parallel is None else parallel
    producer = _Producer(b, subscribers, chunk_size) if parallel else None
    try:
        with unit_of_work(factory) as session:
            logins, user_ids = create_staff(session, now=now) if with_staff else ([], {})
            names = {login.username: login.display_name for login in logins}
            agent_profiles = create_centre(session, user_ids=user_ids, names=names, now=now) if with_staff else 0
            sps, products = b.catalogue.sp_rows(), b.catalogue.product_rows()
            writer.write_catalogue(session.connection(), sps, products)
        counts.update(users=len(user_ids), agent_profiles=agent_profiles, service_providers=len(sps),
                      products=len(products))
        resolve = resolve_managers(user_ids)
        for done, rows in producer if producer is not None else iter_chunks(b, subscribers, chunk_size):
            _resolve_managers(rows["subscribers"], resolve)
            with unit_of_work(factory) as session:
                writer.write_rows(session.connection(), rows)
            for name, table_rows in rows.items():
                counts[name] += len(table_rows)
            if on_progress is not None:
                on_progress(done)
    finally:
        if producer is not None:
            producer.close()
    with unit_of_work(factory) as session:
        writer.after_explicit_ids(session.connection())
    tickets = None
    if with_tickets:
        # The first generated month, midnight in Shanghai (UTC+8), as naive UTC.
        start = datetime.combine(b.window_start, datetime.min.time()) - timedelta(hours=8)
        tickets = load_tickets(factory, seed=seed, now=now, start=start, user_ids=user_ids, ts=ts)
        counts.update({name: n for name, n in tickets.rows.items() if name != "ticket_counters"})
        counts["kb_articles"] = tickets.articles
    return DemoResult(subscribers=subscribers, seconds=time.perf_counter() - started, rows=counts, logins=logins,
                      tickets=tickets)
