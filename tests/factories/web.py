"""Page-test helpers: a customer with a plan, usage, bills and a payment; logging in
through the real forms (staff password, subscriber SMS code)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core.outbound import OutboundMessage
from kefu.customers.models import Subscriber
from tests.factories.customers import (
    add_bill,
    add_payment,
    add_subscription,
    add_usage,
    create_product,
    create_subscriber,
    months_back,
)
from tests.factories.identity import PASSWORD, create_staff

HTML = {"accept": "text/html"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


@dataclass
class SeededCustomer:
    subscriber: Subscriber
    number: str
    bill_months: list[date]


def customer_with_history(
    session: Session, *, now: datetime, number: str = "13800138000", name: str = "王小明",
    plan_code: str = "P59", id_number: str = "440105198001011234",
) -> SeededCustomer:
    """A subscriber on a 59-yuan plan (10 GB, 500 min) with 3 months of usage, 2 bills (one
    with a value-added line) and a payment."""
    plan = create_product(session, code=plan_code, name="畅享59元套餐", fee_fen=5900, data_mb=10240,
                          voice_minutes=500, sms=100)
    vas = create_product(session, code=f"{plan_code}-VAS", name="彩铃", kind="vas", fee_fen=500, sp="SP-WEB")
    subscriber = create_subscriber(session, number=number, name=name, plan=plan, id_number=id_number,
                                   segment="vip", vip_level=2, balance_fen=-1250, points=3200, churn_risk=0.7)
    add_subscription(session, subscriber, vas, start_date=date(2026, 9, 3), order_channel="sp_outbound",
                     ordered_by="SP-WEB")
    months = months_back(now, 3)
    for i, month in enumerate(months):
        add_usage(session, subscriber, month=month, data_mb=6000 + 3000 * i, voice_minutes=320 + 120 * i, sms=12)
    for month in months[:2]:
        add_bill(session, subscriber, month=month, plan=plan, lines=[("vas_fee", 500, vas)],
                 status="paid" if month == months[0] else "unpaid")
    add_payment(session, subscriber, amount_fen=6400, paid_at=datetime(months[1].year, months[1].month, 5, 3, tzinfo=UTC))
    return SeededCustomer(subscriber=subscriber, number=number, bill_months=months[:2])


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def login_staff(client: TestClient, session: Session, *, roles: tuple[str, ...], now: datetime,
                username: str | None = None) -> str:
    """Creates a staff user and logs in through /login; returns the session's CSRF token."""
    name = username or "web_" + "_".join(roles)
    create_staff(session, username=name, roles=roles, now=now, display_name=name)
    form = client.get("/login", headers=HTML)
    response = client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf_token(form.text)},
        headers=HTML, follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_token(client.get("/", headers=HTML).text)


def last_code(session: Session, number: str) -> str:
    body = session.scalars(
        select(OutboundMessage.body).where(OutboundMessage.recipient == number, OutboundMessage.purpose == "otp")
        .order_by(OutboundMessage.id.desc())
    ).first()
    assert body, f"no code was sent to {number}"
    return re.search(r"\d{6}", body).group()


def login_subscriber(client: TestClient, session: Session, *, number: str) -> str:
    """Logs a subscriber in through /portal/login and the SMS code; returns the CSRF token."""
    form = client.get("/portal/login", headers=HTML)
    code_page = client.post("/portal/login", data={"number": number, "csrf_token": csrf_token(form.text)},
                            headers=HTML)
    response = client.post(
        "/portal/verify",
        data={"number": number, "code": last_code(session, number), "csrf_token": csrf_token(code_page.text)},
        headers=HTML, follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/portal", response.text
    return csrf_token(client.get("/portal", headers=HTML).text)


def subscriber_at_the_live_chat(client: TestClient, session: Session, *, now: datetime) -> SeededCustomer:
    """A contact centre set up, and a subscriber with history logged in to the portal,
    about to open the live chat widget."""
    from tests.factories.routing import create_centre

    create_centre(session, now=now)
    customer = customer_with_history(session, now=now)
    session.commit()
    login_subscriber(client, session, number=customer.number)
    return customer


def chat_sockets_take_turns(monkeypatch) -> threading.Lock:
    """The test database is one shared connection (rolled back after the test): the customer
    socket's transactions and the test's own reads and writes must take turns on it, as two
    processes' connections need not. Returns the lock the test holds while it touches the
    database."""
    from starlette.concurrency import run_in_threadpool

    from kefu.core.db import unit_of_work
    from kefu.web import chat_portal, chat_socket

    shared = threading.Lock()

    def one_at_a_time(websocket, work):
        def run():
            with shared, unit_of_work(websocket.app.state.sessionmaker) as db:
                return work(db, websocket.app.state.clock.now())
        return run_in_threadpool(run)

    monkeypatch.setattr(chat_portal, "in_transaction", one_at_a_time)
    monkeypatch.setattr(chat_socket, "in_transaction", one_at_a_time)  # the frames' work (acting_on)
    return shared
