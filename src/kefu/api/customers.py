"""Customers REST API: search, the 360 view, audited unmasking, the catalogue, and the
portal subscriber's own 360 and self-service tasks (报停/复机, service password, 托收)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, UploadFile
from pydantic import BaseModel, Field

from kefu.api.deps import STAFF, Authorize, DbSession, Now
from kefu.customers import schemas, service
from kefu.customers.errors import ImportRejected, SubscriberNotFound
from kefu.identity.roles import UNMASK_ROLES, Principal, Role

router = APIRouter(prefix="/api/v1", tags=["customers"])

STAFF_OR_SUBSCRIBER = Authorize(*STAFF, Role.SUBSCRIBER)
MAX_UPLOAD = 50 * 1024 * 1024


def _own_id(principal: Principal) -> int:
    if principal.subscriber_id is None:
        raise SubscriberNotFound("me")
    return principal.subscriber_id


@router.get("/customers", response_model=list[schemas.SubscriberSummary])
def search(
    session: DbSession,
    q: str = Query(..., min_length=1, max_length=60, description="号码、号码前缀/后四位、姓名或账户号"),
    limit: int = Query(20, ge=1, le=100),
    _: Principal = Depends(Authorize(*STAFF)),
) -> list[schemas.SubscriberSummary]:
    return service.search_subscribers(session, q, limit=limit)


@router.get("/customers/{subscriber_id}", response_model=schemas.SubscriberSummary)
def get_subscriber(
    subscriber_id: int, session: DbSession, _: Principal = Depends(Authorize(*STAFF))
) -> schemas.SubscriberSummary:
    return service.get_subscriber(session, subscriber_id)


@router.get("/customers/{subscriber_id}/360", response_model=schemas.Customer360)
def customer_360(
    subscriber_id: int, session: DbSession, now: Now, principal: Principal = Depends(STAFF_OR_SUBSCRIBER)
) -> schemas.Customer360:
    """Staff see any subscriber; a portal subscriber only themself (another id is 404)."""
    if principal.kind != "staff" and principal.subscriber_id != subscriber_id:
        raise SubscriberNotFound(subscriber_id)
    return service.customer_360(session, subscriber_id, now=now)


@router.post("/customers/{subscriber_id}/reveal", response_model=schemas.RevealedIdentity)
def reveal(
    subscriber_id: int, session: DbSession, now: Now, principal: Principal = Depends(Authorize(*UNMASK_ROLES))
) -> schemas.RevealedIdentity:
    """The unmasked number, name and ID number; every call is written to the audit log."""
    return service.reveal_identity(session, subscriber_id, actor=principal.actor, now=now)


@router.get("/catalogue/products", response_model=list[schemas.ProductView])
def products(
    session: DbSession,
    kind: str | None = Query(None, pattern="^(mobile_plan|broadband|vas)$"),
    _: Principal = Depends(STAFF_OR_SUBSCRIBER),
) -> list[schemas.ProductView]:
    return service.list_products(session, kind=kind)


@router.get("/me/360", response_model=schemas.Customer360)
def my_360(session: DbSession, now: Now, principal: Principal = Depends(Authorize(Role.SUBSCRIBER))) -> schemas.Customer360:
    return service.customer_360(session, _own_id(principal), now=now)


class SuspendIn(BaseModel):
    reason: str = Field("用户申请报停", max_length=200)


@router.post("/me/line/suspend", status_code=204)
def suspend_my_line(
    body: SuspendIn, session: DbSession, now: Now, principal: Principal = Depends(Authorize(Role.SUBSCRIBER))
) -> None:
    service.suspend_line(session, _own_id(principal), now=now, reason=body.reason, by=principal.actor)


@router.post("/me/line/resume", status_code=204)
def resume_my_line(session: DbSession, now: Now, principal: Principal = Depends(Authorize(Role.SUBSCRIBER))) -> None:
    service.resume_line(session, _own_id(principal), now=now, by=principal.actor)


class ServicePasswordIn(BaseModel):
    password: str = Field(..., min_length=1, max_length=20)


@router.put("/me/service-password", status_code=204)
def set_my_service_password(
    body: ServicePasswordIn, session: DbSession, now: Now, principal: Principal = Depends(Authorize(Role.SUBSCRIBER))
) -> None:
    service.set_service_password(session, _own_id(principal), password=body.password, now=now)


class AutoDebitIn(BaseModel):
    bank: str = Field(..., min_length=1, max_length=40)
    account_no: str = Field(..., min_length=1, max_length=40)


@router.put("/me/auto-debit", status_code=204)
def set_my_auto_debit(
    body: AutoDebitIn, session: DbSession, now: Now, principal: Principal = Depends(Authorize(Role.SUBSCRIBER))
) -> None:
    service.set_auto_debit(session, _own_id(principal), bank=body.bank, account_no=body.account_no, now=now)


def _upload_bytes(file: UploadFile) -> bytes:
    # Sync read of the spooled upload: these routes run in the thread pool, like the DB work.
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise ImportRejected(
            [{"line": 0, "field": "", "message": "文件超过 50 MB，请拆分后导入", "message_en": "The file is over 50 MB; split it"}]
        )
    return data


@router.post("/customers/import", response_model=schemas.ImportReport)
def import_subscribers(
    session: DbSession,
    now: Now,
    file: UploadFile = File(..., description="CSV (UTF-8) or .xlsx; see `kefu import subscribers --help`"),
    encoding: str | None = Query(None, max_length=20),
    _: Principal = Depends(Authorize(Role.ADMIN)),
) -> schemas.ImportReport:
    """All or nothing: a 422 lists every bad line in details.errors and nothing is written."""
    data = _upload_bytes(file)
    return service.import_subscribers(session, data, filename=file.filename or "upload.csv", now=now, encoding=encoding)


@router.post("/catalogue/import", response_model=schemas.ImportReport)
def import_catalogue(
    session: DbSession,
    now: Now,
    file: UploadFile = File(..., description="CSV (UTF-8) or .xlsx; see `kefu import catalogue --help`"),
    encoding: str | None = Query(None, max_length=20),
    _: Principal = Depends(Authorize(Role.ADMIN)),
) -> schemas.ImportReport:
    data = _upload_bytes(file)
    return service.import_catalogue(session, data, filename=file.filename or "upload.csv", now=now, encoding=encoding)
