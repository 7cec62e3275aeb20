"""Customer search and the customer 360 page for staff; unmasking for the roles allowed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kefu.api.deps import Authorize, DbSession, Now
from kefu.core.i18n import gettext
from kefu.customers import service as customers
from kefu.identity.roles import UNMASK_ROLES, Principal
from kefu.web.nav import CUSTOMER_VIEWERS
from kefu.web.rendering import language, month_label, render

router = APIRouter(include_in_schema=False)

SEGMENTS = {
    "individual": "个人",
    "family": "家庭",
    "government_enterprise": "政企",
    "vip": "VIP",
}
STATUSES = {"active": "正常", "suspended": "停机", "cancelled": "已销户"}
VIP_LEVELS = {1: "银卡", 2: "金卡", 3: "钻石卡"}


CHANNELS = {
    "hall": "营业厅", "hotline": "热线", "app": "手机营业厅", "web": "网上营业厅", "wechat": "微信",
    "outbound_call": "外呼", "sp_outbound": "SP外呼", "sms": "短信", "alipay": "支付宝", "bank": "银行",
    "auto_debit": "银行托收", "self": "本人",
}
OVER, USED, PLAN = "#dc2626", "#2563eb", "#1e3a8a"


def _usage_vs_plan(months: list[str], used: list[float], allowed: list[float], *, title: str, used_name: str,
                   plan_name: str) -> dict[str, Any]:
    bars = [{"value": u, "itemStyle": {"color": OVER if a and u > a else USED}} for u, a in zip(used, allowed, strict=True)]
    return {
        "aria": {"enabled": True},
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"right": 0, "top": 0, "data": [used_name, plan_name]},
        "grid": {"left": 44, "right": 12, "top": 48, "bottom": 28},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value"},
        "series": [
            {"name": used_name, "type": "bar", "data": bars, "barMaxWidth": 48, "itemStyle": {"color": USED}},
            {"name": plan_name, "type": "line", "data": allowed, "step": "middle", "symbol": "none",
             "lineStyle": {"type": "dashed", "width": 2}, "itemStyle": {"color": PLAN}},
        ],
    }


def usage_charts(usage: Sequence[Any], _: Callable[[str], str]) -> list[dict[str, Any]]:
    """Two ECharts options, oldest month first: data (GB) and voice (minutes) used against the
    plan's allowance; a month over the allowance is drawn red."""
    months = [month_label(u.month) for u in usage]
    return [
        _usage_vs_plan(months, [round(u.data_mb / 1024, 2) for u in usage],
                       [round(u.data_allowance_mb / 1024, 2) for u in usage],
                       title=_("流量 (GB)"), used_name=_("已用流量"), plan_name=_("套餐流量")),
        _usage_vs_plan(months, [u.voice_minutes for u in usage], [u.voice_allowance for u in usage],
                       title=_("通话 (分钟)"), used_name=_("已用通话"), plan_name=_("套餐通话")),
    ]


LABELS = {"segments": SEGMENTS, "statuses": STATUSES, "vip_levels": VIP_LEVELS, "channels": CHANNELS}


@router.get("/customers")
def search(
    request: Request,
    session: DbSession,
    q: str = "",
    principal: Principal = Depends(Authorize(*CUSTOMER_VIEWERS)),
) -> Response:
    query = q.strip()
    results = customers.search_subscribers(session, query, limit=20) if query else []
    return render(request, "customers/search.html", q=query, results=results, **LABELS)


@router.get("/customers/{subscriber_id}")
def customer_page(
    request: Request,
    session: DbSession,
    now: Now,
    subscriber_id: int,
    principal: Principal = Depends(Authorize(*CUSTOMER_VIEWERS)),
) -> Response:
    view = customers.customer_360(session, subscriber_id, now=now)
    lang = language(request)
    recent = sorted(view.usage, key=lambda u: u.month)[-3:]
    charts = usage_charts(recent, lambda text: gettext(text, lang))
    return render(
        request, "customers/detail.html", view=view, usage=recent, charts=charts,
        may_unmask=principal.may_unmask(), revealed=None, **LABELS,
    )


@router.post("/customers/{subscriber_id}/reveal")
def reveal(
    request: Request,
    session: DbSession,
    now: Now,
    subscriber_id: int,
    principal: Principal = Depends(Authorize(*UNMASK_ROLES)),
) -> Response:
    """Unmasked number, name and ID number; the service writes the audit entry."""
    view = customers.customer_360(session, subscriber_id, now=now)
    revealed = customers.reveal_identity(session, subscriber_id, actor=principal.actor, now=now)
    return render(request, "customers/_identity.html", view=view, revealed=revealed, may_unmask=True,
                  **LABELS)
