"""Problem records (蓝军): many tickets that share one root cause, tracked open →
rectifying → rectified. A problem naming an SP flags that SP as mis-selling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kefu.core.errors import Conflict
from kefu.customers import service as customers
from kefu.identity.roles import Principal
from kefu.tickets import changes, repository, taxonomy
from kefu.tickets.errors import ProblemNotFound
from kefu.tickets.intake import check_code
from kefu.tickets.models import Problem, ProblemTicket
from kefu.tickets.schemas import ProblemView

PROBLEM_STEPS = {"open": {"rectifying", "rectified"}, "rectifying": {"rectified"}, "rectified": set()}
STATUS_ZH = {"open": "待整改", "rectifying": "整改中", "rectified": "已整改"}


def view(problem: Problem) -> ProblemView:
    out = ProblemView.model_validate(problem)
    out.ticket_ids = [link.ticket_id for link in problem.tickets]
    return out


def _load(session: Session, problem_id: int) -> Problem:
    problem = repository.problem(session, problem_id)
    if problem is None:
        raise ProblemNotFound(problem_id)
    return problem


def _link(session: Session, problem: Problem, ticket_ids: list[int], *, by: str, now: datetime) -> None:
    for ticket_id in dict.fromkeys(ticket_ids):
        ticket = changes.load(session, ticket_id)
        if repository.problem_has_ticket(session, problem.id, ticket.id):
            continue
        repository.add(session, ProblemTicket(problem_id=problem.id, ticket_id=ticket.id, linked_by=by, linked_at=now))
        changes.log(session, ticket, kind="problem_linked", by=by, now=now, reason=problem.title,
                    problem_id=problem.id)


def open_problem(
    session: Session,
    *,
    title: str,
    root_cause: str,
    by: Principal,
    now: datetime,
    root_cause_class: str | None = None,
    category: str | None = None,
    service_provider_code: str | None = None,
    owner_id: int | None = None,
    ticket_ids: list[int] | None = None,
) -> ProblemView:
    check_code("root_cause", root_cause_class, taxonomy.ROOT_CAUSES)
    check_code("category", category, taxonomy.CATEGORIES)
    if service_provider_code:
        customers.flag_service_provider(session, service_provider_code, reason=f"问题单：{title}；{root_cause}"[:400])
    problem = Problem(
        title=title, root_cause=root_cause, root_cause_class=root_cause_class, category=category,
        service_provider_code=service_provider_code or None, status="open", owner_id=owner_id or by.user_id,
        history=[{"at": now.isoformat(), "by": by.actor, "status": "open", "note": root_cause}],
        created_by=by.actor, created_at=now, updated_at=now,
    )
    repository.add(session, problem)
    session.flush()
    _link(session, problem, ticket_ids or [], by=by.actor, now=now)
    changes.flush(session)
    return get_problem(session, problem.id)


def link_problem_tickets(
    session: Session, problem_id: int, *, ticket_ids: list[int], by: Principal, now: datetime
) -> ProblemView:
    problem = _load(session, problem_id)
    _link(session, problem, ticket_ids, by=by.actor, now=now)
    problem.updated_at = now
    changes.flush(session)
    return get_problem(session, problem.id)


def progress_problem(
    session: Session, problem_id: int, *, status: str, note: str, by: Principal, now: datetime
) -> ProblemView:
    problem = _load(session, problem_id)
    if status not in PROBLEM_STEPS[problem.status]:
        allowed = sorted(PROBLEM_STEPS[problem.status])
        raise Conflict(
            f"问题单当前为「{STATUS_ZH[problem.status]}」，不能改为 {status}；可选：{'、'.join(allowed) or '无'}",
            f"The problem is {problem.status}; cannot go to {status}. Allowed: {', '.join(allowed) or 'none'}",
            code="invalid_problem_transition",
            allowed_next=allowed,
        )
    problem.status = status
    problem.history = [*problem.history, {"at": now.isoformat(), "by": by.actor, "status": status, "note": note}]
    problem.updated_at = now
    if status == "rectified":
        problem.rectified_at, problem.rectification = now, note
    session.flush()
    return get_problem(session, problem.id)


def get_problem(session: Session, problem_id: int) -> ProblemView:
    session.flush()
    return view(_load(session, problem_id))


def list_problems(session: Session, *, status: str | None = None, offset: int = 0, limit: int = 50) -> list[ProblemView]:
    return [view(p) for p in repository.problems(session, status=status, offset=offset, limit=limit)]
