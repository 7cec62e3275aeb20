"""Answers over the logged-in subscriber's own data: bills, usage, ticket progress and
the plan recommendation. Reads through the customers and tickets services only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from kefu.core.clock import local
from kefu.core.pagination import Page
from kefu.customers import service as customers
from kefu.identity.roles import Principal, Role
from kefu.robot import recommend
from kefu.tickets import service as tickets
from kefu.tickets import taxonomy
from kefu.tickets.lifecycle import LABELS_ZH, OPEN_STATUSES, Status


@dataclass
class Answer:
    type: str
    text: str
    candidates: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    ticket_number: str | None = None


def subscriber_principal(subscriber_id: int) -> Principal:
    return Principal(kind="subscriber", name=f"subscriber {subscriber_id}", roles=frozenset({Role.SUBSCRIBER}),
                     subscriber_id=subscriber_id)


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d} 元"


def _gb(mb: int) -> str:
    return f"{mb / 1024:.1f} GB" if mb >= 1024 else f"{mb} MB"


def _month(today: date, back: int) -> date:
    year, month = today.year, today.month - back
    while month <= 0:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def bill(session: Session, subscriber_id: int, *, back: int, now: datetime) -> Answer:
    """This month's (back=0) or an earlier month's bill with its lines; the latest one if
    that month is not billed yet."""
    view = customers.customer_360(session, subscriber_id, now=now)
    wanted = _month(local(now).date(), back)
    found = next((b for b in view.bills if b.month.replace(day=1) == wanted), None)
    intro = ""
    if found is None:
        if not view.bills:
            return Answer("data", f"{wanted:%Y年%m月}的账单还没有出，您目前也没有历史账单记录。")
        found = max(view.bills, key=lambda b: b.month)
        intro = f"{wanted:%Y年%m月}的账单还没有出，最近一期是{found.month:%Y年%m月}的账单：\n"
    lines = "\n".join(f"· {line.description}：{yuan(line.amount_fen)}" for line in found.lines)
    status = "已缴清" if found.status == "paid" else "未缴"
    text = f"{intro}{found.month:%Y年%m月}账单合计 {yuan(found.total_fen)}（{status}），明细：\n{lines}"
    if view.account.arrears_fen:
        text += f"\n当前欠费 {yuan(view.account.arrears_fen)}，请及时缴费以免停机。"
    return Answer("data", text, candidates=["上个月的话费" if back == 0 else "我的本月话费", "转人工"])


def usage(session: Session, subscriber_id: int, *, now: datetime) -> Answer:
    view = customers.customer_360(session, subscriber_id, now=now)
    month = _month(local(now).date(), 0)
    this = next((u for u in view.usage if u.month.replace(day=1) == month), None)
    if this is None:
        return Answer("data", f"{month:%Y年%m月}暂时还没有用量记录，数据一般有几个小时的延迟，请稍后再查。")
    parts = [f"{month:%Y年%m月}截至目前："]
    for label, used, allowed, fmt in (
        ("流量", this.data_mb, this.data_allowance_mb, _gb),
        ("通话", this.voice_minutes, this.voice_allowance, lambda v: f"{v} 分钟"),
        ("短信", this.sms, this.sms_allowance, lambda v: f"{v} 条"),
    ):
        if not used and not allowed:
            continue
        if allowed:
            left = allowed - used
            state = f"剩余 {fmt(left)}" if left >= 0 else f"已超出 {fmt(-left)}（超出部分按套餐外资费计费）"
            parts.append(f"· {label}：已用 {fmt(used)} / 套餐内 {fmt(allowed)}，{state}")
        else:
            parts.append(f"· {label}：已用 {fmt(used)}（套餐不含）")
    if view.plan is not None:
        parts.append(f"您的套餐：{view.plan.name}，{yuan(view.plan.monthly_fee_fen)}/月。")
    return Answer("data", "\n".join(parts), candidates=["推荐适合我的套餐", "我的本月话费"])


def plan(session: Session, subscriber_id: int, prefs: dict[str, object], *, now: datetime) -> Answer:
    view = customers.customer_360(session, subscriber_id, now=now)
    need = recommend.need_from(view.usage, prefs, current=view.plan)
    result = recommend.recommend(customers.list_products(session), need)
    text = recommend.explain(result, view.usage, current=view.plan)
    return Answer("recommendation", text, actions=["转人工"])


def progress(session: Session, subscriber_id: int, *, numbers: list[str], now: datetime) -> Answer:
    """The subscriber's own tickets (open ones first, at most three) and their latest step."""
    viewer = subscriber_principal(subscriber_id)
    listed = tickets.list_tickets(session, tickets.TicketFilter(), page_=Page(limit=20), viewer=viewer).items
    if numbers:
        listed = [t for t in listed if t.number in numbers]
        if not listed:
            return Answer("progress", "没有找到您名下这个编号的工单，请核对工单号（如 TS20261120000001）。")
    if not listed:
        return Answer("progress", "您目前没有工单记录。如需报修或投诉，可以直接告诉我遇到的问题。")
    open_first = sorted(listed, key=lambda t: (t.status not in OPEN_STATUSES, -t.created_at.timestamp()))[:3]
    lines = []
    for summary in open_first:
        detail = tickets.get_ticket(session, summary.id, viewer=viewer)
        status = LABELS_ZH.get(Status(detail.status), detail.status)
        kind = taxonomy.TYPES.get(detail.type, detail.type)
        line = f"· {detail.number}（{kind}：{detail.core_demand[:40]}）— 当前状态：{status}"
        step = detail.history[-1] if detail.history else None
        if step is not None:
            said = step.reason or str(step.detail.get("text", "") or "")
            line += f"；最新进展 {local(step.at):%m-%d %H:%M}" + (f"：{said[:80]}" if said else "")
        lines.append(line)
    more = "" if len(listed) <= 3 else f"\n（共 {len(listed)} 张工单，只列出最近 3 张）"
    return Answer("progress", "您的工单进度：\n" + "\n".join(lines) + more, candidates=["转人工"])
