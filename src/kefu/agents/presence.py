"""Presence states and the changes allowed between them (pure).

Agents change signed_in / ready / break / signed_out themselves; talking and wrap_up
are set by routing when a contact is answered and ended.
"""

from __future__ import annotations

from enum import StrEnum

from kefu.agents.errors import BreakNeedsReason, InvalidPresenceChange


class Presence(StrEnum):
    SIGNED_OUT = "signed_out"
    SIGNED_IN = "signed_in"
    READY = "ready"
    TALKING = "talking"
    WRAP_UP = "wrap_up"
    BREAK = "break"


LABELS_ZH = {
    Presence.SIGNED_OUT: "签出",
    Presence.SIGNED_IN: "签入",
    Presence.READY: "示闲",
    Presence.TALKING: "通话",
    Presence.WRAP_UP: "整理",
    Presence.BREAK: "小休",
}

_ALLOWED: dict[Presence, frozenset[Presence]] = {
    Presence.SIGNED_OUT: frozenset({Presence.SIGNED_IN}),
    Presence.SIGNED_IN: frozenset({Presence.READY, Presence.BREAK, Presence.SIGNED_OUT}),
    Presence.READY: frozenset({Presence.TALKING, Presence.BREAK, Presence.SIGNED_IN, Presence.SIGNED_OUT}),
    # A contact must be ended (wrap-up) before the agent does anything else.
    Presence.TALKING: frozenset({Presence.WRAP_UP, Presence.READY}),
    Presence.WRAP_UP: frozenset({Presence.READY, Presence.BREAK, Presence.SIGNED_IN, Presence.TALKING}),
    Presence.BREAK: frozenset({Presence.READY, Presence.SIGNED_IN, Presence.SIGNED_OUT}),
}

# The states an agent may choose; the others belong to routing.
SELF_SERVICE = frozenset({Presence.SIGNED_IN, Presence.READY, Presence.BREAK, Presence.SIGNED_OUT})

# States counted as "working" for occupancy and sign-in rate.
SIGNED_IN_STATES = frozenset(set(Presence) - {Presence.SIGNED_OUT})


def ensure_transition(current: Presence | str, wanted: Presence | str, *, reason: str | None = None) -> Presence:
    """Returns the wanted state if the change is allowed; raises InvalidPresenceChange (409)
    otherwise, or BreakNeedsReason when a break has no reason."""
    current, wanted = Presence(current), Presence(wanted)
    if wanted not in _ALLOWED[current]:
        raise InvalidPresenceChange(current.value, wanted.value)
    if wanted is Presence.BREAK and not (reason and reason.strip()):
        raise BreakNeedsReason()
    return wanted


def may_receive_offers(state: Presence | str) -> bool:
    return Presence(state) is Presence.READY
