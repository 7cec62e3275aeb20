"""Remedies 解决方案: compensation (bill credit, data gift, voucher, refund) and
optimisation (plan change, bandwidth upgrade, unsubscribe), each offered to the
customer and applied only after their consent. A refund is computed from the bills —
every overcharged month, or the SP's charges times a multiplier — never typed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu.core.errors import InvalidInput
from kefu.customers import service as customers
from kefu.identity.roles import Principal
from kefu.tickets import changes, lifecycle, repository, taxonomy
from kefu.tickets.dispatch import dispatch
from kefu.tickets.errors import (
    AlreadyApplied,
    AlreadyDecided,
    ConsentRequired,
    MissingField,
    NothingToRefund,
    RemedyNotFound,
    UnknownCode,
)
from kefu.tickets.lifecycle import Status
from kefu.tickets.models import Remedy, Ticket

CREDIT_KINDS = {"bill_credit", "voucher", "refund", "data_gift"}


def _scope(by: Principal) -> int | None:
    return None if by.kind == "staff" else (by.subscriber_id or -1)


def _refund_basis(
    session: Session, ticket: Ticket, *, basis: str | None, product_code: str | None, multiplier: int
) -> tuple[int, dict[str, Any]]:
    if basis is None or not product_code:
        raise MissingField(
            "basis",
            "退费须注明计算依据（overcharges 多收月费 / vas_charges 增值业务费）和产品编码，金额由账单计算",
            "A refund needs a basis (overcharges / vas_charges) and a product_code; the bills give the amount",
        )
    if basis == "overcharges":
        months = [
            {"month": o.month.isoformat(), "bill_id": o.bill_id, "billed_fen": o.billed_fen,
             "catalogue_fen": o.catalogue_fen, "over_fen": o.over_fen}
            for o in customers.monthly_overcharges(session, ticket.subscriber_id, product_code=product_code)
        ]
        charged = sum(m["over_fen"] for m in months)
    else:
        months = [
            {"month": c.month.isoformat(), "bill_id": c.bill_id, "amount_fen": c.amount_fen}
            for c in customers.vas_charges(session, ticket.subscriber_id, product_code=product_code)
        ]
        charged = sum(m["amount_fen"] for m in months)
    if charged <= 0:
        raise NothingToRefund(basis, product_code)
    return charged * multiplier, {
        "basis": basis, "product_code": product_code, "months": months, "charged_fen": charged,
        "multiplier": multiplier, "month_count": len(months),
    }


def _check_product(session: Session, product_code: str | None, kinds: tuple[str, ...], field: str) -> str:
    if not product_code:
        raise MissingField(field, "请填写目标产品编码（product_code）", "product_code is required for this remedy")
    codes = [p.code for kind in kinds for p in customers.list_products(session, kind=kind)]
    if product_code not in codes:
        raise UnknownCode("product_code", product_code, codes)
    return product_code


def propose_remedy(
    session: Session,
    ticket_id: int,
    *,
    kind: str,
    by: Principal,
    now: datetime,
    description: str = "",
    amount_fen: int | None = None,
    data_mb: int | None = None,
    basis: str | None = None,
    product_code: str | None = None,
    multiplier: int = 1,
    version: int | None = None,
) -> Remedy:
    """Offers a remedy; the ticket waits for the customer's answer (remedy_proposed)."""
    if kind not in taxonomy.REMEDY_KINDS:
        raise UnknownCode("kind", kind, list(taxonomy.REMEDY_KINDS))
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    lifecycle.ensure_action(ticket.status, "propose_remedy")
    detail: dict[str, Any] = {}
    amount, mb = 0, 0
    if kind == "refund":
        if amount_fen is not None:
            raise InvalidInput(
                "退费金额由账单计算，请勿手工填写金额；请提供 basis 与 product_code",
                "A refund amount is computed from the bills; send basis and product_code, not amount_fen",
                code="refund_amount_typed",
            )
        amount, detail = _refund_basis(session, ticket, basis=basis, product_code=product_code, multiplier=multiplier)
    elif kind in ("bill_credit", "voucher"):
        if not amount_fen:
            raise MissingField("amount_fen", "请填写补偿金额（分）", "amount_fen is required for this compensation")
        amount = amount_fen
    elif kind == "data_gift":
        if not data_mb:
            raise MissingField("data_mb", "请填写赠送流量（MB）", "data_mb is required for a data gift")
        mb = data_mb
    elif kind == "plan_change":
        detail = {"product_code": _check_product(session, product_code, ("mobile_plan",), "product_code")}
    elif kind == "bandwidth_upgrade":
        detail = {"product_code": _check_product(session, product_code, ("broadband",), "product_code")}
    else:  # unsubscribe
        if not product_code:
            raise MissingField("product_code", "请填写要退订的产品编码", "product_code of the service to end is required")
        detail = {"product_code": product_code}
    remedy = Remedy(
        ticket_id=ticket.id, kind=kind, remedy_class=taxonomy.remedy_class(kind),
        description=description or taxonomy.REMEDY_KINDS[kind], amount_fen=amount, data_mb=mb, basis=detail,
        proposed_by=by.actor, proposed_at=now,
    )
    repository.add(session, remedy)
    session.flush()
    if ticket.status in (Status.INTAKE.value, Status.DISPATCHED.value):
        changes.move(session, ticket, Status.INVESTIGATING, by=by.actor, now=now)
    if ticket.status != Status.REMEDY_PROPOSED.value:
        changes.move(session, ticket, Status.REMEDY_PROPOSED, by=by.actor, now=now)
    changes.log(
        session, ticket, kind="remedy_proposed", by=by.actor, now=now, visibility="customer",
        reason=remedy.description, remedy_id=remedy.id, remedy_kind=kind, amount_fen=amount, data_mb=mb,
    )
    changes.responded(session, ticket, now=now)
    changes.feedback_given(session, ticket, now=now)
    changes.flush(session)
    return remedy


