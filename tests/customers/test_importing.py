"""Importing subscribers and the catalogue: every bad input is named, nothing half-written."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from kefu.customers import service
from kefu.customers.errors import ImportRejected
from kefu.customers.models import Product, ServiceProvider, Subscriber
from tests.factories.customers import create_product, create_subscriber

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "kefu" / "customers" / "examples"
HEADER = "number,name,id_number,city,plan_code"


@pytest.fixture
def catalogue(session, now):
    service.import_catalogue(session, (EXAMPLES / "catalogue.csv").read_bytes(), filename="catalogue.csv", now=now)


def _subscribers(session) -> int:
    return session.scalar(select(func.count(Subscriber.id)))


def _problems(session, now, data: bytes | str, *, filename="subscribers.csv", kind="subscribers", **kwargs):
    """The rejected import's problems; asserts nothing was written."""
    before = _subscribers(session)
    raw = data.encode() if isinstance(data, str) else data
    run = service.import_subscribers if kind == "subscribers" else service.import_catalogue
    with pytest.raises(ImportRejected) as raised:
        run(session, raw, filename=filename, now=now, **kwargs)
    assert _subscribers(session) == before
    errors = raised.value.details["errors"]
    assert errors and all(e["message"] and e["message_en"] for e in errors)
    assert raised.value.status_code == 422
    return errors


def test_example_files_import(session, now, catalogue):
    report = service.import_subscribers(
        session, (EXAMPLES / "subscribers.csv").read_bytes(), filename="subscribers.csv", now=now
    )
    assert (report.created, report.updated) == (3, 0)
    pensioner = service.subscriber_by_number(session, "13812341234")
    view = service.customer_360(session, pensioner.id, now=now)
    plan = view.products[0]
    assert (plan.product_code, plan.monthly_fee_fen, plan.charged_fee_fen, plan.start_date) == (
        "TY19", 1900, 2900, date(2010, 3, 15)
    )
    assert (view.account.account_no, view.account.balance_fen, view.account.points) == ("A13812341234", 1250, 1200)
    assert view.subscriber.birth_year == 1958  # from the ID number
    vip = service.customer_360(session, service.subscriber_by_number(session, "13923456789").id, now=now)
    assert (vip.account.arrears_fen, vip.subscriber.vip_level, vip.account.account_no) == (3500, 2, "A8800123")
    music = session.scalars(select(Product).where(Product.code == "VAS_MUSIC")).one()
    assert session.get(ServiceProvider, music.sp_id).name == "某某音乐科技有限公司"


def test_xlsx_with_chinese_headers_and_excel_typed_cells(session, now, catalogue):
    book = Workbook()
    sheet = book.active
    sheet.append(["号码", "姓名", "证件号码", "城市", "套餐编码", "入网日期", "实收月费", "客户类型"])
    sheet.append([13700001111, "周杰", "440105199001011234", "深圳", "TY59", datetime(2024, 5, 6), 59, "家庭"])
    sheet.append([None] * 8)
    sheet.append([13700002222, "吴敏", "440105199101011234", "深圳", "TY29", "2025-01-02", 29.5, "个人"])
    buffer = io.BytesIO()
    book.save(buffer)

    report = service.import_subscribers(session, buffer.getvalue(), filename="名单.xlsx", now=now)

    assert report.created == 2
    first = service.customer_360(session, service.subscriber_by_number(session, "13700001111").id, now=now)
    assert (first.subscriber.joined_on, first.subscriber.segment) == (date(2024, 5, 6), "family")
    second = service.customer_360(session, service.subscriber_by_number(session, "13700002222").id, now=now)
    assert second.products[0].charged_fee_fen == 2950


def test_gbk_file_is_named_and_refused_unless_asked_for(session, now, catalogue):
    text = f"{HEADER}\n13700001111,张三,440105199001011234,深圳,TY59\n"
    errors = _problems(session, now, text.encode("gbk"))
    assert "GBK" in errors[0]["message"] and "--encoding gbk" in errors[0]["message_en"]
    report = service.import_subscribers(session, text.encode("gbk"), filename="x.csv", now=now, encoding="gbk")
    assert report.created == 1
    assert service.search_subscribers(session, "13700001111")[0].name_masked == "张*"


def test_undecodable_and_utf16_files(session, now):
    assert "not UTF-8" in _problems(session, now, b"number,name\n\xff\xfe\xfa\x80\x81\n")[0]["message_en"]
    assert "UTF-16" in _problems(session, now, HEADER.encode("utf-16"))[0]["message_en"]


def test_malformed_csv_names_the_line(session, now, catalogue):
    text = f'{HEADER}\n13700001111,张三,440105199001011234,深圳,TY59\n13700002222,"李四,440105199001011234,深圳,TY59\n'
    errors = _problems(session, now, text)
    assert errors[0]["line"] == 3 and "quotes" in errors[0]["message_en"]


def test_unquoted_comma_gives_a_field_count_error(session, now, catalogue):
    text = f"{HEADER}\n13700001111,张三,440105199001011234,深圳,TY59\n13700002222,李,四,440105199001011234,深圳,TY59\n"
    errors = _problems(session, now, text)
    assert (errors[0]["line"], "6 fields, expected 5" in errors[0]["message_en"]) == (3, True)


def test_unknown_plan_code_and_non_plan_code(session, now, catalogue):
    text = (
        f"{HEADER}\n13700001111,张三,440105199001011234,深圳,TY999\n"
        "13700002222,李四,440105199001011234,深圳,BB300\n"
    )
    errors = _problems(session, now, text)
    assert [(e["line"], e["field"]) for e in errors] == [(2, "plan_code"), (3, "plan_code")]
    assert "TY999" in errors[0]["message"] and "not a mobile plan" in errors[1]["message_en"]


