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


def usage_chart(usage: Sequence[Any], _: Callable[[str], str]) -> dict[str, Any]:
    """ECharts option: data (GB) and voice (minutes) used per month against the plan's allowance."""
    months = [month_label(u.month) for u in usage]
    gb = [round(u.data_mb / 1024, 2) for u in usage]
    gb_allowed = [round(u.data_allowance_mb / 1024, 2) for u in usage]
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 56, "top": 56, "bottom": 28},
        "xAxis": {"type": "category", "data": months},
        "yAxis": [
            {"type": "value", "name": _("流量 (GB)"), "nameTextStyle": {"align": "left"}},
            {"type": "value", "name": _("通话 (分钟)"), "nameTextStyle": {"align": "right"}},
        ],
        "series": [
            {"name": _("已用流量"), "type": "bar", "data": gb, "itemStyle": {"color": "#2563eb"}},
            {"name": _("套餐流量"), "type": "line", "data": gb_allowed, "step": "middle",
             "lineStyle": {"type": "dashed"}, "itemStyle": {"color": "#1e3a8a"}},
            {"name": _("已用通话"), "type": "bar", "yAxisIndex": 1, "data": [u.voice_minutes for u in usage],
             "itemStyle": {"color": "#f59e0b"}},
            {"name": _("套餐通话"), "type": "line", "yAxisIndex": 1, "step": "middle",
             "data": [u.voice_allowance for u in usage], "lineStyle": {"type": "dashed"},
             "itemStyle": {"color": "#b45309"}},
        ],
    }


LABELS = {"segments": SEGMENTS, "statuses": STATUSES, "vip_levels": VIP_LEVELS}


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
    chart = usage_chart(recent, lambda text: gettext(text, lang))
    return render(
        request, "customers/detail.html", view=view, usage=recent, chart=chart,
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