def _remedy(session: Session, ticket: Ticket, remedy_id: int) -> Remedy:
    remedy = repository.remedy(session, ticket.id, remedy_id)
    if remedy is None:
        raise RemedyNotFound(remedy_id)
    return remedy


def give_consent(
    session: Session, ticket_id: int, remedy_id: int, *, agreed: bool, by: Principal, now: datetime,
    note: str | None = None, version: int | None = None,
) -> Remedy:
    """The customer's answer to one remedy, given by them in the portal or taken down by
    staff. Once every open remedy is answered the ticket moves to agreed or declined."""
    ticket = changes.load(session, ticket_id, subscriber_id=_scope(by))
    changes.check_version(ticket, version)
    remedy = _remedy(session, ticket, remedy_id)
    if remedy.consent != "proposed":
        raise AlreadyDecided(remedy.id, remedy.consent)
    lifecycle.ensure_action(ticket.status, "consent")
    remedy.consent = "agreed" if agreed else "declined"
    remedy.consent_by, remedy.consent_at, remedy.consent_note = by.actor, now, note
    changes.log(
        session, ticket, kind="consent", by=by.actor, now=now, visibility="customer", reason=note,
        remedy_id=remedy.id, remedy_kind=remedy.kind, consent=remedy.consent,
    )
    session.flush()
    pending = [r.consent for r in repository.remedies(session, ticket.id) if r.applied_at is None]
    after = lifecycle.after_consent(pending)
    if after.value != ticket.status:
        changes.move(session, ticket, after, by=by.actor, now=now)
    changes.flush(session)
    return remedy


def apply_remedy(
    session: Session, ticket_id: int, remedy_id: int, *, by: Principal, now: datetime, version: int | None = None
) -> Remedy:
    """Carries out an agreed remedy on the customer's account or line; refuses without consent."""
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    remedy = _remedy(session, ticket, remedy_id)
    if remedy.applied_at is not None:
        raise AlreadyApplied(remedy.id)
    if remedy.consent != "agreed":
        raise ConsentRequired(remedy.id, remedy.consent)
    lifecycle.ensure_action(ticket.status, "apply_remedy")
    reference = f"ticket:{ticket.id}"
    reason = f"工单 {ticket.number}：{remedy.description}"
    if remedy.kind in CREDIT_KINDS:
        adjustment = customers.credit_account(
            session, ticket.subscriber_id, kind=remedy.kind, amount_fen=remedy.amount_fen, data_mb=remedy.data_mb,
            reason=reason, reference=reference, by=by.actor, now=now,
        )
        remedy.applied_reference = f"adjustment:{adjustment.id}"
    elif remedy.kind == "plan_change":
        customers.change_plan(session, ticket.subscriber_id, product_code=remedy.basis["product_code"], now=now,
                              by=by.actor)
        remedy.applied_reference = f"plan:{remedy.basis['product_code']}"
    elif remedy.kind == "unsubscribe":
        customers.end_subscription(session, ticket.subscriber_id, product_code=remedy.basis["product_code"], now=now,
                                   reason=reason)
        remedy.applied_reference = f"ended:{remedy.basis['product_code']}"
    else:  # bandwidth_upgrade: the installation team changes the line on site
        task = dispatch(session, ticket.id, department="installation", by=by, now=now,
                        instructions=f"带宽升级至 {remedy.basis['product_code']}（客户已同意）")
        remedy.applied_reference = f"task:{task.id}"
    remedy.applied_at, remedy.applied_by = now, by.actor
    changes.log(
        session, ticket, kind="remedy_applied", by=by.actor, now=now, visibility="customer",
        reason=remedy.description, remedy_id=remedy.id, remedy_kind=remedy.kind, amount_fen=remedy.amount_fen,
        data_mb=remedy.data_mb, reference=remedy.applied_reference,
    )
    changes.feedback_given(session, ticket, now=now)
    changes.flush(session)
    return remedy