def test_duplicate_numbers_in_the_file_and_in_the_database(session, now, catalogue):
    create_subscriber(session, number="13700009999")
    text = (
        f"{HEADER}\n13700001111,张三,440105199001011234,深圳,TY59\n"
        "13700009999,王五,440105199001011234,深圳,TY59\n"
        "137-0000-1111,李四,440105199001011234,深圳,TY59\n"
    )
    errors = _problems(session, now, text)
    by_line = {e["line"]: e for e in errors}
    assert "duplicates line 2" in by_line[4]["message_en"]
    assert "already exists" in by_line[3]["message_en"] and by_line[3]["field"] == "number"


def test_duplicate_account_numbers(session, now, catalogue):
    text = (
        f"{HEADER},account_no\n13700001111,张三,440105199001011234,深圳,TY59,ACC1\n"
        "13700002222,李四,440105199001011234,深圳,TY59,ACC1\n"
    )
    errors = _problems(session, now, text)
    assert (errors[0]["line"], errors[0]["field"]) == (3, "account_no")


def test_missing_unknown_and_duplicate_columns(session, now):
    errors = _problems(session, now, "number,name,city,plan_code,colour\n13700001111,张三,深圳,TY59,red\n")
    assert {(e["line"], e["field"]) for e in errors} == {(1, "colour"), (1, "id_number")}
    errors = _problems(session, now, "number,号码,name,id_number,city,plan_code\n")
    assert any("appears twice" in e["message_en"] for e in errors)


def test_a_catalogue_file_given_as_subscribers_says_so(session, now):
    errors = _problems(session, now, (EXAMPLES / "catalogue.csv").read_bytes())
    assert len(errors) == 1 and "wrong file or kind" in errors[0]["message_en"]


@pytest.mark.parametrize(
    ("row", "field", "fragment"),
    [
        ("1.37E+10,张三,440105199001011234,深圳,TY59,,", "number", "scientific notation"),
        ("12345,张三,440105199001011234,深圳,TY59,,", "number", "not a valid number"),
        ("13700001111,,440105199001011234,深圳,TY59,,", "name", "required"),
        ("13700001111,张三,44-01,深圳,TY59,,", "id_number", "not a valid ID"),
        ("13700001111,张三,440105199001011234,深圳,TY59,2024-13-01,", "joined_on", "not a date"),
        ("13700001111,张三,440105199001011234,深圳,TY59,,29.123", "charged_fee_yuan", "two decimals"),
        ("13700001111,张三,440105199001011234,深圳,TY59,,-5", "charged_fee_yuan", "negative"),
    ],
)
def test_bad_values_name_line_and_field(session, now, catalogue, row, field, fragment):
    text = f"{HEADER},joined_on,charged_fee_yuan\n13700000001,好人,440105199001011234,深圳,TY59,,\n{row}\n"
    errors = _problems(session, now, text)
    assert [(e["line"], e["field"]) for e in errors] == [(3, field)]
    assert fragment in errors[0]["message_en"]


def test_empty_and_header_only_files(session, now):
    assert "empty" in _problems(session, now, "")[0]["message_en"]
    assert "no data rows" in _problems(session, now, HEADER + "\n")[0]["message_en"]


def test_damaged_xlsx_and_old_xls(session, now):
    assert "damaged" in _problems(session, now, b"PK\x03\x04garbage", filename="a.xlsx")[0]["message_en"]
    assert ".xls format" in _problems(session, now, b"\xd0\xcf\x11\xe0rest", filename="a.xls")[0]["message_en"]


def test_catalogue_updates_existing_codes_and_needs_a_name_for_a_new_sp(session, now):
    create_product(session, code="TY59", fee_fen=5800, name="旧名")
    report = service.import_catalogue(
        session,
        "code,name,kind,monthly_fee_yuan,data_mb\nTY59,天翼畅享 59 元,手机套餐,59,30720\nBB1,宽带 100M,宽带,50,0\n".encode(),
        filename="c.csv",
        now=now,
    )
    assert (report.created, report.updated) == (1, 1)
    ty59 = session.scalars(select(Product).where(Product.code == "TY59")).one()
    assert (ty59.name, ty59.monthly_fee_fen, ty59.data_mb) == ("天翼畅享 59 元", 5900, 30720)
    errors = _problems(
        session, now, "code,name,kind,monthly_fee_yuan,sp_code\nV1,彩铃,vas,5,SP_NEW\nV1,彩铃,vas,5,\n",
        kind="catalogue",
    )
    assert {(e["line"], e["field"]) for e in errors} == {(2, "sp_name"), (3, "code")}
    errors = _problems(session, now, "code,name,kind,monthly_fee_yuan,sp_code\nV1,彩铃,vas,5,SP_NEW\n", kind="catalogue")
    assert errors[0]["field"] == "sp_name"
    assert session.scalar(select(func.count(Product.id)).where(Product.code == "V1")) == 0


def test_one_bad_row_among_many_writes_nothing(session, now, catalogue):
    rows = [f"1370000{i:04d},用户{i},440105199001011234,深圳,TY59" for i in range(2500)]
    rows[2100] = "13700002100,坏行,440105199001011234,深圳,NOPE"
    errors = _problems(session, now, HEADER + "\n" + "\n".join(rows) + "\n")
    assert [(e["line"], e["field"]) for e in errors] == [(2102, "plan_code")]
    rows[2100] = "13700002100,好行,440105199001011234,深圳,TY59"
    done = []
    report = service.import_subscribers(
        session, (HEADER + "\n" + "\n".join(rows)).encode(), filename="x.csv", now=now,
        progress=lambda n, total: done.append((n, total)),
    )
    assert report.created == 2500 and done[-1] == (2500, 2500) and len(done) == 3
