"""Import use cases: subscribers and the catalogue from CSV or .xlsx. All or nothing:
any bad row (in the file, or against the database) rejects the whole file, and every
problem is listed at once so one round of fixes is enough."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from kefu.core.clock import local
from kefu.customers import repository, schemas
from kefu.customers.errors import ImportRejected
from kefu.customers.import_columns import (
    ProductRow,
    SubscriberRow,
    duplicates,
    parse_catalogue,
    parse_subscribers,
)
from kefu.customers.importing import FileProblem, RowError, iter_errors, read_table
from kefu.customers.models import Account, Product, ServiceProvider, Subscriber, Subscription

BATCH = 1000
Progress = Callable[[int, int], None]  # (done, total)


def _no_rows() -> RowError:
    return RowError(0, "", "文件里只有列名，没有数据行", "The file has a header but no data rows")


def _subscriber_errors(session: Session, rows: list[SubscriberRow]) -> list[RowError]:
    errors = []
    products = repository.products_by_code(session)
    for row in rows:
        product = products.get(row.plan_code)
        if product is None:
            errors.append(
                RowError(
                    row.line, "plan_code",
                    f"套餐编码 {row.plan_code} 不在产品目录中，请先导入产品目录（kefu import catalogue）",
                    f"Plan code {row.plan_code} is not in the catalogue; import the catalogue first",
                )
            )
        elif product.kind != "mobile_plan":
            errors.append(
                RowError(
                    row.line, "plan_code",
                    f"{row.plan_code} 是 {product.kind} 产品，不是手机套餐",
                    f"{row.plan_code} is a {product.kind} product, not a mobile plan",
                )
            )
    errors += duplicates(rows, "account_no", "账户号")
    taken_numbers = repository.existing_numbers(session, [r.number for r in rows])
    taken_accounts = repository.existing_account_nos(session, [r.account_no for r in rows if r.account_no])
    for row in rows:
        if row.number in taken_numbers:
            errors.append(
                RowError(row.line, "number", f"号码 {row.number} 已存在于系统中", f"Number {row.number} already exists")
            )
        if row.account_no in taken_accounts:
            errors.append(
                RowError(
                    row.line, "account_no",
                    f"账户号 {row.account_no} 已存在于系统中", f"Account number {row.account_no} already exists",
                )
            )
    return errors


def _reject(*groups: list[RowError]) -> ImportRejected:
    return ImportRejected(list(iter_errors(*groups)))


def import_subscribers(
    session: Session,
    data: bytes,
    *,
    filename: str,
    now: datetime,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> schemas.ImportReport:
    """Creates one account, subscriber and plan subscription per row. Raises ImportRejected
    (nothing written) listing every problem; see import_columns.py for the columns."""
    try:
        parsed = parse_subscribers(read_table(data, filename, encoding=encoding))
    except FileProblem as problem:
        raise _reject([problem.error]) from None
    today = local(now).date()
    # An account number left empty is derived from the line's number.
    rows = [r if r.account_no else replace(r, account_no=f"A{r.number}") for r in parsed.rows]
    if not rows and not parsed.errors:
        raise _reject([_no_rows()])
    problems = parsed.errors + _subscriber_errors(session, rows)
    if problems:
        raise _reject(problems)
    products = repository.products_by_code(session)
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        repository.bulk_insert(
            session,
            Account,
            [
                {
                    "account_no": row.account_no,
                    "balance_fen": row.balance_fen,
                    "credit_limit_fen": row.credit_limit_fen,
                    "points": row.points,
                    "created_at": now,
                }
                for row in batch
            ],
        )
        account_ids = repository.account_ids_by_no(session, [row.account_no for row in batch])
        repository.bulk_insert(
            session,
            Subscriber,
            [
                {
                    "number": row.number,
                    "number_reversed": row.number[::-1],
                    "name": row.name,
                    "id_number": row.id_number,
                    "city": row.city,
                    "district": row.district,
                    "segment": row.segment,
                    "vip_level": row.vip_level,
                    "birth_year": row.birth_year,
                    "status": "active",
                    "account_id": account_ids[row.account_no],
                    "churn_risk": 0.0,
                    "joined_on": row.joined_on or today,
                    "created_at": now,
                }
                for row in batch
            ],
        )
        subscriber_ids = repository.subscriber_ids_by_number(session, [row.number for row in batch])
        repository.bulk_insert(
            session,
            Subscription,
            [
                {
                    "subscriber_id": subscriber_ids[row.number],
                    "product_id": products[row.plan_code].id,
                    "start_date": row.plan_start or row.joined_on or today,
                    "order_channel": "import",
                    "ordered_by": "import",
                    "charged_fee_fen": (
                        products[row.plan_code].monthly_fee_fen if row.charged_fee_fen is None else row.charged_fee_fen
                    ),
                }
                for row in batch
            ],
        )
        if progress is not None:
            progress(start + len(batch), len(rows))
    return schemas.ImportReport(kind="subscribers", created=len(rows), updated=0)


def _catalogue_errors(rows: list[ProductRow], sps: dict[str, ServiceProvider]) -> list[RowError]:
    errors = []
    for row in rows:
        if row.sp_name and not row.sp_code:
            errors.append(
                RowError(row.line, "sp_code", "填写了 SP 名称但没有 SP 编码", "sp_name is given without sp_code")
            )
        if row.sp_code and row.sp_code not in sps and not row.sp_name:
            errors.append(
                RowError(
                    row.line, "sp_name",
                    f"SP {row.sp_code} 是新的 SP 商，请填写 SP 名称",
                    f"SP {row.sp_code} is new; give its sp_name",
                )
            )
    return errors


def import_catalogue(
    session: Session, data: bytes, *, filename: str, now: datetime, encoding: str | None = None
) -> schemas.ImportReport:
    """Creates products, or updates those whose code exists; creates new SPs named in the
    file. Raises ImportRejected (nothing written) listing every problem."""
    try:
        parsed = parse_catalogue(read_table(data, filename, encoding=encoding))
    except FileProblem as problem:
        raise _reject([problem.error]) from None
    if not parsed.rows and not parsed.errors:
        raise _reject([_no_rows()])
    sps = repository.service_providers_by_code(session)
    problems = parsed.errors + _catalogue_errors(parsed.rows, sps)
    if problems:
        raise _reject(problems)
    for row in parsed.rows:
        if row.sp_code and row.sp_code not in sps:
            sps[row.sp_code] = ServiceProvider(code=row.sp_code, name=row.sp_name or row.sp_code, flagged=False)
            repository.add(session, sps[row.sp_code])
    existing = repository.products_by_code(session)
    created = updated = 0
    for row in parsed.rows:
        product = existing.get(row.code)
        if product is None:
            product = Product(code=row.code)
            session.add(product)
            created += 1
        else:
            updated += 1
        product.name, product.kind, product.monthly_fee_fen = row.name, row.kind, row.monthly_fee_fen
        product.data_mb, product.voice_minutes, product.sms = row.data_mb, row.voice_minutes, row.sms
        product.bandwidth_mbps, product.description, product.active = row.bandwidth_mbps, row.description, row.active
        product.sp_id = sps[row.sp_code].id if row.sp_code else None
    session.flush()
    return schemas.ImportReport(kind="catalogue", created=created, updated=updated)
