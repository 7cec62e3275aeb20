"""Tickets API: the complaint path over HTTP, who may do what, and bad input answered
with a clear 4xx while nothing is half-written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kefu.api.deps import CSRF_HEADER, SESSION_COOKIE
from kefu.identity import service as identity
from kefu.identity.models import WebSession
from tests.factories.customers import add_bill, create_product, create_subscriber
from tests.factories.identity import bearer, create_staff
from tests.factories.tickets import counts, published

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def as_staff(app, session, now, *, username: str, roles: tuple[str, ...]) -> TestClient:
    create_staff(session, username=username, display_name=username, roles=roles, now=now)
    client = TestClient(app)
    client.headers.update(bearer(session, username=username, now=now))
    return client


def as_subscriber(app, session, now, subscriber_id: int) -> TestClient:
    cookie = identity.start_web_session(session, now=now, minutes=30, subscriber_id=subscriber_id)
    session.commit()
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, cookie)
    csrf = session.scalars(select(WebSession.csrf_token).order_by(WebSession.id.desc())).first()
    client.headers.update({CSRF_HEADER: csrf})
    return client


@pytest.fixture
def pensioner(session):
    plan = create_product(session, code="PLAN19", fee_fen=1900)
    subscriber = create_subscriber(session, name="李大爷", plan=plan, charged_fee_fen=2900)
    for month in (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)):
        add_bill(session, subscriber, month=month, plan=plan, plan_fee_fen=2900)
    return subscriber


@pytest.fixture
def handler(app, session, now):
    return as_staff(app, session, now, username="yang.qian", roles=("complaint_handler",))


def complaint(subscriber_id: int, **extra) -> dict:
    return {"type": "complaint", "subscriber_id": subscriber_id, "channel": "hotline",
            "core_demand": "每月多收10元", "category": "billing", "emotion": "anxious", **extra}


def test_a_complaint_goes_from_intake_to_closed_over_http(app, session, now, pensioner, handler):
    key = {"Idempotency-Key": "call-20261120-0001"}
    created = handler.post("/api/v1/tickets", json=complaint(pensioner.id), headers=key)
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["status"] == "intake" and ticket["department"] == "billing" and ticket["owner_id"]
    assert [e["kind"] for e in ticket["history"]] == ["opened"]
    replay = handler.post("/api/v1/tickets", json=complaint(pensioner.id), headers=key)
    assert replay.status_code == 200 and replay.json()["id"] == ticket["id"]
    other = handler.post("/api/v1/tickets", json=complaint(pensioner.id, core_demand="别的事"), headers=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"

    tid = ticket["id"]
    base = f"/api/v1/tickets/{tid}"
    step = handler.post(f"{base}/dispatch", json={"department": "billing", "version": ticket["version"]})
    assert step.status_code == 200 and step.json()["status"] == "dispatched"
    step = handler.post(f"{base}/findings", json={"track": "service_compliance", "summary": "入网单为 19 元套餐"})
    assert step.json()["status"] == "investigating"
    step = handler.post(f"{base}/remedies", json={"kind": "refund", "basis": "overcharges", "product_code": "PLAN19"})
    assert step.status_code == 200, step.text
    remedy = step.json()["remedies"][0]
    assert remedy["amount_fen"] == 3 * 1000 and remedy["consent"] == "proposed"

    customer = as_subscriber(app, session, now, pensioner.id)
    answered = customer.post(f"{base}/remedies/{remedy['id']}/consent", json={"agreed": True})
    assert answered.status_code == 200 and answered.json()["status"] == "customer_agreed"
    assert handler.post(f"{base}/remedies/{remedy['id']}/apply", json={}).status_code == 200
    assert handler.post(f"{base}/resolve", json={}).json()["status"] == "resolved"
    closed = handler.post(f"{base}/return-visit", json={"outcome": "satisfied"})
    assert closed.json()["status"] == "closed" and closed.json()["allowed_next"] == ["investigating"]

    listed = handler.get("/api/v1/tickets", params={"status": "closed", "category": "billing"}).json()
    assert listed["total"] == 1 and listed["items"][0]["number"] == ticket["number"]
    mine = customer.get(base).json()
    assert all(e["visibility"] == "customer" for e in mine["history"]) and mine["findings"] == []


def test_unknown_subscriber_category_or_department_is_refused_and_nothing_written(session, pensioner, handler):
    before = counts(session)
    missing = handler.post("/api/v1/tickets", json=complaint(999_999))
    assert missing.status_code == 404 and missing.json()["code"] == "subscriber_not_found"
    category = handler.post("/api/v1/tickets", json=complaint(pensioner.id, category="weather"))
    assert category.status_code == 422 and category.json()["code"] == "unknown_category"
    assert "billing" in category.json()["message"] and category.json()["message_en"].startswith("Unknown category")
    department = handler.post("/api/v1/tickets", json=complaint(pensioner.id, department="kitchen"))
    assert department.status_code == 422 and department.json()["code"] == "unknown_department"
    # A complaint without a category is classified at intake: tests/api/test_intake_api.py.
    assert handler.post("/api/v1/tickets", json={"type": "complaint"}).status_code == 422
    session.expire_all()
    assert counts(session) == before


def test_illegal_transition_is_409_naming_the_allowed_steps(session, pensioner, handler):
    tid = handler.post("/api/v1/tickets", json=complaint(pensioner.id)).json()["id"]
    before = counts(session)
    response = handler.post(f"/api/v1/tickets/{tid}/return-visit", json={"outcome": "satisfied"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert "已派单（dispatched）" in body["message"] and "dispatched" in body["message_en"]
    assert set(body["details"]["allowed_next"]) == {"dispatched", "investigating", "resolved", "cancelled", "rejected"}
    session.expire_all()
    assert counts(session) == before


def test_remedy_cannot_be_applied_without_consent(session, pensioner, handler):
    tid = handler.post("/api/v1/tickets", json=complaint(pensioner.id)).json()["id"]
    remedy = handler.post(f"/api/v1/tickets/{tid}/remedies", json={"kind": "bill_credit", "amount_fen": 500}).json()
    remedy_id = remedy["remedies"][0]["id"]
    before = counts(session)
    response = handler.post(f"/api/v1/tickets/{tid}/remedies/{remedy_id}/apply", json={})
    assert response.status_code == 409 and response.json()["code"] == "consent_required"
    typed = handler.post(f"/api/v1/tickets/{tid}/remedies",
                         json={"kind": "refund", "amount_fen": 99999, "basis": "overcharges", "product_code": "PLAN19"})
    assert typed.status_code == 422 and typed.json()["code"] == "refund_amount_typed"
    session.expire_all()
    assert counts(session) == before


def test_stale_version_is_409_naming_who_changed_it_and_when(app, session, now, pensioner, handler):
    ticket = handler.post("/api/v1/tickets", json=complaint(pensioner.id)).json()
    colleague = as_staff(app, session, now, username="li.na", roles=("agent",))
    assert colleague.post(f"/api/v1/tickets/{ticket['id']}/notes",
                          json={"text": "客户又来电", "version": ticket["version"]}).status_code == 200
    stale = handler.post(f"/api/v1/tickets/{ticket['id']}/accept", json={"version": ticket["version"]})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert "li.na" in stale.json()["message"] and "2026-11-20 10:00:00" in stale.json()["message"]
    assert stale.json()["details"]["changed_by"].endswith("li.na")
    fresh = handler.get(f"/api/v1/tickets/{ticket['id']}").json()
    assert handler.post(f"/api/v1/tickets/{ticket['id']}/accept", json={"version": fresh["version"]}).status_code == 200


def test_attachments_are_checked_for_size_and_type_by_their_bytes(app, session, pensioner, handler):
    tid = handler.post("/api/v1/tickets", json=complaint(pensioner.id)).json()["id"]
    url = f"/api/v1/tickets/{tid}/attachments"
    before = counts(session)
    too_big = handler.post(url, files={"file": ("big.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf")})
    assert too_big.status_code == 413 and too_big.json()["code"] == "attachment_too_large"
    exe = handler.post(url, files={"file": ("form.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf")})
    assert exe.status_code == 415 and exe.json()["code"] == "attachment_type_not_allowed"
    app.state.settings.ticket_attachment_max_bytes = 16
    assert handler.post(url, files={"file": ("form.pdf", PDF, "application/pdf")}).status_code == 413
    session.expire_all()
    assert counts(session) == before
    app.state.settings.ticket_attachment_max_bytes = 5 * 1024 * 1024

    ok = handler.post(url, files={"file": ("入网单.pdf", PDF, "application/octet-stream")})
    assert ok.status_code == 200
    attachment = ok.json()["attachments"][0]
    assert attachment["content_type"] == "application/pdf" and attachment["size"] == len(PDF)
    download = handler.get(f"{url}/{attachment['id']}")
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"


def test_a_subscriber_files_and_follows_only_their_own_tickets(app, session, now, pensioner, handler):
    neighbour = create_subscriber(session, name="邻居")
    theirs = handler.post("/api/v1/tickets", json=complaint(neighbour.id)).json()["id"]
    customer = as_subscriber(app, session, now, pensioner.id)
    mine = customer.post("/api/v1/tickets", json=complaint(pensioner.id, channel="app"))
    assert mine.status_code == 201 and mine.json()["owner_id"] is None
    assert customer.post("/api/v1/tickets", json=complaint(neighbour.id, channel="app")).status_code == 404
    assert [t["id"] for t in customer.get("/api/v1/tickets").json()["items"]] == [mine.json()["id"]]
    assert customer.get(f"/api/v1/tickets/{theirs}").status_code == 404
    assert customer.post(f"/api/v1/tickets/{theirs}/notes", json={"text": "hi"}).status_code == 404
    assert customer.post(f"/api/v1/tickets/{mine.json()['id']}/accept", json={}).status_code == 403
    assert customer.post("/api/v1/tickets", json=complaint(pensioner.id, channel="hall")).status_code == 422
    # Another demand: the same text again would be a repeat complaint (and rise on its own).
    urgent = customer.post("/api/v1/tickets", json=complaint(pensioner.id, channel="app", category="plan",
                                                             core_demand="想换个便宜点的套餐", priority="urgent"))
    assert urgent.status_code == 201 and urgent.json()["priority"] == "normal"
    remedy = handler.post(f"/api/v1/tickets/{theirs}/remedies", json={"kind": "voucher", "amount_fen": 500}).json()
    consent_url = f"/api/v1/tickets/{theirs}/remedies/{remedy['remedies'][0]['id']}/consent"
    assert customer.post(consent_url, json={"agreed": True}).status_code == 404

    # The first staff member to accept a self-filed complaint owns it.
    accepted = handler.post(f"/api/v1/tickets/{mine.json()['id']}/accept", json={}).json()
    owner = accepted["owner_id"]
    assert owner is not None
    colleague = as_staff(app, session, now, username="wang.wu", roles=("specialist",))
    colleague.post(f"/api/v1/tickets/{mine.json()['id']}/dispatch", json={"department": "billing"})
    assert handler.get(f"/api/v1/tickets/{mine.json()['id']}").json()["owner_id"] == owner


def test_waiting_on_the_customer_and_their_reply(app, session, now, pensioner, handler):
    tid = handler.post("/api/v1/tickets", json=complaint(pensioner.id)).json()["id"]
    waiting = handler.post(f"/api/v1/tickets/{tid}/waiting", json={"reason": "等待客户提供缴费凭证"}).json()
    assert waiting["waiting_reason"] == "等待客户提供缴费凭证" and waiting["responded_at"]
    customer = as_subscriber(app, session, now, pensioner.id)
    replied = customer.post(f"/api/v1/tickets/{tid}/notes", json={"text": "凭证已上传"}).json()
    assert replied["waiting_since"] is None
    assert [e["kind"] for e in replied["history"]][-2:] == ["customer_message", "customer_replied"]
    events = published(session, tid)
    assert events.index("TicketWaitingOnCustomer") < events.index("TicketCustomerReplied")


def test_list_filters_and_paging(session, now, pensioner, handler, clock):
    for category in ("billing", "billing", "vas", "plan", "billing"):
        handler.post("/api/v1/tickets", json=complaint(pensioner.id, category=category, type="consultation"))
        clock.advance(timedelta(hours=1))
    first = handler.get("/api/v1/tickets", params={"category": "billing", "limit": 2}).json()
    assert first["total"] == 3 and len(first["items"]) == 2 and not first["total_capped"]
    second = handler.get("/api/v1/tickets", params={"category": "billing", "limit": 2, "offset": 2}).json()
    assert len(second["items"]) == 1
    assert {t["id"] for t in first["items"]}.isdisjoint({t["id"] for t in second["items"]})
    ranged = handler.get("/api/v1/tickets", params={"created_from": "2026-11-20T11:00:00",
                                                    "created_to": "2026-11-20T13:00:00"}).json()
    assert ranged["total"] == 2  # local time: 11:00 and 12:00 Shanghai
    assert handler.get("/api/v1/tickets", params={"department": "marketing"}).json()["total"] == 1
    assert handler.get("/api/v1/tickets", params={"status": "bogus"}).status_code == 422
    assert handler.get("/api/v1/tickets", params={"limit": 500}).status_code == 422


def test_merge_split_and_problem_records(session, now, pensioner, handler):
    a = handler.post("/api/v1/tickets", json=complaint(pensioner.id)).json()
    b = handler.post("/api/v1/tickets", json=complaint(pensioner.id, channel="app")).json()
    assert b["is_repeat"] and b["repeat_chain"][0]["id"] == a["id"]
    merged = handler.post(f"/api/v1/tickets/{b['id']}/merge", json={"into_ticket_id": a["id"]}).json()
    assert merged["id"] == a["id"]
    assert handler.get(f"/api/v1/tickets/{b['id']}").json()["status"] == "cancelled"
    split = handler.post(f"/api/v1/tickets/{a['id']}/split", json={"core_demand": "另需办理携号转网咨询",
                                                                    "category": "account", "type": "consultation"})
    assert split.status_code == 201 and split.json()["department"] == "hall"
    assert split.json()["links"][0]["kind"] == "split_from"

    problem = handler.post("/api/v1/problems", json={"title": "19 元套餐错办 29 元", "root_cause": "营业员录入差错",
                                                     "ticket_ids": [a["id"]]})
    assert problem.status_code == 201 and problem.json()["ticket_ids"] == [a["id"]]
    pid = problem.json()["id"]
    assert handler.post(f"/api/v1/problems/{pid}/tickets", json={"ticket_ids": [b["id"]]}).json()["ticket_ids"] == [
        a["id"], b["id"]]
    done = handler.post(f"/api/v1/problems/{pid}/progress", json={"status": "rectified", "note": "已培训"})
    assert done.json()["status"] == "rectified"
    again = handler.post(f"/api/v1/problems/{pid}/progress", json={"status": "rectifying", "note": "x"})
    assert again.status_code == 409
