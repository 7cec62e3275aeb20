"""Accounts and the lines on them: segment, person, plan, broadband, value-added services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from kefu.demo.build import Build
from kefu.demo.catalogue import Product
from kefu.demo.people import (
    CITIES,
    PICK_CITY,
    City,
    Pick,
    birth_year,
    chinese_name,
    credit_code,
    id_number,
    number_for,
    organisation_name,
)

FIRST_JOIN = date(2005, 1, 1)


@dataclass(slots=True)
class Member:
    """One subscriber while it is drawn; becomes a subscribers row and its subscriptions."""

    sid: int
    number: str
    name: str
    id_number: str
    city: str
    district: str
    segment: str
    vip_level: int
    birth_year: int
    joined_on: date
    plan: Product
    plan_fee: int  # what is charged: the catalogue fee unless someone erred
    plan_start: date
    plan_channel: str
    plan_by: str
    broadband: Product | None = None
    broadband_start: date | None = None
    # (product, start, end, channel, ordered_by)
    vas: list[tuple[Product, date, date | None, str, str]] = field(default_factory=list)
    data_factor: float = 0.45  # share of the data allowance used in a typical month
    voice_factor: float = 0.35
    sms_mean: float = 6.0
    manager_id: int | None = None
    status: str = "active"
    months_over: int = 0


@dataclass(slots=True)
class Group:
    """An account and its lines: one person, a family, or an organisation."""

    account_id: int
    account_no: str
    city: City
    segment: str
    members: list[Member]
    payer: str  # auto | ontime | late | arrears
    unpaid_tail: int  # arrears: how many of the latest bills stay unpaid
    bank: str | None
    bank_account: str | None
    credit_limit: int
    carry: int  # balance before the generated months
    opened: datetime


# Per account; families average three lines and organisations 2.4, so of all lines about
# 85% are individual, 7% family, 4% government-enterprise and 4% VIP.
_SEGMENT = Pick([("individual", 85.0), ("family", 2.33), ("government_enterprise", 1.67), ("vip", 4.0)])
_VIP_LEVEL = Pick([(1, 6.0), (2, 3.0), (3, 1.0)])
_PLANS = {
    "elderly": Pick([("PLAN_19", 45.0), ("PLAN_29", 30.0), ("PLAN_59", 12.0), ("FUSION_99", 8.0), ("PLAN_99", 5.0)]),
    "child": Pick([("PLAN_19", 50.0), ("PLAN_29", 40.0), ("PLAN_59", 10.0)]),
    "young": Pick([("PLAN_19", 3.0), ("PLAN_29", 15.0), ("PLAN_59", 30.0), ("PLAN_99", 20.0), ("PLAN_5G_129", 12.0),
                   ("PLAN_5G_169", 5.0), ("FUSION_99", 5.0), ("FUSION_129", 10.0)]),
    "adult": Pick([("PLAN_19", 6.0), ("PLAN_29", 14.0), ("PLAN_59", 22.0), ("PLAN_99", 15.0), ("PLAN_5G_129", 8.0),
                   ("PLAN_5G_169", 4.0), ("FUSION_99", 10.0), ("FUSION_129", 12.0), ("FUSION_169", 6.0),
                   ("FUSION_229", 3.0)]),
    "vip": Pick([("PLAN_199", 25.0), ("PLAN_5G_239", 25.0), ("PLAN_5G_169", 15.0), ("FUSION_169", 15.0),
                 ("FUSION_229", 20.0)]),
    "government_enterprise": Pick([("PLAN_59", 30.0), ("PLAN_99", 35.0), ("PLAN_5G_129", 15.0), ("PLAN_199", 20.0)]),
}
_BROADBAND = Pick([("BB_100M", 15.0), ("BB_200M", 30.0), ("BB_300M", 30.0), ("BB_500M", 18.0), ("BB_1000M", 7.0)])
_VAS = Pick([("VAS_CRBT", 30.0), ("VAS_VIDEO", 25.0), ("VAS_MUSIC", 12.0), ("VAS_GAME", 12.0), ("VAS_READ", 11.0),
             ("VAS_NEWS", 10.0)])
_PLAN_CHANNEL = Pick([("hall", 55.0), ("app", 14.0), ("wechat", 10.0), ("web", 4.0), ("hotline", 7.0),
                      ("outbound_call", 10.0)])
_VAS_CHANNEL = Pick([("app", 30.0), ("sms", 20.0), ("wechat", 15.0), ("hall", 10.0), ("outbound_call", 10.0),
                     ("sp_outbound", 8.0)])
_PAYER = Pick([("ontime", 80.0), ("late", 12.0), ("arrears", 5.0)])
_BANKS = (("中国工商银行", "622202"), ("中国建设银行", "621700"), ("中国农业银行", "622848"), ("中国银行", "621661"),
          ("招商银行", "622588"), ("平安银行", "622155"), ("交通银行", "622260"), ("中国邮政储蓄银行", "621799"))
SALES_STAFF = ["周丽萍", "陈晓东", "李婷", "黄振宇", "张雪梅", "刘国华", "何静", "罗文斌", "赵敏", "吴晓霞", "郑伟", "孙丽"]


def _between(b: Build, start: date, end: date) -> date:
    return start + timedelta(days=b.rng.below(max((end - start).days, 0) + 1))


def ordered_by(b: Build, channel: str, city: str, district: str, sp_name: str | None = None) -> str:
    if channel in ("app", "web", "wechat", "sms"):
        return "self"
    if channel == "sp_outbound":
        return sp_name or "SP"
    name = SALES_STAFF[b.rng.below(len(SALES_STAFF))]
    if channel == "hall":
        return f"{name}（{city}{district}营业厅）"
    return f"{name}（{'10000号' if channel == 'hotline' else '外呼中心'}）"


def _joined(b: Build, born: int) -> date:
    rng = b.rng
    if rng.random() < 0.08:  # new this half-year: the welcome-visit population
        joined = _between(b, b.window_start, b.window_end - timedelta(days=14))
    else:
        span = (b.window_start - FIRST_JOIN).days
        joined = b.window_start - timedelta(days=1 + int(rng.random() ** 1.6 * span))
    earliest = date(born + 16, 1, 1)
    if joined < earliest:
        joined = earliest if earliest < b.window_start else _between(b, b.window_start, b.window_end - timedelta(14))
    return joined


def _age_band(age: int, segment: str) -> str:
    if segment in ("vip", "government_enterprise"):
        return segment
    if age < 18:
        return "child"
    if age >= 60:
        return "elderly"
    return "young" if age < 30 else "adult"


def draw_member(
    b: Build, index: int, *, sid: int, city: City, district: tuple[str, str], segment: str, vip_level: int,
    organisation: tuple[str, str] | None = None, born: int | None = None, surname: str | None = None,
) -> Member:
    rng = b.rng
    this_year = b.window_end.year
    born = born if born is not None else birth_year(rng, this_year)
    male = rng.random() < 0.52
    if organisation is not None:
        name, ident = organisation
    else:
        name = chinese_name(rng, born, male)
        if surname:
            name = surname + name[1:]
        origin = city.origins(rng)
        region = district[1] if origin == "local" else origin
        ident = id_number(region, born, rng.randint(1, 12), rng.randint(1, 28), rng.below(1000), male)
    joined = _joined(b, born)
    age = this_year - born
    band = _age_band(age, segment)
    plan = b.catalogue[_PLANS[band](rng)]
    plan_start = joined if joined >= b.window_start or rng.random() < 0.55 else _between(b, joined, b.window_start)
    channel = _PLAN_CHANNEL(rng) if band != "elderly" else "hall"
    member = Member(
        sid=sid, number=number_for(index, b.seed), name=name, id_number=ident, city=city.name,
        district=district[0], segment=segment, vip_level=vip_level, birth_year=born, joined_on=joined,
        plan=plan, plan_fee=plan.item.fee_fen, plan_start=plan_start, plan_channel=channel,
        plan_by=ordered_by(b, channel, city.name, district[0]),
    )
    # Usage habits: the heavy tail comes from the lognormal spread between people.
    ratio = plan.item.use_ratio
    if band == "elderly":
        member.data_factor = min(ratio * 0.35 * rng.lognormal(0.7), 2.5)
        member.voice_factor = min(0.45 * rng.lognormal(0.4), 1.5)
    else:
        member.data_factor = min(ratio * rng.lognormal(0.75), 2.5)
        member.voice_factor = min(0.3 * rng.lognormal(0.7), 1.2)
    member.sms_mean = 2.0 + rng.random() * 12.0
    if not plan.item.bandwidth_mbps and 25 <= age < 70 and rng.random() < (0.2 if band != "elderly" else 0.1):
        member.broadband = b.catalogue[_BROADBAND(rng)]
        member.broadband_start = max(joined, _between(b, FIRST_JOIN, b.window_end - timedelta(days=20)))
    draw_vas(b, member, city)
    if segment in ("vip", "government_enterprise"):
        # Drawn even without managers, so staff or none, the rest of the stream is the same.
        slot = rng.random()
        managers = b.managers.get(city.name) or [m for ids in b.managers.values() for m in ids]
        member.manager_id = managers[int(slot * len(managers))] if managers else None
    return member


def draw_vas(b: Build, member: Member, city: City) -> None:
    rng = b.rng
    r = rng.random()
    count = 0 if r < 0.65 else 1 if r < 0.92 else 2
    codes: set[str] = set()
    earliest = max(member.joined_on, b.window_start.replace(year=b.window_start.year - 3))
    for _ in range(count):
        product = b.catalogue[_VAS(rng)]
        if product.item.code in codes:
            continue
        codes.add(product.item.code)
        start = _between(b, earliest, b.window_end - timedelta(days=10))
        end = _between(b, start + timedelta(days=20), b.window_end + timedelta(days=60)) if rng.random() < 0.25 else None
        if end is not None and end > b.window_end:
            end = None
        channel = _VAS_CHANNEL(rng)
        member.vas.append(
            (product, start, end, channel, ordered_by(b, channel, city.name, member.district, product.sp_name))
        )


def draw_group(b: Build, index: int, remaining: int) -> Group:
    """The account holding lines index, index+1, …; never more than `remaining` lines."""
    rng = b.rng
    segment = _SEGMENT(rng)
    city = PICK_CITY(rng)
    district = city.districts[rng.below(len(city.districts))]
    size = 1
    if segment == "family":
        size = rng.randint(2, 4)
    elif segment == "government_enterprise":
        size = rng.choice((1, 1, 2, 3, 5))
    size = min(size, remaining)
    vip_level = _VIP_LEVEL(rng) if segment == "vip" else 0
    organisation = None
    if segment == "government_enterprise":
        organisation = (organisation_name(rng, city.name), credit_code(rng, district[1]))
    members: list[Member] = []
    for k in range(size):
        born = None
        surname = None
        if segment == "family" and k > 0 and rng.random() < 0.35:
            born = b.window_end.year - rng.randint(10, 17)
            surname = members[0].name[0]
        sid = b.ids.take("subscribers")
        members.append(draw_member(
            b, index + k, sid=sid, city=city, district=district, segment=segment, vip_level=vip_level,
            organisation=organisation, born=born, surname=surname,
        ))
    return new_group(b, city, segment, members)


def new_group(b: Build, city: City, segment: str, members: list[Member], payer: str | None = None) -> Group:
    rng = b.rng
    account_id = b.ids.take("accounts")
    bank = bank_account = None
    if rng.random() < (0.15 if segment != "government_enterprise" else 0.5):
        bank, bin_ = _BANKS[rng.below(len(_BANKS))]
        bank_account = bin_ + "".join(str(rng.below(10)) for _ in range(13))
    if payer is None:
        payer = "auto" if bank else _PAYER(rng)
    credit = {
        "individual": rng.choice((0, 0, 5000, 10000, 20000)),
        "family": rng.choice((10000, 20000, 30000)),
        "vip": rng.choice((50000, 100000, 200000, 300000)),
        "government_enterprise": rng.choice((100000, 300000, 500000, 1000000)),
    }[segment]
    opened = min(m.joined_on for m in members)
    return Group(
        account_id=account_id, account_no=f"{city.area_code}{account_id:010d}", city=city, segment=segment,
        members=members, payer=payer, unpaid_tail=rng.randint(1, 3) if payer == "arrears" else 0,
        bank=bank, bank_account=bank_account, credit_limit=credit, carry=rng.below(101) * 100,
        opened=datetime(opened.year, opened.month, opened.day, 2, rng.below(60)),
    )


def subscription_rows(b: Build, m: Member) -> None:
    rows = b.rows["subscriptions"]
    take = b.ids.take
    rows.append((take("subscriptions"), m.sid, m.plan.id, m.plan_start.isoformat(), None, m.plan_channel,
                 m.plan_by, m.plan_fee))
    if m.broadband is not None and m.broadband_start is not None:
        rows.append((take("subscriptions"), m.sid, m.broadband.id, m.broadband_start.isoformat(), None, "hall",
                     ordered_by(b, "hall", m.city, m.district), m.broadband.item.fee_fen))
    for product, start, end, channel, by in m.vas:
        rows.append((take("subscriptions"), m.sid, product.id, start.isoformat(), end.isoformat() if end else None,
                     channel, by, product.item.fee_fen))


def subscriber_row(b: Build, g: Group, m: Member, churn_risk: float) -> None:
    joined = m.joined_on
    created = datetime(joined.year, joined.month, joined.day, 3, (m.sid * 7) % 60)
    b.rows["subscribers"].append((
        m.sid, m.number, m.number[::-1], m.name, m.id_number, m.city, m.district, m.segment, m.vip_level, m.birth_year, m.status,
        g.account_id, m.manager_id, None, churn_risk, joined.isoformat(), b.ts(created),
    ))


__all__ = ["CITIES", "Group", "Member", "draw_group", "new_group", "subscriber_row", "subscription_rows"]
