"""Administration pages: staff users, the outbound-message box, the audit log."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kefu.api.deps import AppSettings, Authorize, DbSession
from kefu.core import audit, outbound
from kefu.core.masking import mask_free_text, mask_phone
from kefu.identity import service as identity
from kefu.identity.roles import Role
from kefu.web.rendering import render

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(Authorize(Role.ADMIN))])

_CODE = re.compile(r"\d{4,8}")


def shown_body(message: outbound.OutboundMessage, *, demo_mode: bool) -> str:
    """What the outbox page shows of a message: one-time codes only in demo mode."""
    if message.purpose == "otp" and not demo_mode:
        return _CODE.sub(lambda m: "•" * len(m.group()), message.body)
    return mask_free_text(message.body)


@router.get("/users")
def users(request: Request, session: DbSession) -> Response:
    return render(request, "admin/users.html", users=identity.list_users(session))


@router.get("/outbox")
def outbox(request: Request, session: DbSession, settings: AppSettings) -> Response:
    rows = [
        {"message": m, "recipient": mask_phone(m.recipient) if m.channel == "sms" else m.recipient,
         "body": shown_body(m, demo_mode=settings.demo_mode)}
        for m in outbound.latest(session, limit=100)
    ]
    return render(request, "admin/outbox.html", rows=rows)


@router.get("/audit")
def audit_log(request: Request, session: DbSession) -> Response:
    return render(request, "admin/audit.html", entries=audit.recent(session, limit=200))
