"""Opening a ticket: validation against the taxonomy and the customer record, the
ticket number, first-contact ownership, idempotent retries, and repeat complaints."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kefu.core.clock import local
from kefu.core.events import record
from kefu.customers import service as customers
from kefu.identity.roles import Principal
from kefu.tickets import changes, lifecycle, repository, taxonomy
from kefu.tickets.errors import IdempotencyKeyReused, MissingField, RequestInProgress, UnknownCode
from kefu.tickets.events import TicketEscalated, TicketOpened
from kefu.tickets.models import IdempotencyKey, Ticket, TicketLink
from kefu.tickets.schemas import TicketCreate

DEFAULT_REPEAT_WINDOW_DAYS = 30
# Types that are about a problem the customer has; a consultation is not a repeat complaint.
REPEATABLE_TYPES = {"complaint", "fault", "external"}


def check_code(field: str, value: str | None, allowed: dict[str, object]) -> None:
    if value is not None and value not in allowed:
        raise UnknownCode(field, value, list(allowed))


def validate(data: TicketCreate) -> None:
    """Every code is in the taxonomy; complaints carry a category; external tickets say where from."""
    check_code("type", data.type, taxonomy.TYPES)
    check_code("channel", data.channel, taxonomy.CHANNELS)
    check_code("category", data.category, taxonomy.CATEGORIES)
    check_code("root_cause", data.root_cause, taxonomy.ROOT_CAUSES)
    check_code("department", data.department, taxonomy.DEPARTMENTS)
    if data.type in ("complaint", "fault") and data.category is None:
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
    return f"TS{day}{repository.next_sequence(session, day):06d}"


def _initial_priority(data: TicketCreate, segment: str) -> str:
    if data.priority is not None:
        return data.priority
    if data.type == "external" or segment in ("vip", "government_enterprise"):
        return "high"
    if data.emotion == "angry" and data.emotion_intensity >= 4:
        return "high"
    return "normal"


def open_ticket(
    session: Session,
    data: TicketCreate,
    *,
    by: Principal,
    now: datetime,
    idempotency_key: str | None = None,
    repeat_window_days: int = DEFAULT_REPEAT_WINDOW_DAYS,
    detect_repeat: bool = True,
) -> tuple[Ticket, bool]:
    """Opens a ticket; returns it and whether it was created now (False: a retried key).

    The staff user opening it owns it (first-contact ownership); a subscriber's own
    complaint gets its owner when a staff member first accepts it. Records TicketOpened,
    and for a repeat complaint links, flags, raises priority and escalates.
    """
    validate(data)
    if idempotency_key is not None:
        existing = _replayed(session, by.actor, idempotency_key, request_hash(data))
        if existing is not None:
            return existing, False
    subscriber = customers.get_subscriber(session, data.subscriber_id)
    department = data.department or (taxonomy.default_department(data.category) if data.category else None)
    characteristics = dict(data.characteristics)
    if data.type == "external":
        characteristics.setdefault("source", data.channel)
    ticket = Ticket(
        number=_number(session, now),
        type=data.type,
        subscriber_id=subscriber.id,
        channel=data.channel,
        core_demand=data.core_demand.strip(),
        description=data.description,
        emotion=data.emotion,
        emotion_intensity=data.emotion_intensity,
        category=data.category,
        root_cause=data.root_cause,
        department=department,
        priority=_initial_priority(data, subscriber.segment),
        status=lifecycle.Status.INTAKE.value,
        owner_id=by.user_id if by.kind == "staff" else None,
        characteristics=characteristics,
        classification_source=data.classification_source,
        classification_model=data.classification_model,
        created_by=by.actor,
        updated_by=by.actor,
        created_at=now,
        updated_at=now,
    )
    repository.add(session, ticket)
    session.flush()
    if idempotency_key is not None:
        _remember(session, by.actor, idempotency_key, request_hash(data), ticket.id, now)
    changes.log(
        session, ticket, kind="opened", by=by.actor, now=now, visibility="customer", to_status=ticket.status,
        channel=ticket.channel, priority=ticket.priority,
    )
    record(
        session,
        TicketOpened(
            ticket_id=ticket.id, ticket_type=ticket.type, channel=ticket.channel, priority=ticket.priority,
            segment=subscriber.segment, category=ticket.category, at=now,
        ),
        now=now,
    )
    if detect_repeat and ticket.type in REPEATABLE_TYPES and ticket.category is not None:
        _mark_repeat(session, ticket, by=by.actor, now=now, window=timedelta(days=repeat_window_days))
    changes.flush(session)
    return ticket, True


def _replayed(session: Session, actor: str, key: str, digest: str) -> Ticket | None:
    row = repository.idempotency_key(session, actor, key)
    if row is None:
        return None
    if row.request_hash != digest:
        raise IdempotencyKeyReused(key)
    return changes.load(session, row.ticket_id)


def _remember(session: Session, actor: str, key: str, digest: str, ticket_id: int, now: datetime) -> None:
    """Stores the key. A concurrent twin that stored it first makes this flush fail (on
    PostgreSQL after waiting for the twin's commit); raising aborts this transaction,
    ticket and all, and the client's retry takes the replay path."""
    repository.add(
        session, IdempotencyKey(actor=actor, key=key, request_hash=digest, ticket_id=ticket_id, created_at=now)
    )
    try:
        session.flush()
    except IntegrityError:
        raise RequestInProgress(key) from None


def _mark_repeat(session: Session, ticket: Ticket, *, by: str, now: datetime, window: timedelta) -> None:
    """Same subscriber, same category, within the window or still open: a repeat complaint."""
    earlier = repository.earlier_same_problem(
        session,
        subscriber_id=ticket.subscriber_id,
        category=ticket.category or "",
        since=now - window,
        open_statuses=[s.value for s in lifecycle.OPEN_STATUSES],
        exclude_id=ticket.id,
    )
    earlier = [t for t in earlier if t.type in REPEATABLE_TYPES and t.status not in ("cancelled", "rejected")]
    if not earlier:
        return
    previous = earlier[0]
    repository.add(
        session,
        TicketLink(from_ticket_id=ticket.id, to_ticket_id=previous.id, kind="repeat_of", created_by=by, created_at=now),
    )
    ticket.is_repeat = True
    ticket.priority = lifecycle.raised_priority(ticket.priority)
    reason = f"重复投诉：{window.days} 天内同类问题已有工单 {previous.number}"
    changes.log(
        session, ticket, kind="repeat_detected", by=by, now=now, reason=reason,
        repeat_of=previous.id, repeat_of_number=previous.number, earlier_count=len(earlier),
    )
    ticket.escalation_level = max(ticket.escalation_level, 1)
    ticket.priority = lifecycle.priority_for_level(ticket.priority, ticket.escalation_level)
    changes.log(session, ticket, kind="escalated", by=by, now=now, reason=reason, level=ticket.escalation_level)
    record(session, TicketEscalated(ticket_id=ticket.id, level=ticket.escalation_level, reason=reason, at=now), now=now)
