"""Reversing an automatic decision: the agent corrects a ticket's category, department or
root cause. The correction goes into history and into kefu.nlp's corrections (so the next
`kefu nlp train` learns from it); an automatically dispatched task that is now wrong is
cancelled and the ticket dispatched to the right department."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kefu.identity.roles import Principal
from kefu.nlp import service as nlp
from kefu.nlp.errors import BadTrainingData
from kefu.tickets import changes, classification, lifecycle, repository, taxonomy
from kefu.tickets.dispatch import AUTO_ACTOR, dispatch
from kefu.tickets.errors import UnknownCode
from kefu.tickets.models import Ticket


def reclassify(
    session: Session,
    ticket_id: int,
    *,
    category: str,
    by: Principal,
    now: datetime,
    department: str | None = None,
    root_cause: str | None = None,
    reason: str | None = None,
    redispatch: bool = True,
    version: int | None = None,
) -> Ticket:
    """Sets the category (and the department: given, else the category's default).

    An open task the classifier dispatched to another department is cancelled and, with
    `redispatch`, a new one goes to the right department. When the category differs from
    what the machine said, the correction is recorded for training (ref "ticket:<id>")."""
    taxonomy_check(category=category, department=department, root_cause=root_cause)
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    lifecycle.ensure_action(ticket.status, "reclassify")
    department = department or taxonomy.default_department(category)
    before = {"category": ticket.category, "department": ticket.department, "root_cause": ticket.root_cause,
              "source": ticket.classification_source}
    machine = ticket.classification or {}
    ticket.category = category
    ticket.department = department
    if root_cause is not None:
        ticket.root_cause = root_cause
    ticket.classification_source = "agent"
    undone = _cancel_wrong_auto_tasks(session, ticket, department=department, by=by, now=now)
    correction_id = None
    # What the agent corrects: the machine's category, else the one the ticket had.
    predicted = machine.get("category") or before["category"]
    if predicted != category or (root_cause and root_cause != machine.get("root_cause")):
        text = classification.ticket_text(ticket.core_demand, ticket.description)
        try:
            correction = nlp.record_correction(
                session, text, category=category, root_cause=root_cause, predicted_category=predicted,
                model_version=ticket.classification_model, ref=f"ticket:{ticket.id}", corrected_by=by.actor,
                now=now,
            )
            correction_id = correction.id
        except BadTrainingData:
            pass  # emoji-only or junk text teaches the model nothing; the ticket is still corrected
    changes.log(
        session, ticket, kind="reclassified", by=by.actor, now=now,
        reason=reason or f"人工改分类：{taxonomy.CATEGORIES[category][0]} → {taxonomy.DEPARTMENTS[department]}",
        automatic=False, category_from=before["category"], category_to=category,
        department_from=before["department"], department_to=department, root_cause_from=before["root_cause"],
        root_cause_to=ticket.root_cause, source_from=before["source"], machine_category=machine.get("category"),
        correction_id=correction_id, cancelled_task_ids=undone,
    )
    if (undone and redispatch and lifecycle.Status(ticket.status) in lifecycle.ACTIONS["dispatch"]
            and not _has_open_task(session, ticket, department)):
        dispatch(session, ticket.id, department=department, by=by, now=now,
                 instructions=reason or "改分类后重新派单（原自动派单已撤销）")
    changes.flush(session)
    return ticket


def taxonomy_check(*, category: str, department: str | None, root_cause: str | None) -> None:
    for field, value, allowed in (
        ("category", category, taxonomy.CATEGORIES),
        ("department", department, taxonomy.DEPARTMENTS),
        ("root_cause", root_cause, taxonomy.ROOT_CAUSES),
    ):
        if value is not None and value not in allowed:
            raise UnknownCode(field, value, list(allowed))


def _cancel_wrong_auto_tasks(
    session: Session, ticket: Ticket, *, department: str, by: Principal, now: datetime
) -> list[int]:
    """Cancels the classifier's open tasks to any other department; returns their ids."""
    cancelled = []
    for task in repository.open_tasks(session, ticket.id):
        if task.created_by == AUTO_ACTOR and task.department != department:
            task.status, task.result = "cancelled", "改分类后撤销的自动派单"
            changes.log(session, ticket, kind="task_cancelled", by=by.actor, now=now,
                        reason=f"撤销自动派单（{taxonomy.DEPARTMENTS[task.department]}）", task_id=task.id,
                        department=task.department, city=task.city, automatic_undone=True)
            cancelled.append(task.id)
    return cancelled


def _has_open_task(session: Session, ticket: Ticket, department: str) -> bool:
    return any(t.department == department for t in repository.open_tasks(session, ticket.id))
