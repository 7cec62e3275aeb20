"""Ticket tables. `subscriber_id` and user ids are plain integers: tickets reference
customers and identity without foreign keys so modules stay independent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kefu.core.db import Base


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # TS + yyyymmdd + 6-digit daily sequence
    type: Mapped[str] = mapped_column(String(20))
    subscriber_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(10))
    core_demand: Mapped[str] = mapped_column(String(400))
    description: Mapped[str] = mapped_column(Text, default="")
    emotion: Mapped[str] = mapped_column(String(10), default="calm")
    emotion_intensity: Mapped[int] = mapped_column(default=0)  # 0 … 5
    category: Mapped[str | None] = mapped_column(String(30))
    root_cause: Mapped[str | None] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(30))
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(20), default="intake")
    # First-contact ownership: the staff user who took it first; never changes afterwards.
    owner_id: Mapped[int | None] = mapped_column(Integer)
    coordinator_id: Mapped[int | None] = mapped_column(Integer)
    characteristics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_repeat: Mapped[bool] = mapped_column(default=False)
    escalation_level: Mapped[int] = mapped_column(default=0)
    reopen_count: Mapped[int] = mapped_column(default=0)
    waiting_reason: Mapped[str | None] = mapped_column(String(200))
    waiting_since: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(String(400))
    # agent (set or corrected by staff) | auto (the intake classifier) | manual | rules | model (sent by a client)
    classification_source: Mapped[str | None] = mapped_column(String(20))
    classification_model: Mapped[str | None] = mapped_column(String(60))
    # What the intake classifier said (kefu.tickets.classification): urgency, its confidence,
    # and the rest (hint, evidence, keywords, suggestions, the machine's own category) as JSON.
    urgency: Mapped[str | None] = mapped_column(String(10))
    classification_confidence: Mapped[float | None]
    classification: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The subscriber's district at intake: "similar open complaints in 南山区 this week".
    district: Mapped[str | None] = mapped_column(String(30))
    created_by: Mapped[str] = mapped_column(String(100))
    updated_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    first_feedback_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    # List pages filter on one or more of these and sort newest first; each index ends
    # with created_at so the sort walks the index and LIMIT stops early.
    __table_args__ = (
        Index("ix_tickets_created", "created_at", "id"),
        Index("ix_tickets_status_created", "status", "created_at"),
        Index("ix_tickets_category_created", "category", "created_at"),
        Index("ix_tickets_department_created", "department", "created_at"),
        # A department's worklist by status, optionally one category: paged in index order and
        # counted from the index alone (without the category, the first; with it, the second).
        Index("ix_tickets_status_department_created", "status", "department", "created_at"),
        Index("ix_tickets_status_department_category_created", "status", "department", "category", "created_at"),
        Index("ix_tickets_subscriber_created", "subscriber_id", "created_at"),
        # An owner's worklist is "my open tickets".
        Index("ix_tickets_owner_status_created", "owner_id", "status", "created_at"),
        Index("ix_tickets_type_created", "type", "created_at"),
        Index("ix_tickets_category_district_created", "category", "district", "created_at"),
    )


class TicketEvent(Base):
    """Append-only history: every change, note, attachment and message. Never updated."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    # internal: staff only; customer: the subscriber sees it too.
    visibility: Mapped[str] = mapped_column(String(10), default="internal")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_ticket_events_ticket", "ticket_id", "id"),)


class TicketTask(Base):
    """Work dispatched to a department (possibly another city's, for cross-region tickets)."""

    __tablename__ = "ticket_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    department: Mapped[str] = mapped_column(String(30))
    city: Mapped[str | None] = mapped_column(String(40))
    assignee_id: Mapped[int | None] = mapped_column(Integer)
    instructions: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | accepted | done | cancelled
    result: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_ticket_tasks_department", "department", "city", "status"),)


class TicketFinding(Base):
    """One investigation finding on a track, with its evidence."""

    __tablename__ = "ticket_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    track: Mapped[str] = mapped_column(String(20))  # service_compliance | technical
    summary: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")
    attachment_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_tasks.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class Remedy(Base):
    """Compensation or optimisation offered to the customer; applied only after consent."""

    __tablename__ = "ticket_remedies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    remedy_class: Mapped[str] = mapped_column(String(15))  # compensation | optimisation
    description: Mapped[str] = mapped_column(String(400), default="")
    amount_fen: Mapped[int] = mapped_column(default=0)
    data_mb: Mapped[int] = mapped_column(default=0)
    # How the amount was computed (bill months, lines, multiplier) or the target product.
    basis: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    consent: Mapped[str] = mapped_column(String(10), default="proposed")  # proposed | agreed | declined
    consent_by: Mapped[str | None] = mapped_column(String(100))
    consent_at: Mapped[datetime | None]
    consent_note: Mapped[str | None] = mapped_column(String(400))
    applied_at: Mapped[datetime | None]
    applied_by: Mapped[str | None] = mapped_column(String(100))
    applied_reference: Mapped[str | None] = mapped_column(String(60))
    proposed_by: Mapped[str] = mapped_column(String(100))
    proposed_at: Mapped[datetime]


class TicketLink(Base):
    __tablename__ = "ticket_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # from_ticket <kind> to_ticket: "B repeat_of A", "B merged_into A", "B split_from A".
    from_ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    to_ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(15))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("from_ticket_id", "to_ticket_id", "kind"),)


class Problem(Base):
    """A problem record (蓝军): many tickets, one root cause, tracked to rectification."""

    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    root_cause: Mapped[str] = mapped_column(Text)
    root_cause_class: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(30))
    service_provider_code: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | rectifying | rectified
    owner_id: Mapped[int | None] = mapped_column(Integer)
    rectification: Mapped[str | None] = mapped_column(Text)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    rectified_at: Mapped[datetime | None]

    tickets: Mapped[list[ProblemTicket]] = relationship(lazy="raise", order_by="ProblemTicket.id")


class ProblemTicket(Base):
    __tablename__ = "problem_tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    linked_by: Mapped[str] = mapped_column(String(100))
    linked_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("problem_id", "ticket_id"),)


class Attachment(Base):
    """A file on a ticket, stored in the database so it commits or vanishes with the change."""

    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    visibility: Mapped[str] = mapped_column(String(10), default="internal")
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime]


class IdempotencyKey(Base):
    """A create request's key: a retry with the same body returns the same ticket."""

    __tablename__ = "ticket_idempotency_keys"

    actor: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class TicketCounter(Base):
    """The daily sequence behind ticket numbers (TS20261122000123)."""

    __tablename__ = "ticket_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
