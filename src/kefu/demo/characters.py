"""The seed-003 cases, as named subscribers with fixed numbers (the same for every seed).

Their numbers use suffixes below 1,000,000, which the random numbers never take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kefu.demo.build import Build
from kefu.demo.people import CITY_BY_NAME, id_number
from kefu.demo.subscribers import Group, Member, new_group, ordered_by


@dataclass(frozen=True)
class Character:
    key: str
    number: str
    name: str
    story_zh: str
    story_en: str


OVERBILLED_PENSIONER = Character(
    "overbilled_pensioner", "18900000019", "李德贵",
    "2010年在昆明五华区营业厅办理19元套餐，因营业员差错每月按29元收费至今",
    "Signed up for the 19-yuan plan in 2010; a clerk's error has charged him 29 yuan a month ever since",
)
SP_OUTBOUND_VICTIM = Character(
    "sp_outbound_victim", "13300000315", "陈秀兰",
    "SP外呼营销开通“乐享游戏包”（15元/月），未告知资费，本人称从未订购",
    "An SP's outbound call signed her up for a 15-yuan game pack without stating the price",
)
CROSS_REGION = Character(
    "cross_region", "17300000871", "赵永强",
    "号码归属昆明，本人现居山东省济南市，需补办实名登记（跨省协同）",
    "Number registered in Kunming; he now lives in Jinan, Shandong and must finish real-name registration",
)
CHARACTERS: tuple[Character, ...] = (OVERBILLED_PENSIONER, SP_OUTBOUND_VICTIM, CROSS_REGION)
# Where the cross-region subscriber lives now; the customer tables keep only where he registered.
CROSS_REGION_NOW_LIVES_IN = "山东省济南市历下区"


def character_group(b: Build, index: int) -> Group:
    """The account of character `index` (0, 1 or 2), drawn through the same code as everyone."""
    return (_pensioner, _sp_victim, _cross_region)[index](b)


def _member(b: Build, c: Character, *, city: str, district: str, region: str, born: date, male: bool,
            joined: date, plan: str, plan_fee: int | None = None, plan_by: str | None = None) -> Member:
    product = b.catalogue[plan]
    return Member(
        sid=b.ids.take("subscribers"), number=c.number, name=c.name,
        id_number=id_number(region, born.year, born.month, born.day, 37, male), city=city, district=district,
        segment="individual", vip_level=0, birth_year=born.year, joined_on=joined, plan=product,
        plan_fee=product.item.fee_fen if plan_fee is None else plan_fee, plan_start=joined, plan_channel="hall",
        plan_by=plan_by or ordered_by(b, "hall", city, district),
    )


def _pensioner(b: Build) -> Group:
    m = _member(
        b, OVERBILLED_PENSIONER, city="昆明", district="五华区", region="530102", born=date(1956, 8, 14),
        male=True, joined=date(2010, 6, 12), plan="PLAN_19", plan_fee=2900,  # catalogue says 1900
        plan_by="周丽萍（昆明五华区营业厅）",
    )
    # Light use, so every bill shows exactly the 29-yuan plan fee and nothing else.
    m.data_factor, m.voice_factor, m.sms_mean = 0.1, 0.35, 2.0
    group = new_group(b, CITY_BY_NAME["昆明"], "individual", [m], payer="ontime")
    group.bank = group.bank_account = None
    return group


def _sp_victim(b: Build) -> Group:
    m = _member(
        b, SP_OUTBOUND_VICTIM, city="深圳", district="龙岗区", region="430421", born=date(1968, 3, 21),
        male=False, joined=date(2014, 3, 8), plan="PLAN_29",
    )
    m.data_factor, m.voice_factor, m.sms_mean = 0.3, 0.3, 4.0
    game = b.catalogue["VAS_GAME"]
    # Four billed months before the customer noticed (the current month is never billed).
    start = b.months[-5].first + timedelta(days=5) if len(b.months) >= 5 else b.months[0].first
    m.vas.append((game, start, None, "sp_outbound", game.sp_name or ""))
    group = new_group(b, CITY_BY_NAME["深圳"], "individual", [m], payer="ontime")
    group.bank = group.bank_account = None
    return group


def _cross_region(b: Build) -> Group:
    m = _member(
        b, CROSS_REGION, city="昆明", district="盘龙区", region="530103", born=date(1985, 11, 2), male=True,
        joined=date(2012, 9, 20), plan="PLAN_59",
    )
    m.data_factor, m.voice_factor, m.sms_mean = 0.4, 0.3, 5.0
    group = new_group(b, CITY_BY_NAME["昆明"], "individual", [m], payer="ontime")
    group.bank = group.bank_account = None
    return group
