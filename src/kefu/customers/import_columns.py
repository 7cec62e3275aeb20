"""The columns of the subscriber and catalogue import files, and their value rules (pure).

Subscribers (one line per number):
  number*, name*, id_number*, city*, plan_code*, district, segment, vip_level,
  birth_year, joined_on, plan_start, charged_fee_yuan, account_no, balance_yuan,
  credit_limit_yuan, points
Catalogue (one line per product; an existing code is updated):
  code*, name*, kind*, monthly_fee_yuan*, data_mb, voice_minutes, sms, bandwidth_mbps,
  sp_code, sp_name, description, active
(* required). Money in yuan with at most two decimals; dates YYYY-MM-DD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from kefu.customers import rules
from kefu.customers.importing import Column, Parsed, RowError, Table, bad, rows_of


def text(limit: int):
    def parse(raw: str) -> str:
        if len(raw) > limit:
            raise bad(f"超过 {limit} 个字符", f"longer than {limit} characters")
        return raw

    return parse


def number(raw: str) -> str:
    if re.search(r"[eE][+-]?\d", raw):
        raise bad(
            f"“{raw}”是科学计数法，号码被 Excel 改写了；请把该列设为“文本”格式后重新导出",
            f"'{raw}' is in scientific notation (Excel rewrote the number); format the column as Text and export again",
        )
    cleaned = re.sub(r"[\s-]", "", raw)
    if not rules.valid_number(cleaned):
        raise bad(
            f"“{raw}”不是有效号码（11 位手机号或带区号的固话）",
            f"'{raw}' is not a valid number (an 11-digit mobile or a fixed line with area code)",
        )
    return cleaned


def id_number(raw: str) -> str:
    value = raw.upper()
    if not re.fullmatch(r"[0-9A-Z]{6,30}", value):
        raise bad(f"“{raw}”不是有效的证件号码", f"'{raw}' is not a valid ID number")
    return value


def integer(low: int, high: int):
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise bad(f"“{raw}”不是整数", f"'{raw}' is not a whole number") from None
        if not low <= value <= high:
            raise bad(f"须在 {low} 到 {high} 之间", f"must be between {low} and {high}")
        return value

    return parse


def yuan(*, negative: bool = False):
    def parse(raw: str) -> int:
        cleaned = raw.replace("¥", "").replace("￥", "").replace("元", "").replace(",", "").strip()
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise bad(f"“{raw}”不是金额（单位：元）", f"'{raw}' is not an amount in yuan") from None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise bad(f"“{raw}”最多两位小数", f"'{raw}' has more than two decimals")
        if amount < 0 and not negative:
            raise bad("不能为负数", "must not be negative")
        if abs(amount) > 10_000_000:
            raise bad("金额过大", "the amount is too large")
        return int(amount * 100)

    return parse


_DAY = re.compile(r"(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})")


def day(raw: str) -> date:
    """YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYYMMDD, years 1900–2100."""
    match = _DAY.fullmatch(raw)
    if match:
        year, month, dom = (int(g) for g in match.groups())
        try:
            if 1900 <= year <= 2100:
                return date(year, month, dom)
        except ValueError:
            pass
    raise bad(f"“{raw}”不是日期（格式 YYYY-MM-DD）", f"'{raw}' is not a date (YYYY-MM-DD)")


def choice(options: dict[str, str]):
    def parse(raw: str) -> str:
        value = options.get(raw.strip().lower())
        if value is None:
            allowed = "、".join(sorted(set(options.values())))
            raise bad(f"“{raw}”不是可选值（{allowed}）", f"'{raw}' is not one of {allowed}")
        return value

    return parse


def code(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", raw):
        raise bad(
            f"“{raw}”不是有效编码（字母、数字、_ . -，最多 40 位）",
            f"'{raw}' is not a valid code (letters, digits, _ . -, at most 40)",
        )
    return raw


SEGMENTS = {s: s for s in rules.SEGMENTS} | {
    "个人": "individual", "家庭": "family", "政企": "government_enterprise", "集团": "government_enterprise",
}
KINDS = {k: k for k in rules.PRODUCT_KINDS} | {
    "手机套餐": "mobile_plan", "套餐": "mobile_plan", "宽带": "broadband", "增值业务": "vas", "增值": "vas",
}
FLAGS = {"1": "1", "yes": "1", "true": "1", "是": "1", "y": "1", "0": "0", "no": "0", "false": "0", "否": "0", "n": "0"}

SUBSCRIBER_COLUMNS = (
    Column("number", ("号码", "手机号码", "服务号码"), True, number, "号码"),
    Column("name", ("姓名", "客户名称", "用户名称"), True, text(60), "姓名"),
    Column("id_number", ("证件号码", "身份证号"), True, id_number, "证件号码"),
    Column("city", ("城市", "地市"), True, text(30), "城市"),
    Column("plan_code", ("套餐编码",), True, code, "套餐编码"),
    Column("district", ("区县",), False, text(30), "区县"),
    Column("segment", ("客户类型", "客户分群"), False, choice(SEGMENTS), "客户类型"),
    Column("vip_level", ("vip等级", "星级"), False, integer(0, 3), "VIP 等级"),
    Column("birth_year", ("出生年份",), False, integer(1900, 2100), "出生年份"),
    Column("joined_on", ("入网日期",), False, day, "入网日期"),
    Column("plan_start", ("套餐生效日期",), False, day, "套餐生效日期"),
    Column("charged_fee_yuan", ("实收月费",), False, yuan(), "实收月费"),
    Column("account_no", ("账户号", "合同号"), False, code, "账户号"),
    Column("balance_yuan", ("余额",), False, yuan(negative=True), "余额"),
    Column("credit_limit_yuan", ("信用额度",), False, yuan(), "信用额度"),
    Column("points", ("积分",), False, integer(0, 100_000_000), "积分"),
)

CATALOGUE_COLUMNS = (
    Column("code", ("产品编码", "编码"), True, code, "产品编码"),
    Column("name", ("产品名称", "名称"), True, text(100), "产品名称"),
    Column("kind", ("产品类型", "类型"), True, choice(KINDS), "产品类型"),
    Column("monthly_fee_yuan", ("月费",), True, yuan(), "月费"),
    Column("data_mb", ("流量mb", "流量"), False, integer(0, 10_000_000), "流量（MB）"),
    Column("voice_minutes", ("通话分钟", "语音分钟"), False, integer(0, 1_000_000), "通话分钟"),
    Column("sms", ("短信条数", "短信"), False, integer(0, 1_000_000), "短信条数"),
    Column("bandwidth_mbps", ("带宽mbps", "带宽"), False, integer(0, 100_000), "带宽（Mbps）"),
    Column("sp_code", ("sp编码",), False, code, "SP 编码"),
    Column("sp_name", ("sp名称",), False, text(100), "SP 名称"),
    Column("description", ("说明", "描述"), False, text(400), "说明"),
    Column("active", ("在售",), False, choice(FLAGS), "在售"),
)


@dataclass(frozen=True)
class SubscriberRow:
    line: int
    number: str
    name: str
    id_number: str
    city: str
    plan_code: str
    district: str
    segment: str
    vip_level: int
    birth_year: int | None
    joined_on: date | None  # None: the import day
    plan_start: date | None  # None: joined_on
    charged_fee_fen: int | None  # None: the catalogue fee
    account_no: str | None
    balance_fen: int
    credit_limit_fen: int
    points: int


@dataclass(frozen=True)
class ProductRow:
    line: int
    code: str
    name: str
    kind: str
    monthly_fee_fen: int
    data_mb: int
    voice_minutes: int
    sms: int
    bandwidth_mbps: int
    sp_code: str | None
    sp_name: str | None
    description: str
    active: bool


def _birth_year(id_no: str) -> int | None:
    """The year in an 18-digit resident ID (digits 7–10)."""
    if re.fullmatch(r"\d{17}[\dX]", id_no):
        year = int(id_no[6:10])
        return year if 1900 <= year <= 2100 else None
    return None


def _subscriber(line: int, v: dict) -> SubscriberRow:
    joined, start = v["joined_on"], v["plan_start"]
    if joined and start and start < joined:
        raise ValueError(("套餐生效日期早于入网日期", "plan_start is before joined_on"), "plan_start")
    return SubscriberRow(
        line=line,
        number=v["number"],
        name=v["name"],
        id_number=v["id_number"],
        city=v["city"],
        plan_code=v["plan_code"],
        district=v["district"] or "",
        segment=v["segment"] or "individual",
        vip_level=v["vip_level"] or 0,
        birth_year=v["birth_year"] or _birth_year(v["id_number"]),
        joined_on=joined,
        plan_start=start,
        charged_fee_fen=v["charged_fee_yuan"],
        account_no=v["account_no"],
        balance_fen=v["balance_yuan"] or 0,
        credit_limit_fen=v["credit_limit_yuan"] or 0,
        points=v["points"] or 0,
    )


def _product(line: int, v: dict) -> ProductRow:
    return ProductRow(
        line=line,
        code=v["code"],
        name=v["name"],
        kind=v["kind"],
        monthly_fee_fen=v["monthly_fee_yuan"],
        data_mb=v["data_mb"] or 0,
        voice_minutes=v["voice_minutes"] or 0,
        sms=v["sms"] or 0,
        bandwidth_mbps=v["bandwidth_mbps"] or 0,
        sp_code=v["sp_code"],
        sp_name=v["sp_name"],
        description=v["description"] or "",
        active=v["active"] != "0",
    )


def duplicates(rows: list, key: str, label_zh: str) -> list[RowError]:
    """An error for every row whose `key` repeats an earlier row's."""
    first: dict[str, int] = {}
    errors = []
    for row in rows:
        value = getattr(row, key)
        if value is None:
            continue
        if value in first:
            errors.append(
                RowError(
                    row.line,
                    key,
                    f"{label_zh} {value} 与第 {first[value]} 行重复",
                    f"{key} {value} duplicates line {first[value]}",
                )
            )
        else:
            first[value] = row.line
    return errors


def parse_subscribers(table: Table) -> Parsed[SubscriberRow]:
    """Rows and problems of a subscriber file, including duplicates within the file."""
    parsed = rows_of(table, SUBSCRIBER_COLUMNS, _subscriber)
    parsed.errors += duplicates(parsed.rows, "number", "号码")
    return parsed


def parse_catalogue(table: Table) -> Parsed[ProductRow]:
    parsed = rows_of(table, CATALOGUE_COLUMNS, _product)
    parsed.errors += duplicates(parsed.rows, "code", "产品编码")
    return parsed
