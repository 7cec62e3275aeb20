"""Monthly usage, bills whose lines follow from the subscriptions and the usage, payments,
and what they leave behind: balance, points, churn risk."""

from __future__ import annotations

import math
from datetime import timedelta

from kefu.demo.build import Build, Month
from kefu.demo.catalogue import (
    DATA_OVERAGE_CAP_FEN,
    DATA_OVERAGE_FEN_PER_GB,
    GB,
    SMS_OVERAGE_FEN,
    VOICE_OVERAGE_FEN_PER_MINUTE,
)
from kefu.demo.people import Pick
from kefu.demo.subscribers import Group, Member, subscriber_row, subscription_rows

_PAY = Pick([("wechat", 35.0), ("alipay", 25.0), ("app", 20.0), ("hall", 12.0), ("bank", 8.0)])
_PAY_ELDERLY = Pick([("hall", 60.0), ("wechat", 20.0), ("bank", 15.0), ("app", 5.0)])


def settle_group(b: Build, g: Group) -> None:
    """Appends every row of one account: account, lines, subscriptions, usage, bills, payments."""
    rng = b.rng
    random_, gauss, exp, log = rng.random, rng.gauss, math.exp, math.log
    ids = b.ids.next
    usage_id, bill_id, pay_id = ids["usage_months"], ids["bills"], ids["payments"]
    now = b.now_naive
    first_unpaid = sum(m.billed for m in b.months) - g.unpaid_tail
    elderly = all(b.window_end.year - m.birth_year >= 60 for m in g.members)
    usage_out = b.rows["usage_months"]
    bills_out = b.rows["bills"]
    payments_out = b.rows["payments"]
    balance = g.carry
    billed_index = 0
    for month, issued_ts in zip(b.months, b.issued_ts, strict=True):
        due: list[tuple[int, int, int]] = []
        for m in g.members:
            if m.joined_on > month.last:
                continue
            plan = m.plan.item
            share = month.share
            if m.joined_on > month.first:  # joined during the month
                share = ((month.last - m.joined_on).days + 1) / ((month.last - month.first).days + 1)
            data = int(plan.data_mb * m.data_factor * exp(gauss(0.0, 0.3)) * share)
            voice = int(plan.voice_minutes * m.voice_factor * exp(gauss(0.0, 0.3)) * share)
            sms = int(-log(1.0 - random_()) * m.sms_mean * share)
            usage_out.append((usage_id, m.sid, month.key, data, voice, sms))
            usage_id += 1
            if month.billed:
                due.append((bill_id, m.sid, _bill_lines(b, m, month, bill_id, data, voice, sms)))
                bill_id += 1
        if not month.billed:
            continue
        if due:
            total = sum(amount for _, _, amount in due)
            paid_at = None
            if g.payer == "auto":
                paid_at = month.issued + timedelta(days=5, seconds=int(random_() * 7200))
            elif g.payer == "late":
                paid_at = month.issued + timedelta(seconds=int((25 + random_() * 30) * 86400))
            elif g.payer == "ontime" or billed_index < first_unpaid:
                paid_at = month.issued + timedelta(seconds=int((1 + random_() * 19) * 86400))
            if paid_at is not None and paid_at > now:
                paid_at = None  # not paid yet: the bill is simply still open
            status = "paid" if paid_at is not None else "unpaid"
            for bid, sid, amount in due:
                bills_out.append((bid, g.account_id, sid, month.key, amount, status, issued_ts))
            if paid_at is None:
                balance -= total
            elif total > 0:
                channel = "auto_debit" if g.payer == "auto" else (_PAY_ELDERLY if elderly else _PAY)(rng)
                payments_out.append((pay_id, g.account_id, total, channel, b.ts(paid_at)))
                pay_id += 1
        billed_index += 1
    ids["usage_months"], ids["bills"], ids["payments"] = usage_id, bill_id, pay_id

    overdue = g.payer == "arrears" and g.unpaid_tail >= 2
    points = 0
    for m in g.members:
        if overdue:
            m.status = "suspended"  # 欠费停机
        subscriber_row(b, g, m, _churn_risk(b, g, m))
        subscription_rows(b, m)
        tenure_months = max(0, (b.window_end - m.joined_on).days // 30)
        points += int(tenure_months * m.plan.item.fee_fen / 100 * (0.2 + 0.6 * random_())) * (2 if m.vip_level else 1)
    b.rows["accounts"].append((
        g.account_id, g.account_no, balance, g.credit_limit, points, g.bank, g.bank_account, b.ts(g.opened),
    ))


def _bill_lines(b: Build, m: Member, month: Month, bill_id: int, data: int, voice: int, sms: int) -> int:
    """Appends the bill's lines and returns their sum (the bill total)."""
    ids = b.ids.next
    line_id = ids["bill_lines"]
    lines = b.rows["bill_lines"]
    total = 0
    plan = m.plan
    if m.plan_start <= month.last:
        lines.append((line_id, bill_id, "plan_fee", plan.bill_text, plan.id, m.plan_fee))
        line_id += 1
        total += m.plan_fee
    bb = m.broadband
    if bb is not None and m.broadband_start is not None and m.broadband_start <= month.last:
        lines.append((line_id, bill_id, "broadband_fee", bb.bill_text, bb.id, bb.item.fee_fen))
        line_id += 1
        total += bb.item.fee_fen
    for product, start, end, _channel, _by in m.vas:
        if start <= month.last and (end is None or end >= month.first):
            lines.append((line_id, bill_id, "vas_fee", product.bill_text, product.id, product.item.fee_fen))
            line_id += 1
            total += product.item.fee_fen
    over = data - plan.item.data_mb
    if over > 0:
        gb = -(-over // GB)
        amount = gb * DATA_OVERAGE_FEN_PER_GB
        text = f"套餐外国内流量 {gb}GB × 3元"
        if amount > DATA_OVERAGE_CAP_FEN:
            amount, text = DATA_OVERAGE_CAP_FEN, text + "（60元封顶）"
        lines.append((line_id, bill_id, "data_overage", text, None, amount))
        line_id += 1
        total += amount
        m.months_over += 1
    over = voice - plan.item.voice_minutes
    if over > 0:
        amount = over * VOICE_OVERAGE_FEN_PER_MINUTE
        lines.append((line_id, bill_id, "voice_overage", f"套餐外国内通话 {over}分钟 × 0.15元", None, amount))
        line_id += 1
        total += amount
    over = sms - plan.item.sms
    if over > 0:
        amount = over * SMS_OVERAGE_FEN
        lines.append((line_id, bill_id, "other", f"套餐外短信 {over}条 × 0.1元", None, amount))
        line_id += 1
        total += amount
    ids["bill_lines"] = line_id
    return total


def _churn_risk(b: Build, g: Group, m: Member) -> float:
    """A plausible score: arrears, a short tenure, bill shock and paying for unused data raise it."""
    risk = 0.03 + b.rng.random() * 0.1
    if g.payer == "arrears":
        risk += 0.3
    elif g.payer == "late":
        risk += 0.08
    tenure_days = (b.window_end - m.joined_on).days
    if tenure_days < 365:
        risk += 0.15
    elif tenure_days < 3 * 365:
        risk += 0.05
    elif tenure_days > 10 * 365:
        risk -= 0.03
    if m.months_over >= 3:
        risk += 0.12
    if m.plan.item.fee_fen >= 12900 and m.data_factor < 0.12:
        risk += 0.1
    if m.vip_level:
        risk -= 0.03
    return round(min(max(risk, 0.01), 0.97), 3)
