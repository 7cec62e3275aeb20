"""The navigation: which pages each role sees in the header and on the home page.

An entry is shown only when the app really serves a GET page at its path, so a module
whose pages are not built yet gets no dead link. A helper adding pages adds one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from kefu.identity.roles import Principal, Role

FRONT_LINE = (Role.AGENT, Role.SPECIALIST, Role.COMPLAINT_HANDLER)
# Roles that open the customer search and 360 page (kefu.web.customers uses the same tuple).
CUSTOMER_VIEWERS = (*FRONT_LINE, Role.SUPERVISOR, Role.ACCOUNT_MANAGER)


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # Chinese msgid; English in locales/en.json
    hint: str
    roles: tuple[Role, ...]


NAV: tuple[NavItem, ...] = (
    NavItem("/customers", "客户查询", "按号码、姓名或账户查找客户，查看客户360视图", CUSTOMER_VIEWERS),
    NavItem("/chats", "在线会话", "同时接待多个网页在线客户，实时回复", (*FRONT_LINE, Role.SUPERVISOR)),
    NavItem("/tickets", "工单", "受理、派单、跟踪投诉与服务请求", (*FRONT_LINE, Role.SUPERVISOR)),
    NavItem("/wallboard", "看板", "实时话务、时效预警与班组指标", (Role.SUPERVISOR,)),
    NavItem("/robot/review", "机器人答案复核", "复核客户点踩或机器人不确定的回答，指出正确条目或知识缺口",
            (*FRONT_LINE, Role.SUPERVISOR, Role.KB_EDITOR)),
    NavItem("/robot/metrics", "机器人指标", "命中率、答案准确率（含坐席复核）、自助解决率与未答好的问题",
            (Role.SUPERVISOR, Role.KB_EDITOR, Role.ANALYST, Role.ADMIN)),
    NavItem("/admin/users", "用户", "员工账号与角色", (Role.ADMIN,)),
    NavItem("/admin/outbox", "消息发件箱", "待发和已发的短信与邮件（演示模式下显示验证码）", (Role.ADMIN,)),
    NavItem("/admin/audit", "审计日志", "敏感信息查看等操作记录", (Role.ADMIN,)),
    NavItem("/admin/holidays", "法定节假日", "录入 chinese-calendar 尚未覆盖年份的节假日与调休", (Role.ADMIN,)),
)


def _served_paths(app: FastAPI) -> frozenset[str]:
    cached = getattr(app.state, "web_page_paths", None)
    if cached is None:
        # FastAPI keeps included routers nested; iter_route_contexts flattens them with full paths.
        cached = frozenset(
            route.path for route in iter_route_contexts(app.routes) if route.path and "GET" in (route.methods or ())
        )
        app.state.web_page_paths = cached
    return cached


def items_for(app: FastAPI, principal: Principal | None) -> list[NavItem]:
    if principal is None or principal.kind != "staff":
        return []
    served = _served_paths(app)
    return [item for item in NAV if item.path in served and principal.has_any(frozenset(item.roles))]
