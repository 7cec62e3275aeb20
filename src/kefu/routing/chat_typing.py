"""The typing indicator (“对方正在输入…”): ephemeral, so never a ChatMessage and never in a
transcript. The widget sends "typing" at most every THROTTLE_SECONDS while keys are
pressed; the marker lives TTL_SECONDS, so the indicator goes out a few seconds after the
typing stops, or at once when the message is sent.

Why a row and not only memory: the customer's and the agent's sockets may live in two
server processes; every socket already polls the database each second, so reading the
markers of its chats is one more indexed query per poll, and a marker costs one small
write per THROTTLE_SECONDS of typing. A socket in the same process is also woken at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kefu.routing.chat_models import ChatTyping

THROTTLE_SECONDS = 2
TTL_SECONDS = 5
SIDES = ("customer", "agent")


def mark(session: Session, contact_id: int, side: str, *, now: datetime) -> None:
    until = now + timedelta(seconds=TTL_SECONDS)
    row = session.get(ChatTyping, (contact_id, side))
    if row is not None:
        if row.until > until - timedelta(seconds=THROTTLE_SECONDS / 2):
            return  # marked a moment ago: a client sending too often writes nothing more
        row.until = until
        session.flush()
        return
    try:
        with session.begin_nested():  # two processes may both insert the first marker
            session.add(ChatTyping(contact_id=contact_id, side=side, until=until))
    except IntegrityError:
        row = session.get(ChatTyping, (contact_id, side), populate_existing=True)
        if row is not None:
            row.until = until
    session.flush()


def clear(session: Session, contact_id: int, side: str) -> None:
    """The message was sent (or the chat ended): the indicator goes out now."""
    session.execute(delete(ChatTyping).where(ChatTyping.contact_id == contact_id, ChatTyping.side == side))


def typing_in(session: Session, contact_ids: Iterable[int], *, now: datetime) -> dict[int, set[str]]:
    """Per chat, the sides typing right now."""
    ids = list(contact_ids)
    if not ids:
        return {}
    out: dict[int, set[str]] = {}
    for contact_id, side in session.execute(
        select(ChatTyping.contact_id, ChatTyping.side).where(ChatTyping.contact_id.in_(ids), ChatTyping.until > now)
    ):
        out.setdefault(contact_id, set()).add(side)
    return out
