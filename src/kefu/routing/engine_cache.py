"""What the dispatcher keeps between ticks, so a tick does not rebuild the engine's
static parts from the tables (issue #7: 2,000 agents, 500 queued).

- the parsed workflow, its settings and the compiled queue expressions, keyed by their
  stored content (a saved version or an edited queue is a new key);
- per agent, its expression attributes (skills, language, groups) and the queues it
  belongs to, keyed by the agent's `attrs_stamp` (a fresh token on every change of
  skills, language or groups) and the queues' content.

Everything that changes from call to call — presence, who is locked by another
dispatcher, loads, offers, the queue itself — is still read in the tick's own
transaction, so the cache cannot make two processes disagree: at worst it is a miss.
Process-wide and thread-safe (the worker thread and web requests dispatch alike).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.routing.workflow import QueueSpec

_lock = threading.Lock()
_enabled = True
MAX_AGENTS = 50_000
MAX_QUEUE_SETS = 8


@dataclass(frozen=True)
class AgentProfileView:
    attrs: dict[str, Any]
    queues: tuple[str, ...]


# queues key -> agent id -> (attrs_stamp, view)
_profiles: dict[tuple[Any, ...], dict[int, tuple[str, AgentProfileView]]] = {}


def enabled(on: bool) -> None:
    """Switches the cache off (the bench's baseline) or on; off also empties it."""
    global _enabled
    with _lock:
        _enabled = on
        _profiles.clear()


def is_enabled() -> bool:
    return _enabled


def queues_key(specs: Iterable[QueueSpec]) -> tuple[Any, ...]:
    return tuple((s.name, s.expression.text, s.strategy.value, s.skill, s.group) for s in specs)


def agent_profiles(
    session: Session, ids: Sequence[tuple[int, str]], *, specs: Sequence[QueueSpec]
) -> dict[int, AgentProfileView]:
    """Attributes and queue memberships of the given (agent id, attrs_stamp) pairs; only
    agents whose stamp is new to this process are read and matched against the queues."""
    key = queues_key(specs)
    with _lock:
        known = _profiles.get(key, {})
        found = {i: known[i][1] for i, stamp in ids if i in known and known[i][0] == stamp}
    missing = [i for i, _ in ids if i not in found]
    if not missing:
        return found
    fresh = {}
    for agent_id, (stamp, attrs) in agents.attributes(session, missing).items():
        view = AgentProfileView(attrs, tuple(s.name for s in specs if s.expression(attrs)))
        fresh[agent_id] = (stamp, view)
        found[agent_id] = view
    if _enabled:
        with _lock:
            if key not in _profiles and len(_profiles) >= MAX_QUEUE_SETS:
                _profiles.clear()  # queues were edited many times: start over
            table = _profiles.setdefault(key, {})
            if len(table) + len(fresh) > MAX_AGENTS:
                table.clear()
            table.update(fresh)
    return found
