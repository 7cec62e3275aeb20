"""Outbound messages (SMS, e-mail): queued in a table in the caller's transaction and
delivered by the worker through a sender — SMTP or an SMS-gateway HTTP adapter when
configured; in demo mode they stay visible to admins on the outbox page instead."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

import httpx
from sqlalchemy import Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kefu.core.db import Base

log = logging.getLogger(__name__)


class OutboundMessage(Base):
    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # sms | email
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(40))  # otp | notification | survey …
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued|sent|demo|failed
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_outbound_messages_status", "status", "id"),)


def enqueue(
    session: Session, *, channel: str, recipient: str, body: str, purpose: str, now: datetime, subject: str = ""
) -> OutboundMessage:
    if channel not in ("sms", "email"):
        raise ValueError(f"unknown channel {channel}")
    message = OutboundMessage(
        channel=channel, recipient=recipient, subject=subject, body=body, purpose=purpose, created_at=now
    )
    session.add(message)
    session.flush()
    return message


class Sender(Protocol):
    def send(self, message: OutboundMessage) -> str:
        """Sends and returns the final status ('sent' or 'demo'); raises on failure."""


class DemoSender:
    def send(self, message: OutboundMessage) -> str:
        return "demo"


class GatewaySender:
    """SMTP for e-mail, an HTTP POST {to, text} to the SMS gateway for SMS."""

    def __init__(self, *, smtp_host: str, smtp_port: int, smtp_sender: str, sms_gateway_url: str) -> None:
        self.smtp_host, self.smtp_port, self.smtp_sender = smtp_host, smtp_port, smtp_sender
        self.sms_gateway_url = sms_gateway_url

    def send(self, message: OutboundMessage) -> str:
        if message.channel == "email":
            if not self.smtp_host:
                raise RuntimeError("no SMTP host configured (KEFU_SMTP_HOST)")
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = self.smtp_sender, message.recipient, message.subject
            mail.set_content(message.body)
            with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=10) as smtp:
                smtp.send_message(mail)
            return "sent"
        if not self.sms_gateway_url:
            raise RuntimeError("no SMS gateway configured (KEFU_SMS_GATEWAY_URL)")
        response = httpx.post(
            self.sms_gateway_url, json={"to": message.recipient, "text": message.body}, timeout=10
        )
        response.raise_for_status()
        return "sent"


MAX_ATTEMPTS = 5


def deliver_queued(session: Session, sender: Sender, *, now: Callable[[], datetime], limit: int = 50) -> int:
    """Sends a batch of queued messages; a failure is retried up to MAX_ATTEMPTS."""
    query = (
        select(OutboundMessage)
        .where(OutboundMessage.status == "queued")
        .order_by(OutboundMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    sent = 0
    for message in session.scalars(query):
        message.attempts += 1
        try:
            message.status = sender.send(message)
            message.sent_at = now()
            message.error = None
            sent += 1
        except Exception as exc:  # the gateway's failure is recorded on the message, not raised
            log.warning("outbound message %s failed: %s", message.id, exc)
            message.error = str(exc)[:1000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = "failed"
    return sent


def latest(session: Session, *, limit: int = 100) -> list[OutboundMessage]:
    return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id.desc()).limit(limit)))
