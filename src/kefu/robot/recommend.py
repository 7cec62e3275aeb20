"""Which plan fits: the real catalogue against the last 3 months of usage (pure).

Data need ≈ the 90th percentile of the last three months plus headroom (20%, 30% when the
customer asks for more data), rounded up to whole GB; minutes likewise with 10%. With
broadband wanted, a fusion plan (mobile + broadband) or a mobile plan plus a broadband
product, whichever is cheaper. Among the plans that cover the need (and the budget, when
given) the cheapest wins; ties go to more data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kefu.customers.schemas import ProductView, UsageVsPlan

GB = 1024


def percentile(values: Sequence[int], q: float) -> float:
    """Linear-interpolated percentile (numpy's default method); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Need:
    data_mb: int
    voice_minutes: int
    broadband: bool
    budget_fen: int | None
    months: int  # how many months of usage it is based on


def need_from(usage: Sequence[UsageVsPlan], prefs: dict[str, object], *, current: ProductView | None) -> Need:
    recent = sorted(usage, key=lambda u: u.month)[-3:]
    headroom = 1.3 if prefs.get("more_data") else 1.2
    data = percentile([u.data_mb for u in recent], 0.9) * headroom
    if prefs.get("more_data") and current is not None:
        data = max(data, current.data_mb * 1.5)
    voice = percentile([u.voice_minutes for u in recent], 0.9) * 1.1
    if prefs.get("more_voice") and current is not None:
        voice = max(voice, current.voice_minutes * 1.5)
    budget = prefs.get("budget_fen")
    return Need(
        data_mb=max(GB, math.ceil(data / GB) * GB), voice_minutes=math.ceil(voice),
        broadband=bool(prefs.get("broadband")), budget_fen=int(budget) if isinstance(budget, int) else None,
        months=len(recent),
    )


@dataclass(frozen=True)
class Offer:
    plan: ProductView
    broadband: ProductView | None  # a separate broadband product, when the plan has none
    fee_fen: int


@dataclass(frozen=True)
class Recommendation:
    need: Need
    best: Offer | None
    within_budget: bool
    alternatives: tuple[Offer, ...]


def _offers(catalogue: Sequence[ProductView], need: Need) -> list[Offer]:
    plans = [p for p in catalogue if p.kind == "mobile_plan"]
    if not need.broadband:
        return [Offer(p, None, p.monthly_fee_fen) for p in plans]
    fixed = sorted((p for p in catalogue if p.kind == "broadband"), key=lambda p: p.monthly_fee_fen)
    offers = [Offer(p, None, p.monthly_fee_fen) for p in plans if p.bandwidth_mbps > 0]
    if fixed:
        cheapest = fixed[0]
        offers += [Offer(p, cheapest, p.monthly_fee_fen + cheapest.monthly_fee_fen) for p in plans
                   if p.bandwidth_mbps == 0]
    return offers


def recommend(catalogue: Sequence[ProductView], need: Need) -> Recommendation:
    offers = _offers(catalogue, need)
    covering = [o for o in offers if o.plan.data_mb >= need.data_mb and o.plan.voice_minutes >= need.voice_minutes]
    if not covering:  # minutes are the softer need: keep the data
        covering = [o for o in offers if o.plan.data_mb >= need.data_mb]
    if not covering:  # nothing is that big: the biggest there is
        covering = sorted(offers, key=lambda o: -o.plan.data_mb)[:1]
    ranked = sorted(covering, key=lambda o: (o.fee_fen, -o.plan.data_mb))
    affordable = [o for o in ranked if need.budget_fen is None or o.fee_fen <= need.budget_fen]
    pool = affordable or ranked
    best = pool[0] if pool else None
    return Recommendation(need=need, best=best, within_budget=bool(affordable),
                          alternatives=tuple(o for o in pool[1:3]))


def _yuan(fen: int) -> str:
    return f"{fen / 100:.0f}" if fen % 100 == 0 else f"{fen / 100:.2f}"


def _gb(mb: float) -> str:
    return f"{mb / GB:.1f}".rstrip("0").rstrip(".") + "GB"


def _offer_name(offer: Offer) -> str:
    if offer.broadband is None:
        return f"{offer.plan.name}"
    return f"{offer.plan.name} + {offer.broadband.name}"


def explain(rec: Recommendation, usage: Sequence[UsageVsPlan], *, current: ProductView | None) -> str:
    """Why this plan, in Chinese, with the monthly fee."""
    if rec.best is None:
        return "抱歉，目前没有可办理的套餐信息，请转人工为您查询。"
    need, best = rec.need, rec.best
    recent = sorted(usage, key=lambda u: u.month)[-3:]
    lines = []
    if recent:
        used = "、".join(_gb(u.data_mb) for u in recent)
        lines.append(f"您近{len(recent)}个月的流量分别用了 {used}，通话最多约 {max(u.voice_minutes for u in recent)} 分钟。")
    lines.append(f"按用量留出余量，建议每月流量不少于 {_gb(need.data_mb)}、通话不少于 {need.voice_minutes} 分钟"
                 + ("，并含宽带。" if need.broadband else "。"))
    detail = f"流量 {_gb(best.plan.data_mb)}、通话 {best.plan.voice_minutes} 分钟"
    bandwidth = best.plan.bandwidth_mbps or (best.broadband.bandwidth_mbps if best.broadband else 0)
    if bandwidth:
        detail += f"、{bandwidth}M 宽带"
    lines.append(f"推荐：{_offer_name(best)}，每月 {_yuan(best.fee_fen)} 元（{detail}）。")
    if need.budget_fen is not None and not rec.within_budget:
        lines.append(f"在 {_yuan(need.budget_fen)} 元以内没有能满足您用量的套餐，这是满足用量的最低价。")
    if current is not None:
        diff = best.fee_fen - current.monthly_fee_fen
        change = f"比现在多 {_yuan(diff)} 元" if diff > 0 else f"比现在省 {_yuan(-diff)} 元" if diff < 0 else "与现在持平"
        lines.append(f"您现在是{current.name}（{_yuan(current.monthly_fee_fen)} 元/月，流量 {_gb(current.data_mb)}），"
                     f"换后每月{change}。")
    for alt in rec.alternatives:
        lines.append(f"也可以考虑：{_offer_name(alt)}，每月 {_yuan(alt.fee_fen)} 元，流量 {_gb(alt.plan.data_mb)}。")
    lines.append("如需办理，可回复“转人工”由客服为您办理，或到营业厅办理。")
    return "\n".join(lines)
