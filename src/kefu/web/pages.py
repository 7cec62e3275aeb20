"""Registers every page router and the HTML error page.

A helper adding pages appends its router to `routers()` and, for a navigation entry,
one line to kefu/web/nav.py."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from kefu.web.error_page import render_error_page


def install(app: FastAPI) -> None:
    app.state.render_error_page = render_error_page
    for router in routers():
        app.include_router(router)


def routers() -> list[APIRouter]:
    from kefu.web import (
        admin,
        admin_holidays,
        board,
        customers,
        portal,
        portal_tickets,
        staff,
        ticket_actions,
        ticket_pages,
    )
    from kefu.web import chat_agent as chat_desk_pages
    from kefu.web import chat_monitor as chat_monitor_pages
    from kefu.web import chat_portal as live_chat_pages
    from kefu.web import robot_chat as robot_chat_pages
    from kefu.web import robot_review as robot_review_pages
    from kefu.web import ticket_knowledge as knowledge_pages

    return [staff.router, portal.router, customers.router, admin.router,
            ticket_pages.router, ticket_actions.router, portal_tickets.router,
            robot_chat_pages.router, board.router, live_chat_pages.router, chat_desk_pages.router,
            knowledge_pages.router, robot_review_pages.router, chat_monitor_pages.router,
            admin_holidays.router]
