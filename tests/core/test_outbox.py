"""Events go to the outbox with the transaction and reach each handler once, even on retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kefu.core.events import Event, OutboxEntry, record
from kefu.core.outbox_delivery import deliver_pending


@dataclass(frozen=True)
class SomethingHappened(Event):
    thing_id: int
    at: datetime


def test_event_is_delivered_to_every_handler_and_a_failing_one_is_retried(session_factory, clock):
    seen: list[tuple[str, int]] = []
    fail_once = {"left": 1}

    def good(session, event, now):
        seen.append(("good", event.thing_id))

    def flaky(session, event, now):
        if fail_once["left"]:
            fail_once["left"] -= 1
            raise RuntimeError("downstream unavailable")
        seen.append(("flaky", event.thing_id))

    with session_factory() as session:
        record(session, SomethingHappened(thing_id=7, at=clock.now()), now=clock.now())
        session.commit()

    handlers = {SomethingHappened: [good, flaky]}
    deliver_pending(session_factory, handlers, worker_id="w1", now=clock.now)
    assert seen == [("good", 7)]
    with session_factory() as session:
        entry = session.query(OutboxEntry).one()
        assert entry.delivered_at is None and "downstream unavailable" in entry.last_error

    from datetime import timedelta

    clock.advance(timedelta(minutes=1))
    deliver_pending(session_factory, handlers, worker_id="w2", now=clock.now)
    assert seen == [("good", 7), ("flaky", 7)], "the good handler must not run twice"
    with session_factory() as session:
        assert session.query(OutboxEntry).one().delivered_at is not None


def test_payload_round_trips_with_aware_datetimes(now):
    event = SomethingHappened(thing_id=1, at=now)
    assert Event.from_payload("SomethingHappened", event.to_payload()) == event
