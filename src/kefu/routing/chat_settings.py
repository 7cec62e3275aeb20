"""Web chat timings as data: the `chat` part of the routing workflow definition, so they
are validated when the workflow is saved and versioned with it, like the offer timeout
(pure, apart from `current`).

    {"name": "hotline", ..., "chat": {"abandon_after_disconnect_minutes": 2,
                                      "abandon_waiting_idle_minutes": 30,
                                      "prompt_silent_minutes": 5, "end_after_prompt_minutes": 3,
                                      "missed_offers_before_break": 3}}

Every key is optional; a missing one takes the default below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from kefu.routing import repository
from kefu.routing.errors import InvalidWorkflow


@dataclass(frozen=True)
class ChatSettings:
    # A waiting customer whose socket closed and did not come back within this: gone.
    abandon_after_disconnect: timedelta = timedelta(minutes=2)
    # A waiting customer who has said nothing (nor arrived) for this long: gone.
    abandon_waiting_idle: timedelta = timedelta(minutes=30)
    # In a chat, the agent answered and the customer has been silent this long: ask politely…
    prompt_silent: timedelta = timedelta(minutes=5)
    # …and end the chat (as abandoned) when the silence lasts this much longer.
    end_after_prompt: timedelta = timedelta(minutes=3)
    # Chat offers that ring out re-offer to the next agent; only this many in a row put the
    # agent on a break (one missed voice call does, since a caller hears it ring).
    missed_offers_before_break: int = 3


# key → (field, lowest, highest, Chinese name, is minutes)
_KEYS = {
    "abandon_after_disconnect_minutes": ("abandon_after_disconnect", 1, 120, "客户断线后结束排队（分钟）", True),
    "abandon_waiting_idle_minutes": ("abandon_waiting_idle", 1, 24 * 60, "排队无消息后结束（分钟）", True),
    "prompt_silent_minutes": ("prompt_silent", 1, 120, "客户沉默后提醒（分钟）", True),
    "end_after_prompt_minutes": ("end_after_prompt", 1, 120, "提醒后自动结束（分钟）", True),
    "missed_offers_before_break": ("missed_offers_before_break", 1, 20, "连续未接会话次数后小休", False),
}


def parse(definition: Mapping[str, Any]) -> ChatSettings:
    """The chat settings of a workflow definition; InvalidWorkflow for a bad value."""
    raw = definition.get("chat") if isinstance(definition, Mapping) else None
    if raw is None:
        return ChatSettings()
    if not isinstance(raw, Mapping):
        raise InvalidWorkflow("chat 设置须为 JSON 对象", "chat settings must be a JSON object")
    unknown = sorted(set(raw) - set(_KEYS))
    if unknown:
        raise InvalidWorkflow(f"chat 设置中有未知项：{', '.join(unknown)}", f"unknown chat settings: {', '.join(unknown)}")
    out = ChatSettings()
    for key, (field_name, low, high, zh, minutes) in _KEYS.items():
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise InvalidWorkflow(f"{zh}须为 {low}–{high} 之间的整数，收到 {value!r}",
                                  f"chat.{key} must be an integer from {low} to {high}, got {value!r}")
        out = replace(out, **{field_name: timedelta(minutes=value) if minutes else value})
    return out


def current(session: Session) -> ChatSettings:
    """The active workflow's chat settings (the defaults while none is saved)."""
    row = repository.active_workflow(session)
    return parse(row.definition) if row is not None else ChatSettings()
