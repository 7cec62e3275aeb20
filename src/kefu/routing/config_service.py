"""Routing configuration use cases: queues and versioned workflows (validated at save)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.core.errors import Conflict
from kefu.routing import chat_settings, engine_cache, repository
from kefu.routing.errors import UnknownQueue
from kefu.routing.models import RoutingQueue, RoutingWorkflow
from kefu.routing.settings import RoutingSettings, parse_settings
from kefu.routing.workflow import QueueSpec, Workflow, parse_workflow, queue_spec


class NoWorkflow(Conflict):
    default_code = "no_routing_workflow"

    def __init__(self) -> None:
        super().__init__("尚未配置路由流程，请班组长先保存一个流程", "No routing workflow yet; a supervisor must save one first")


def save_queue(
    session: Session, *, name: str, expression: str, now: datetime, strategy: str = "longest_idle",
    skill: str | None = None, group: str | None = None,
) -> RoutingQueue:
    """Creates or updates a queue. Unknown skills or groups are refused before anything is saved."""
    if group is not None:
        agents.get_group(session, group)
    queue_spec(name, expression, strategy=strategy, skill=skill, group=group, known_skills=agents.known_skills(session))
    row = repository.queue_by_name(session, name.strip())
    if row is None:
        row = RoutingQueue(name=name.strip(), expression=expression, created_at=now, updated_at=now)
        session.add(row)
    row.expression, row.strategy, row.skill, row.group_code, row.updated_at = expression, strategy, skill, group, now
    session.flush()
    return row


def list_queues(session: Session) -> list[RoutingQueue]:
    return repository.queues(session)


def get_queue(session: Session, name: str) -> RoutingQueue:
    row = repository.queue_by_name(session, name)
    if row is None:
        raise UnknownQueue(name)
    return row


# Compiled forms keyed by the stored content: a dispatch tick reads the rows (cheap) but
# compiles a queue or parses a workflow only once per content in the process.
_specs: dict[tuple[str, str, str, str | None, str | None], QueueSpec] = {}
_workflows: dict[tuple[int, str], tuple[Workflow, RoutingSettings]] = {}
_MEMO_LIMIT = 5_000


def _memo(table: dict[Any, Any], key: Any, make: Any) -> Any:
    if not engine_cache.is_enabled():  # the bench's baseline: parse on every call
        return make()
    found = table.get(key)
    if found is None:
        found = make()
        if len(table) >= _MEMO_LIMIT:
            table.clear()
        table[key] = found
    return found


def queue_specs(session: Session) -> list[QueueSpec]:
    return [
        _memo(_specs, (r.name, r.expression, r.strategy, r.skill, r.group_code),
              lambda r=r: queue_spec(r.name, r.expression, strategy=r.strategy, skill=r.skill, group=r.group_code))
        for r in repository.queues(session)
    ]


def _parsed(row: RoutingWorkflow) -> tuple[Workflow, RoutingSettings]:
    key = (row.version, json.dumps(row.definition, sort_keys=True, ensure_ascii=False))
    return _memo(_workflows, key, lambda: (parse_workflow(row.definition, version=row.version),
                                           parse_settings(row.definition)))


def save_workflow(session: Session, *, definition: dict[str, Any], by: str, now: datetime) -> RoutingWorkflow:
    """Saves a new version and makes it the active one; the old versions stay readable."""
    names = [q.name for q in repository.queues(session)]
    parse_workflow(definition, queues=names)
    parse_settings(definition, queues=names)
    chat_settings.parse(definition)  # the web chat timings travel in the same definition
    name = str(definition.get("name") or "default")
    row = RoutingWorkflow(name=name, version=repository.latest_version(session, name) + 1, definition=dict(definition),
                          active=True, created_by=by, created_at=now)
    repository.deactivate_workflows(session)
    session.add(row)
    session.flush()
    return row


def active_workflow(session: Session) -> tuple[RoutingWorkflow, Workflow]:
    row = repository.active_workflow(session)
    if row is None:
        raise NoWorkflow()
    return row, _parsed(row)[0]


def active_settings(session: Session) -> RoutingSettings:
    """Offer timeout and callback policy of the active workflow version (defaults without one)."""
    row = repository.active_workflow(session)
    return _parsed(row)[1] if row is not None else RoutingSettings()


def workflow_versions(session: Session, name: str) -> list[RoutingWorkflow]:
    return repository.workflow_versions(session, name)
