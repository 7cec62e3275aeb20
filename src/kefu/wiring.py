"""The composition root: who reacts to which event, and which jobs the worker runs.

This is the only place that says so; modules publish events and offer tasks without
knowing who listens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kefu.core.outbox_delivery import HandlerMap


@dataclass(frozen=True)
class PeriodicJob:
    """A job the worker runs every `every_seconds`, in its own unit of work.

    `run(session, now)` must be safe to run twice and from two workers at once.
    """

    name: str
    every_seconds: float
    run: Callable[[Session, datetime], object]


def event_handlers() -> HandlerMap:
    handlers: HandlerMap = {}
    _sla_handlers(handlers)
    _tmf_hub_handlers(handlers)
    _callback_sla_handlers(handlers)
    return handlers


def _callback_sla_handlers(handlers: HandlerMap) -> None:
    """Callback appointments are timed by SLA clocks; routing and sla sit side by side, so
    the composition root adapts one's events to the other's service (issue #7 part 5)."""
    from kefu.routing import events as r
    from kefu.routing import service as routing
    from kefu.sla import events as s
    from kefu.sla import service as sla

    def start_clock(session: Session, event: r.CallbackRegistered, now: datetime) -> None:
        sla.start_callback_clock(session, event.contact_id, within_seconds=event.within_seconds,
                                 department=event.group, segment=event.segment, at=event.at, now=now)

    def stop_clock(session: Session, event: r.CallbackFinished, now: datetime) -> None:
        sla.finish_callback_clock(session, event.contact_id, outcome=event.outcome, at=event.at, now=now)

    def raise_priority(session: Session, event: s.SlaClockStepped, now: datetime) -> None:
        if event.subject == "callback":
            routing.callback_sla_step(session, event.subject_id, stage=event.stage, now=now)

    for event, handler in (
        (r.CallbackRegistered, start_clock), (r.CallbackFinished, stop_clock), (s.SlaClockStepped, raise_priority),
    ):
        handlers.setdefault(event, []).append(handler)  # type: ignore[arg-type]


def _sla_handlers(handlers: HandlerMap) -> None:
    from kefu.sla import handlers as sla
    from kefu.tickets import events as t

    for event, handler in (
        (t.TicketOpened, sla.on_ticket_opened),
        (t.TicketResponded, sla.on_ticket_responded),
        (t.TicketFeedbackGiven, sla.on_ticket_feedback_given),
        (t.TicketWaitingOnCustomer, sla.on_ticket_waiting_on_customer),
        (t.TicketCustomerReplied, sla.on_ticket_customer_replied),
        (t.TicketResolved, sla.on_ticket_resolved),
        (t.TicketReturnVisited, sla.on_ticket_return_visited),
        (t.TicketReopened, sla.on_ticket_reopened),
        (t.TicketClosed, sla.on_ticket_closed),
        (t.TicketCancelled, sla.on_ticket_cancelled),
        (t.TicketDeleted, sla.on_ticket_deleted),
    ):
        handlers.setdefault(event, []).append(handler)  # type: ignore[arg-type]


def _tmf_hub_handlers(handlers: HandlerMap) -> None:
    from kefu.tickets import events as t
    from kefu.tickets import hub, hub_delivery

    for event, handler in (
        (t.TicketOpened, hub.on_ticket_opened),
        (t.TicketStatusChanged, hub.on_ticket_status_changed),
        (t.TicketWaitingOnCustomer, hub.on_ticket_waiting),
        (t.TicketCustomerReplied, hub.on_customer_replied),
        (t.TicketResolved, hub.on_ticket_resolved),
        (t.TicketUpdated, hub.on_ticket_updated),
        (t.TicketEscalated, hub.on_ticket_escalated),
        (t.TicketDeleted, hub.on_ticket_deleted),
        (t.HubNotificationQueued, hub_delivery.post_tmf_notification),
    ):
        handlers.setdefault(event, []).append(handler)  # type: ignore[arg-type]


def periodic_jobs(*, sender: object) -> list[PeriodicJob]:
    from kefu.core import outbound
    from kefu.knowledge import tasks as knowledge_tasks
    from kefu.robot import tasks as robot_tasks
    from kefu.routing import chat_upkeep
    from kefu.routing import service as routing
    from kefu.sla import tasks as sla_tasks

    def deliver_messages(session: Session, now: datetime) -> int:
        return outbound.deliver_queued(session, sender, now=lambda: now)  # type: ignore[arg-type]

    return [
        PeriodicJob("outbound_messages", 2.0, deliver_messages),
        PeriodicJob("kb_expiry_reminders", 3600.0, knowledge_tasks.remind_expiring),
        PeriodicJob("kb_feedback_refresh", 900.0, knowledge_tasks.refresh_feedback),
        # SLA warnings, breaches and escalations (every 2 s: a 15-minute target needs a fine grain).
        PeriodicJob("sla_scan", sla_tasks.SCAN_EVERY_SECONDS, sla_tasks.scan_due),
        # Offers that rang out, workflow steps that widened, callbacks whose time has come.
        PeriodicJob("routing_tick", 1.0, routing.routing_tick),
        # Web chats whose customer has gone: abandoned while waiting; prompted, then ended, in a chat.
        PeriodicJob("chat_upkeep", 15.0, chat_upkeep.scan),
        # Robot conversations idle for 30 minutes are abandoned (self-service figures).
        PeriodicJob("robot_abandon_idle", 300.0, robot_tasks.abandon_idle),
    ]
