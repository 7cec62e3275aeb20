"""Opening a ticket: validation against the taxonomy and the customer record, the
ticket number, first-contact ownership, idempotent retries, and repeat complaints."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, inspect
from sqlalchemy.orm import Session

from kefu.core.clock import local
from kefu.core.events import Event, record_all
from kefu.customers import service as customers
from kefu.identity.roles import Principal
from kefu.tickets import changes, classification, intake_repository, lifecycle, repeats, taxonomy
from kefu.tickets.classification import IntakeNlp
from kefu.tickets.dispatch import dispatch
from kefu.tickets.errors import IdempotencyKeyReused, MissingField, RequestInProgress, UnknownCode
from kefu.tickets.events import TicketEscalated, TicketOpened
from kefu.tickets.models import Ticket
from kefu.tickets.schemas import TicketCreate

DEFAULT_REPEAT_WINDOW_DAYS = 30


def check_code(field: str, value: str | None, allowed: dict[str, object]) -> None:
    if value is not None and value not in allowed:
        raise UnknownCode(field, value, list(allowed))


def validate(data: TicketCreate, *, category_required: bool = True) -> None:
    """Every code is in the taxonomy; complaints carry a category (unless the intake
    classifier will give them one); external tickets say where from."""
    check_code("type", data.type, taxonomy.TYPES)
    check_code("channel", data.channel, taxonomy.CHANNELS)
    check_code("category", data.category, taxonomy.CATEGORIES)
    check_code("root_cause", data.root_cause, taxonomy.ROOT_CAUSES)
    check_code("department", data.department, taxonomy.DEPARTMENTS)
    if category_required and data.type in ("complaint", "fault") and data.category is None:
        raise MissingField("category", "投诉和故障工单必须选择类别", "A complaint or fault ticket needs a category")
    if data.type == "external":
        source = data.characteristics.get("source") or (data.channel if data.channel in ("12315", "miit") else None)
        if source not in taxonomy.EXTERNAL_SOURCES:
            raise MissingField(
                "source",
                "外部申诉工单须注明来源：12315 或 miit（工信部）",
                "An external ticket needs characteristics.source: 12315 or miit",
            )


def request_hash(data: TicketCreate) -> str:
    return hashlib.sha256(json.dumps(data.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def _number(session: Session, now: datetime) -> str:
    day = local(now).strftime("%Y%m%d")
    return f"TS{day}{intake_repository.next_sequence(session, day):06d}"


def _initial_priority(data: TicketCreate, segment: str) -> str:
    if data.priority is not None:
        return data.priority
    return classification.opening_priority(data.type, segment, data.emotion, data.emotion_intensity)


@dataclass(frozen=True)
class Prepared:
    """A ticket decided before anything is written: checked against the taxonomy, its
    customer read, its text classified. `prepare` needs only a reading session, so on
    SQLite the single writer's lock is held for `store`'s inserts alone, not for the
    classifier."""

    ticket: Ticket | None  # not yet in a session; no number yet (the day's counter is a write)
    digest: str
    segment: str
    text: str
    applied: classification.Applied | None
    replay_of: int | None = None  # the ticket a retried Idempotency-Key made: nothing to write


def _replay(digest: str, ticket_id: int) -> Prepared:
    return Prepared(None, digest, "", "", None, replay_of=ticket_id)


def prepare(
    session: Session, data: TicketCreate, *, by: Principal, now: datetime, idempotency_key: str | None = None,
    nlp: IntakeNlp | None = None,
) -> Prepared:
    """Validates and classifies a new ticket; reads only. SubscriberNotFound, UnknownCode or
    MissingField when the request cannot become a ticket; IdempotencyKeyReused for a key
    already used with another body. A retry of a stored request is recognised here, before
    the classifier, and `store` then writes nothing."""
    validate(data, category_required=nlp is None)
    digest = request_hash(data) if idempotency_key is not None else ""
    if idempotency_key is not None:
        stored = _replayed(session, by.actor, idempotency_key, digest)
        if stored is not None:
            return _replay(digest, stored)
    who: classification.Customer | None = None
    if nlp is not None:
        who = classification.customer(session, data.subscriber_id, now=now)
        subscriber_id, segment, district = who.id, who.segment, who.district
    else:
        subscriber = customers.intake_profile(session, data.subscriber_id)
        subscriber_id, segment, district = subscriber.id, subscriber.segment, subscriber.district
    department = data.department or (taxonomy.default_department(data.category) if data.category else None)
    characteristics = dict(data.characteristics)
    if data.type == "external":
        characteristics.setdefault("source", data.channel)
    ticket = Ticket(
        type=data.type,
        subscriber_id=subscriber_id,
        channel=data.channel,
        core_demand=data.core_demand.strip(),
        description=data.description,
        emotion=data.emotion,
        emotion_intensity=data.emotion_intensity,
        category=data.category,
        root_cause=data.root_cause,
        department=department,
        priority=_initial_priority(data, segment),
        status=lifecycle.Status.INTAKE.value,
        owner_id=by.user_id if by.kind == "staff" else None,
        characteristics=characteristics,
        classification_source=data.classification_source,
        classification_model=data.classification_model,
        created_by=by.actor,
        updated_by=by.actor,
        district=district,
        created_at=now,
        updated_at=now,
    )
    applied = None
    text = classification.ticket_text(ticket.core_demand, ticket.description)
    if nlp is not None:
        applied = classification.apply(
            ticket, classification.classify(text, who, nlp), agent_category=data.category is not None,
            agent_emotion="emotion" in data.model_fields_set or "emotion_intensity" in data.model_fields_set,
            agent_priority=data.priority is not None, nlp=nlp,
        )
        if data.classification_source is not None and data.category is not None:
            ticket.classification_source = data.classification_source
    return Prepared(ticket, digest, segment, text, applied)


@dataclass(frozen=True)
class Opened:
    """What `store` did. For a ticket created now and not changed since (no automatic
    dispatch), `row`, `events` and `links` are what was inserted, so the answer to the
    create can be built without reading the ticket back."""

    ticket_id: int
    created: bool
    row: Row[Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)


def store(
    session: Session,
    prepared: Prepared,
    *,
    by: Principal,
    now: datetime,
    idempotency_key: str | None = None,
    repeat_window_days: int = DEFAULT_REPEAT_WINDOW_DAYS,
    detect_repeat: bool = True,
    nlp: IntakeNlp | None = None,
) -> Opened:
    """Writes a prepared ticket: its number, the row, the idempotency key, the first
    history entries, the outbox events and, for a repeat complaint, the link — each table
    in one statement, without the ORM's unit of work (this runs on every create, under
    SQLite's write lock). A retried key writes nothing and answers with its ticket; a
    concurrent twin of a request being stored (its retry sent before the answer came) is
    RequestInProgress, a 409 to retry, when its key is stored (_remember)."""
    if prepared.replay_of is not None:
        return Opened(prepared.replay_of, created=False)
    ticket, applied = prepared.ticket, prepared.applied
    assert ticket is not None
    opened_priority = ticket.priority
    entries = [changes.entry(0, kind="opened", by=by.actor, now=now, visibility="customer", to_status=ticket.status,
                             channel=ticket.channel, priority=ticket.priority)]
    if applied is not None:
        entries += classification.applied_entries(ticket, 0, applied, by=by.actor, now=now)
    repeat = None
    if detect_repeat and ticket.type in repeats.REPEATABLE_TYPES and (ticket.category is not None or nlp is not None):
        repeat = repeats.find(session, ticket, now=now, window=timedelta(days=repeat_window_days),
                             text=prepared.text if nlp is not None else None,
                             similarity=nlp.repeat_similarity if nlp is not None else 1.0)
    if repeat is not None:
        entries += repeats.escalate(ticket, repeat, by=by.actor, now=now)
    ticket.number = _number(session, now)
    row = intake_repository.insert_ticket(session, _columns(ticket))
    if idempotency_key is not None:
        _remember(session, by.actor, idempotency_key, prepared.digest, row.id, now)
    for entry in entries:
        entry["ticket_id"] = row.id
    for entry, event_id in zip(entries, intake_repository.insert_events(session, entries), strict=True):
        entry["id"] = event_id
    links = []
    if repeat is not None:
        link = {"from_ticket_id": row.id, "to_ticket_id": repeat.previous_id, "kind": "repeat_of",
                "created_by": by.actor, "created_at": now}
        links.append({**link, "id": intake_repository.insert_link(session, link)})
    outbox: list[Event] = [TicketOpened(
        ticket_id=row.id, ticket_type=ticket.type, channel=ticket.channel, priority=opened_priority,
        segment=prepared.segment, category=ticket.category, at=now,
    )]
    if repeat is not None:
        outbox.append(TicketEscalated(ticket_id=row.id, level=row.escalation_level, reason=repeat.reason, at=now))
    record_all(session, outbox, now=now)
    if applied is not None and applied.auto_dispatch and ticket.department is not None:
        confidence = applied.result.confidence
        dispatch(session, row.id, department=ticket.department, by=by, now=now, automatic=True,
                 instructions=f"自动派单：智能分类为{taxonomy.CATEGORIES[ticket.category or 'other'][0]}，"
                              f"置信度 {confidence:.2f}（模型 {applied.result.model_version}）。如有误请改分类。")
        changes.flush(session)
        return Opened(row.id, created=True)
    return Opened(row.id, created=True, row=row, events=entries, links=links)


def _columns(ticket: Ticket) -> dict[str, Any]:
    """The values set on a prepared ticket, as its row (columns left out take their defaults)."""
    values = {key: value for key, value in inspect(ticket).dict.items() if key in _TICKET_COLUMNS}
    values["version"] = 1
    return values


_TICKET_COLUMNS = frozenset(column.key for column in Ticket.__table__.columns) - {"id"}


def open_ticket(
    session: Session,
    data: TicketCreate,
    *,
    by: Principal,
    now: datetime,
    idempotency_key: str | None = None,
    repeat_window_days: int = DEFAULT_REPEAT_WINDOW_DAYS,
    detect_repeat: bool = True,
    nlp: IntakeNlp | None = None,
) -> tuple[Ticket, bool]:
    """Opens a ticket (prepare, then store, in one session); returns it and whether it was
    created now (False: a retried key).

    The staff user opening it owns it (first-contact ownership); a subscriber's own
    complaint gets its owner when a staff member first accepts it. Records TicketOpened,
    and for a repeat complaint links, flags, raises priority and escalates.

    With `nlp`, the text is classified (kefu.tickets.classification): category and
    department unless the caller set the category, emotion unless set, urgency raising the
    priority unless set, and above the threshold an automatic dispatch. A repeat is then
    also a recent ticket of the subscriber with similar text, whatever its category.
    """
    prepared = prepare(session, data, by=by, now=now, idempotency_key=idempotency_key, nlp=nlp)
    opened = store(session, prepared, by=by, now=now, idempotency_key=idempotency_key,
                   repeat_window_days=repeat_window_days, detect_repeat=detect_repeat, nlp=nlp)
    return changes.load(session, opened.ticket_id), opened.created


def _replayed(session: Session, actor: str, key: str, digest: str) -> int | None:
    """The ticket this key made, if it was used before (with this body; another body is
    IdempotencyKeyReused)."""
    row = intake_repository.idempotency_key(session, actor, key)
    if row is None:
        return None
    if row.request_hash != digest:
        raise IdempotencyKeyReused(key)
    return int(row.ticket_id)


def _remember(session: Session, actor: str, key: str, digest: str, ticket_id: int, now: datetime) -> None:
    """Stores the key. A concurrent twin that stored it first (on PostgreSQL, after waiting
    for the twin's commit) makes this raise, aborting this transaction, ticket and all;
    the client's retry takes the replay path."""
    stored = intake_repository.add_idempotency_key(
        session, actor=actor, key=key, request_hash=digest, ticket_id=ticket_id, created_at=now
    )
    if not stored:
        raise RequestInProgress(key)
