"""The demo's open tickets and the seed-003 cases, made through the tickets service use
cases, so they are exactly what the app makes and publish their events (the worker then
starts their SLA clocks from the outbox)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.customers import service as customers
from kefu.demo import ticket_texts as words
from kefu.demo.characters import (
    CROSS_REGION,
    CROSS_REGION_NOW_LIVES_IN,
    OVERBILLED_PENSIONER,
    SP_OUTBOUND_VICTIM,
)
from kefu.demo.people import FastRandom
from kefu.identity.roles import Principal, Role
from kefu.tickets import service as tickets
from kefu.tickets import taxonomy
from kefu.tickets.schemas import TicketCreate

# The stages open tickets are left at, so the queues and the SLA board show each.
STAGES = ("intake", "dispatched", "investigating", "waiting", "remedy_proposed", "resolved")


@dataclass(frozen=True)
class LiveStaff:
    """Username → principal (staff not created in this run act as a system principal)."""

    principals: dict[str, Principal]

    @classmethod
    def of(cls, user_ids: dict[str, int], names: dict[str, str], roles: dict[str, tuple[str, ...]]) -> LiveStaff:
        return cls({
            u: Principal(kind="staff", name=names[u], roles=frozenset(Role(r) for r in roles[u]),
                         user_id=user_ids.get(u))
            for u in names
        })

    def __getitem__(self, username: str) -> Principal:
        return self.principals[username]


@dataclass(frozen=True)
class CaseNumbers:
    pensioner: str
    sp_victim: str
    cross_region: str


def seed_cases(session: Session, staff: LiveStaff, *, now: datetime) -> CaseNumbers:
    """李德贵 at remedy_proposed with the refund computed from his bills; 陈秀兰 resolved with a
    double refund of the SP's charges; 赵永强 dispatched to a hall in Jinan."""
    agent, billing, vas = staff["agent1"], staff["billing1"], staff["vas1"]
    pensioner = _subscriber(session, OVERBILLED_PENSIONER.number)
    t0 = now - timedelta(days=2, hours=3)
    ticket, _ = tickets.open_ticket(session, TicketCreate(
        type="complaint", subscriber_id=pensioner, channel="hotline", category="billing", emotion="anxious",
        emotion_intensity=3, core_demand="每月套餐费比当初办的19元多收10元，要求退还多收的话费",
        description="客户来电反映：2010年在昆明五华区营业厅办理19元套餐，近期儿子帮忙查账单发现每月按29元收取，"
                    "要求核实并退还多收费用。",
    ), by=agent, now=t0)
    tickets.dispatch(session, ticket.id, department="billing", by=agent, now=t0 + timedelta(minutes=6),
                     instructions="核查套餐计费是否与开户资费一致")
    tickets.accept(session, ticket.id, by=billing, now=t0 + timedelta(hours=2))
    tickets.record_finding(session, ticket.id, track="technical", by=billing, now=t0 + timedelta(hours=20),
                           summary="开户时营业员将资费配置为29元，与19元套餐目录价不符，每月多收10元",
                           evidence="开户工单与历史账单比对")
    tickets.propose_remedy(session, ticket.id, kind="refund", basis="overcharges", product_code="PLAN_19",
                           description="按账单逐月退还多收的套餐费，并将资费更正为19元", by=billing,
                           now=t0 + timedelta(hours=22))
    first = ticket.number

    victim = _subscriber(session, SP_OUTBOUND_VICTIM.number)
    t1 = now - timedelta(days=6)
    ticket, _ = tickets.open_ticket(session, TicketCreate(
        type="complaint", subscriber_id=victim, channel="hotline", category="vas", emotion="angry",
        emotion_intensity=4, core_demand="话费里每月多扣15元“乐享游戏包”，本人从未订购，要求退订并退费",
        description="客户来电反映：接到外呼电话后被开通游戏包，对方未告知资费，本人从未同意订购。",
    ), by=agent, now=t1)
    tickets.accept(session, ticket.id, by=vas, now=t1 + timedelta(hours=1))
    tickets.record_finding(session, ticket.id, track="service_compliance", by=vas, now=t1 + timedelta(hours=8),
                           summary="SP外呼营销未告知资费，无有效二次确认记录，属违规订购",
                           evidence="SP订购日志无短信二次确认")
    remedy = tickets.propose_remedy(session, ticket.id, kind="refund", basis="vas_charges", product_code="VAS_GAME",
                                    multiplier=2, description="违规订购，按已收费用双倍退还", by=vas,
                                    now=t1 + timedelta(hours=9))
    tickets.give_consent(session, ticket.id, remedy.id, agreed=True, by=agent, now=t1 + timedelta(hours=10),
                         note="客户电话同意双倍退费")
    tickets.apply_remedy(session, ticket.id, remedy.id, by=vas, now=t1 + timedelta(hours=11))
    tickets.resolve(session, ticket.id, by=vas, now=t1 + timedelta(hours=12))
    second = ticket.number

    mover = _subscriber(session, CROSS_REGION.number)
    t2 = now - timedelta(hours=20)
    ticket, _ = tickets.open_ticket(session, TicketCreate(
        type="cross_region", subscriber_id=mover, channel="hotline", category="account", emotion="anxious",
        emotion_intensity=2, core_demand="号码归属昆明，本人现居济南，需补办实名登记，无法回昆明办理",
        description=f"客户现居{CROSS_REGION_NOW_LIVES_IN}，申请由当地营业厅协助核验身份、完成实名补登记。",
    ), by=agent, now=t2)
    tickets.dispatch(session, ticket.id, department="hall", city="济南", by=agent, now=t2 + timedelta(minutes=8),
                     instructions="请济南营业厅联系客户到厅核验身份证原件，完成实名补登记后回单",
                     due_at=t2 + timedelta(days=3))
    return CaseNumbers(first, second, ticket.number)


