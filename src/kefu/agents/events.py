"""Events agents publish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kefu.core.events import Event


@dataclass(frozen=True)
class AgentPresenceChanged(Event):
    agent_id: int
    previous: str
    state: str
    reason: str | None
    at: datetime
