"""Dispatch 派单 and investigation 调查: tasks to departments (another city's hall for a
cross-region ticket), their progress and results, and findings on two tracks —
service compliance and technical — with evidence. The owner stays the owner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kefu.core.errors import Conflict, InvalidInput
from kefu.identity.roles import Principal
from kefu.tickets import changes, lifecycle, repository, taxonomy
from kefu.tickets.errors import AttachmentNotFound, TaskNotFound, UnknownCode
from kefu.tickets.lifecycle import Status
from kefu.tickets.models import Ticket, TicketFinding, TicketTask

# Who automatic dispatches are written as (the intake classifier).
AUTO_ACTOR = "system:nlp"
TRACKS = {"service_compliance": "服务合规核查", "technical": "技术核查"}


def dispatch(
    session: Session,
    ticket_id: int,
    *,
    department: str,
    by: Principal,
    now: datetime,
    city: str | None = None,
    assignee_id: int | None = None,
    instructions: str = "",
    due_at: datetime | None = None,
    version: int | None = None,
    automatic: bool = False,
) -> TicketTask:
    """Sends a task to a department (in `city` for a cross-region hand-over). The first
    task moves an intake ticket to dispatched; later ones leave the status alone.

    `automatic`: the intake classifier decided it (kefu.tickets.classification); the task
    and its history are written as AUTO_ACTOR, marked automatic, and it does not count as
    the first response to the customer."""
    if department not in taxonomy.DEPARTMENTS:
        raise UnknownCode("department", department, list(taxonomy.DEPARTMENTS))
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    lifecycle.ensure_action(ticket.status, "dispatch")
    actor = AUTO_ACTOR if automatic else by.actor
    task = TicketTask(
        ticket_id=ticket.id,
        department=department,
        city=city.strip() if city else None,
        assignee_id=assignee_id,
        instructions=instructions,
        due_at=due_at,
        created_by=actor,
        created_at=now,
    )
    repository.add(session, task)
    session.flush()
    if ticket.status == Status.INTAKE.value:
        changes.move(session, ticket, Status.DISPATCHED, by=actor, now=now,
                     reason=("自动" if automatic else "") + f"派单至{taxonomy.DEPARTMENTS[department]}"
                     + (f"（{city}）" if city else ""), **({"automatic": True} if automatic else {}))
    extra = {"automatic": True, "triggered_by": by.actor} if automatic else {}
    changes.log(
        session, ticket, kind="task_dispatched", by=actor, now=now, reason=instructions or None,
        task_id=task.id, department=department, city=task.city, assignee_id=assignee_id,
        cross_region=task.city is not None, **extra,
    )
    if not automatic:
        changes.responded(session, ticket, now=now)
    changes.flush(session)
    return task


def _task(session: Session, ticket: Ticket, task_id: int) -> TicketTask:
    task = repository.task(session, ticket.id, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    return task


def _start_investigating(session: Session, ticket: Ticket, *, by: str, now: datetime, reason: str) -> None:
    if ticket.status in (Status.INTAKE.value, Status.DISPATCHED.value):
        changes.move(session, ticket, Status.INVESTIGATING, by=by, now=now, reason=reason)


def accept_task(session: Session, ticket_id: int, task_id: int, *, by: Principal, now: datetime) -> TicketTask:
    """The department (or the other city's hall) takes the task; the ticket is under investigation."""
    ticket = changes.load(session, ticket_id)
    lifecycle.ensure_action(ticket.status, "task_update")
    task = _task(session, ticket, task_id)
    if task.status != "open":
        raise Conflict(f"任务 {task_id} 当前为 {task.status}，不能再接单", f"Task {task_id} is {task.status}; it cannot be accepted")
    task.status, task.accepted_at = "accepted", now
    if task.assignee_id is None:
        task.assignee_id = by.user_id
    changes.log(session, ticket, kind="task_accepted", by=by.actor, now=now, task_id=task.id,
                department=task.department, city=task.city)
    _start_investigating(session, ticket, by=by.actor, now=now, reason=f"{taxonomy.DEPARTMENTS[task.department]}已接单")
    changes.flush(session)
    return task


def task_progress(
    session: Session, ticket_id: int, task_id: int, *, note: str, by: Principal, now: datetime,
    visibility: str = "internal",
) -> TicketTask:
    """Progress on a task, seen by the owner (and by the customer when marked so)."""
    ticket = changes.load(session, ticket_id)
    lifecycle.ensure_action(ticket.status, "task_update")
    task = _task(session, ticket, task_id)
    if task.status in ("done", "cancelled"):
        raise Conflict(f"任务 {task_id} 已结束", f"Task {task_id} has ended")
    changes.log(session, ticket, kind="task_progress", by=by.actor, now=now, visibility=visibility, text=note,
                task_id=task.id, department=task.department, city=task.city)
    if visibility == "customer":
        changes.feedback_given(session, ticket, now=now)
    changes.flush(session)
    return task


def complete_task(
    session: Session, ticket_id: int, task_id: int, *, result: str, by: Principal, now: datetime
) -> TicketTask:
    """The department's result; the owner decides what follows."""
    ticket = changes.load(session, ticket_id)
    lifecycle.ensure_action(ticket.status, "task_update")
    task = _task(session, ticket, task_id)
    if task.status in ("done", "cancelled"):
        raise Conflict(f"任务 {task_id} 已结束", f"Task {task_id} has ended")
    task.status, task.result, task.done_at = "done", result, now
    if task.accepted_at is None:
        task.accepted_at = now
    if task.assignee_id is None:
        task.assignee_id = by.user_id
    changes.log(session, ticket, kind="task_done", by=by.actor, now=now, reason=result, task_id=task.id,
                department=task.department, city=task.city)
    _start_investigating(session, ticket, by=by.actor, now=now, reason=f"{taxonomy.DEPARTMENTS[task.department]}已反馈结果")
    changes.flush(session)
    return task


def record_finding(
    session: Session,
    ticket_id: int,
    *,
    track: str,
    summary: str,
    by: Principal,
    now: datetime,
    evidence: str = "",
    attachment_ids: list[int] | None = None,
    task_id: int | None = None,
    version: int | None = None,
) -> TicketFinding:
    """One finding on the service-compliance or technical track, with its evidence
    (text such as bill lines or log excerpts, and attachments such as the signed form)."""
    if track not in TRACKS:
        raise InvalidInput(f"调查轨道须为：{'、'.join(TRACKS)}", f"track must be one of: {', '.join(TRACKS)}",
                           code="unknown_track")
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    lifecycle.ensure_action(ticket.status, "record_finding")
    attachment_ids = sorted(set(attachment_ids or []))
    known = repository.attachment_ids(session, ticket.id)
    for attachment_id in attachment_ids:
        if attachment_id not in known:
            raise AttachmentNotFound(attachment_id)
    if task_id is not None:
        _task(session, ticket, task_id)
    finding = TicketFinding(
        ticket_id=ticket.id, track=track, summary=summary, evidence=evidence, attachment_ids=attachment_ids,
        task_id=task_id, created_by=by.actor, created_at=now,
    )
    repository.add(session, finding)
    session.flush()
    _start_investigating(session, ticket, by=by.actor, now=now, reason=TRACKS[track])
    changes.log(session, ticket, kind="finding", by=by.actor, now=now, reason=summary, finding_id=finding.id,
                track=track, attachment_ids=attachment_ids)
    changes.flush(session)
    return finding