# Where each open ticket's governing SLA clock stands when the demo starts, in turn, so the
# board and the queues show tickets on time, due within the hour and breached.
SLA_STATES = ("on_time", "due_soon", "breached")
# The clock that decides each stage (default and complaint policies): intake waits for the
# 15-minute response; dispatched and investigating for the 24-hour feedback; a proposed
# remedy was feedback, so the 72-hour resolution; a resolved ticket for its 24-hour return
# visit. Ages in minutes since that clock started: (low, high) for each state. Every age
# stays inside the live span (3 days); the steps before a stage take at most ~2 hours.
_AGES: dict[str, dict[str, tuple[int, int]]] = {
    "intake": {"on_time": (1, 6), "due_soon": (8, 14), "breached": (30, 3 * 24 * 60 - 60)},
    "dispatched": {"on_time": (150, 12 * 60), "due_soon": (24 * 60 - 50, 24 * 60 - 15),
                   "breached": (25 * 60, 3 * 24 * 60 - 60)},
    "waiting": {"on_time": (150, 24 * 60), "due_soon": (150, 24 * 60), "breached": (25 * 60, 3 * 24 * 60 - 60)},
    "remedy_proposed": {"on_time": (150, 48 * 60), "due_soon": (72 * 60 - 50, 72 * 60 - 15),
                        "breached": (150, 48 * 60)},  # 72 hours is beyond the live span
    "resolved": {"on_time": (60, 12 * 60), "due_soon": (24 * 60 - 50, 24 * 60 - 15),
                 "breached": (25 * 60, 3 * 24 * 60 - 4 * 60)},
}
_AGES["investigating"] = _AGES["dispatched"]


def sla_state(index: int) -> str:
    """The state the index-th open ticket is set up for; shifted once per round of STAGES so
    every stage meets every state."""
    return SLA_STATES[(index + index // len(STAGES)) % len(SLA_STATES)]


def open_tickets(session: Session, staff: LiveStaff, subscribers: list[int], *, seed: int, now: datetime,
                 count: int) -> list[str]:
    """`count` tickets opened in the last three days, left at the STAGES in turn, each timed
    so its governing SLA clock is on time, due soon or breached at `now` (sla_state)."""
    rng = FastRandom(seed * 31 + 17)
    numbers = []
    for index in range(count):
        stage = STAGES[index % len(STAGES)]
        low, high = _AGES[stage][sla_state(index)]
        age = timedelta(minutes=low + rng.below(high - low + 1))
        # A resolved ticket's clock starts at the resolution, two hours after it was opened.
        at = now - age - (timedelta(hours=2) if stage == "resolved" else timedelta(0))
        kind = ("complaint", "fault", "complaint", "service_request", "external", "consultation")[index % 6]
        category = words.CATEGORY_BY_TYPE[kind](rng)
        channel = words.EXTERNAL_CHANNELS(rng) if kind == "external" else words.CHANNELS(rng)
        core, emotion = words.words(rng, kind, category)
        front = staff[rng.choice(("agent1", "agent2"))]
        ticket, _ = tickets.open_ticket(session, TicketCreate(
            type=kind, subscriber_id=subscribers[rng.below(len(subscribers))], channel=channel, category=category,
            core_demand=core, description=words.description(rng, core, None), emotion=emotion,
            emotion_intensity={"calm": 0, "anxious": 2, "angry": 4}[emotion],
        ), by=front, now=at)
        numbers.append(ticket.number)
        _advance(session, ticket.id, stage, staff, front, category, at, rng,
                 resolve_at=now - age if stage == "resolved" else None)
    return numbers


def _advance(session: Session, ticket_id: int, stage: str, staff: LiveStaff, front: Principal, category: str,
             at: datetime, rng: FastRandom, *, resolve_at: datetime | None = None) -> None:
    if stage == "intake":
        return
    department = taxonomy.default_department(category)
    handler = staff[_HANDLERS[department]]
    step = at + timedelta(minutes=3 + rng.below(20))
    tickets.dispatch(session, ticket_id, department=department, by=front, now=step,
                     instructions="请核实并处理客户诉求")
    if stage == "dispatched":
        return
    step += timedelta(minutes=5 + rng.below(60))
    tickets.accept(session, ticket_id, by=handler, now=step)
    if stage == "investigating":
        return
    if stage == "waiting":
        tickets.wait_on_customer(session, ticket_id, reason="等待客户提供缴费凭证/上门时间", by=handler, now=step)
        return
    if stage == "remedy_proposed":
        tickets.propose_remedy(session, ticket_id, kind="bill_credit", amount_fen=(5 + rng.below(26)) * 100,
                               description="话费减免作为补偿", by=handler, now=step + timedelta(minutes=30))
        return
    tickets.resolve(session, ticket_id, by=handler, now=resolve_at or step + timedelta(minutes=40),
                    resolution=rng.choice(words.RESOLUTIONS[category]))


_HANDLERS = {"billing": "billing1", "network": "network1", "vas": "vas1", "installation": "install1",
             "marketing": "marketing1", "hall": "hall1", "customer_service": "specialist1",
             "government_enterprise": "manager1"}


def _subscriber(session: Session, number: str) -> int:
    found = customers.subscriber_by_number(session, number)
    if found is None:
        raise LookupError(f"demo character {number} is missing")
    return found.id
