"""Attachments: evidence and documents on a ticket (the signed order form, log
excerpts, ID photos from another city's hall). The type is read from the bytes, not
trusted from the client; the size limit and the allowed types are settings."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from kefu.core.errors import InvalidInput
from kefu.identity.roles import Principal
from kefu.tickets import changes, lifecycle, repository
from kefu.tickets.errors import AttachmentNotFound, AttachmentTooLarge, AttachmentTypeNotAllowed
from kefu.tickets.models import Attachment

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TYPES = ("application/pdf", "image/png", "image/jpeg", "text/plain")

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
)


def sniff(data: bytes) -> str:
    """The content type the bytes show; plain text is UTF-8 without NUL bytes."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError:
            pass
    return "application/octet-stream"


def add_attachment(
    session: Session,
    ticket_id: int,
    *,
    name: str,
    data: bytes,
    by: Principal,
    now: datetime,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allowed_types: tuple[str, ...] | list[str] = DEFAULT_TYPES,
    visibility: str = "internal",
    version: int | None = None,
) -> Attachment:
    """Stores the file with the ticket; refuses it when too large (413) or of a type not allowed (415)."""
    customer = by.kind != "staff"
    ticket = changes.load(session, ticket_id, subscriber_id=(by.subscriber_id or -1) if customer else None)
    changes.check_version(ticket, version)
    lifecycle.ensure_action(ticket.status, "attach")
    if len(data) > max_bytes:
        raise AttachmentTooLarge(len(data), max_bytes)
    if not data:
        raise InvalidInput("附件为空，请重新选择文件", "The file is empty; choose the file again", code="empty_attachment")
    content_type = sniff(data)
    if content_type not in allowed_types:
        raise AttachmentTypeNotAllowed(content_type, list(allowed_types))
    clean_name = (name or "attachment").replace("/", "_").replace("\\", "_").strip()[:200] or "attachment"
    attachment = Attachment(
        ticket_id=ticket.id, name=clean_name, content_type=content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), data=data, visibility="customer" if customer else visibility,
        uploaded_by=by.actor, uploaded_at=now,
    )
    repository.add(session, attachment)
    session.flush()
    changes.log(session, ticket, kind="attachment", by=by.actor, now=now, visibility=attachment.visibility,
                attachment_id=attachment.id, name=clean_name, content_type=content_type, size=len(data))
    changes.flush(session)
    return attachment


def get_attachment(session: Session, ticket_id: int, attachment_id: int, *, viewer: Principal) -> Attachment:
    """The file with its bytes; a subscriber gets only customer-visible files of their own tickets."""
    customer = viewer.kind != "staff"
    changes.load(session, ticket_id, subscriber_id=(viewer.subscriber_id or -1) if customer else None)
    attachment = repository.attachment(session, ticket_id, attachment_id)
    if attachment is None or (customer and attachment.visibility != "customer"):
        raise AttachmentNotFound(attachment_id)
    return attachment
