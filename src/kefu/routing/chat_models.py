"""Tables of the live channels routing owns: web chat messages (the transcript of a chat
contact) and the telephony switch's calls mapped onto contacts (CTI adapter)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.db import Base


class ChatMessage(Base):
    """Append-only: one line of a chat contact's transcript. The robot's part of a hand-over
    is copied in first (sender robot / customer with `origin` robot), so the agent reads the
    whole conversation in one place. Ids are the delivery cursor of every socket."""

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("routing_contacts.id", ondelete="CASCADE"))
    sender: Mapped[str] = mapped_column(String(10))  # customer | agent | robot | system
    author: Mapped[str] = mapped_column(String(100))  # actor string, for the record
    display_name: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(10), default="chat")  # chat | robot (copied at hand-over)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_chat_messages_contact", "contact_id", "id"),)


class CtiCall(Base):
    """A call of the telephony switch, by the switch's own id: makes its events idempotent
    and checks their order (offered → answered → transferred* → ended)."""

    __tablename__ = "cti_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("routing_contacts.id"))
    state: Mapped[str] = mapped_column(String(12))  # offered | answered | ended
    caller: Mapped[str | None] = mapped_column(String(20))
    # Every event applied, "offered:1", "transferred:3" … so a repeat is recognised exactly.
    applied: Mapped[list[str]] = mapped_column(JSON, default=list)
    agent_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChatTyping(Base):
    """Who is typing in a chat, until when: a short-lived marker, never a message and never
    in a transcript. One row per chat and side, overwritten at most every few seconds
    (the widget throttles), read by every socket's poll, so it crosses server processes."""

    __tablename__ = "chat_typing"

    contact_id: Mapped[int] = mapped_column(ForeignKey("routing_contacts.id", ondelete="CASCADE"), primary_key=True)
    side: Mapped[str] = mapped_column(String(10), primary_key=True)  # customer | agent
    until: Mapped[datetime]


class ChatCustomerSocket(Base):
    """A chat whose customer has a socket open: when one of their sockets last said so (a
    beat every few seconds, see chat_upkeep). A row left to go stale was never closed — its
    server process died — and the upkeep job writes the customer's departure for it."""

    __tablename__ = "chat_customer_sockets"

    contact_id: Mapped[int] = mapped_column(ForeignKey("routing_contacts.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[datetime]


class ChatOfferStreak(Base):
    """Chat offers an agent let ring out in a row (reset when they take a chat): only a
    streak puts them on a break."""

    __tablename__ = "chat_offer_streaks"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agent_profiles.id", ondelete="CASCADE"), primary_key=True)
    missed_in_row: Mapped[int] = mapped_column(Integer, default=0)
    last_missed_at: Mapped[datetime | None]
