"""Customers API: who may search, see the 360, unmask; a subscriber sees only themself."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kefu.api.deps import CSRF_HEADER, SESSION_COOKIE
from kefu.core.audit import AuditEntry
from kefu.identity import service as identity
from kefu.identity.models import WebSession
from tests.factories.customers import add_bill, create_product, create_subscriber, months_back
from tests.factories.identity import api_client_as


@pytest.fixture
def pensioner(session, now):
    plan = create_product(session, code="P19", fee_fen=1900, data_mb=1024)
    sub = create_subscriber(
        session, number="13812341234", name="王建国", id_number="440105195801011234", plan=plan, charged_fee_fen=2900
    )
    for month in months_back(now, 3):
        add_bill(session, sub, month=month, plan=plan, plan_fee_fen=2900)
    return sub


def _as_subscriber(client, session, subscriber_id, now):
    cookie = identity.start_web_session(session, now=now, minutes=30, subscriber_id=subscriber_id)
    session.commit()
    client.cookies.set(SESSION_COOKIE, cookie)
    csrf = session.scalars(select(WebSession.csrf_token).order_by(WebSession.id.desc())).first()
    return {CSRF_HEADER: csrf}


def test_agent_searches_and_sees_masked_360(client, session, now, pensioner):
    api_client_as(client, session, roles=("agent",), now=now)

    found = client.get("/api/v1/customers", params={"q": "1234"})
    assert found.status_code == 200
    assert [s["number_masked"] for s in found.json()] == ["138****1234"]

    view = client.get(f"/api/v1/customers/{pensioner.id}/360")
    assert view.status_code == 200
    body = view.json()
    assert body["subscriber"]["name_masked"] == "王**"
    assert body["subscriber"]["id_number_masked"] == "4401**********1234"
    assert body["plan"]["code"] == "P19" and len(body["bills"]) == 3
    assert "13812341234" not in view.text and "王建国" not in view.text


def test_agent_cannot_reveal(client, session, now, pensioner):
    api_client_as(client, session, roles=("agent",), now=now)
    response = client.post(f"/api/v1/customers/{pensioner.id}/reveal")
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "unmask")).all() == []


@pytest.mark.parametrize("role", ["complaint_handler", "supervisor", "account_manager", "admin"])
def test_unmask_roles_reveal_and_are_audited(client, session, now, pensioner, role):
    api_client_as(client, session, roles=(role,), now=now, username=f"who_{role}")
    response = client.post(f"/api/v1/customers/{pensioner.id}/reveal")
    assert response.status_code == 200
    assert response.json() == {"number": "13812341234", "name": "王建国", "id_number": "440105195801011234"}
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "unmask")).one()
    assert entry.target_id == str(pensioner.id) and f"who_{role}" in entry.actor


def test_reveal_of_missing_subscriber_is_404(client, session, now):
    api_client_as(client, session, roles=("supervisor",), now=now)
    response = client.post("/api/v1/customers/999999/reveal")
    assert response.status_code == 404 and response.json()["code"] == "subscriber_not_found"


def test_catalogue_is_listed(client, session, now, pensioner):
    create_product(session, code="BB300", kind="broadband", fee_fen=9900, bandwidth_mbps=300)
    api_client_as(client, session, roles=("agent",), now=now)
    assert [p["code"] for p in client.get("/api/v1/catalogue/products", params={"kind": "broadband"}).json()] == ["BB300"]
    assert client.get("/api/v1/catalogue/products", params={"kind": "nonsense"}).status_code == 422


def test_subscriber_sees_only_their_own_360(client, session, now, pensioner):
    other = create_subscriber(session, number="13900001111", name="李四")
    _as_subscriber(client, session, pensioner.id, now)

    mine = client.get("/api/v1/me/360")
    assert mine.status_code == 200 and mine.json()["subscriber"]["id"] == pensioner.id
    assert client.get(f"/api/v1/customers/{pensioner.id}/360").status_code == 200
    theirs = client.get(f"/api/v1/customers/{other.id}/360")
    assert theirs.status_code == 404
    assert client.get("/api/v1/customers", params={"q": "139"}).status_code == 403
    assert client.post(f"/api/v1/customers/{other.id}/reveal").status_code == 403


def test_staff_has_no_me_360(client, session, now):
    api_client_as(client, session, roles=("supervisor",), now=now)
    assert client.get("/api/v1/me/360").status_code == 403


def test_subscriber_suspends_and_resumes_their_line_with_csrf(client, session, now, pensioner):
    headers = _as_subscriber(client, session, pensioner.id, now)
    assert client.post("/api/v1/me/line/suspend", json={"reason": "出国"}).status_code == 403  # no CSRF token
    assert client.post("/api/v1/me/line/suspend", json={"reason": "出国"}, headers=headers).status_code == 204
    assert client.get("/api/v1/me/360").json()["subscriber"]["status"] == "suspended"
    again = client.post("/api/v1/me/line/suspend", json={}, headers=headers)
    assert again.status_code == 409 and again.json()["message_en"]
    assert client.post("/api/v1/me/line/resume", headers=headers).status_code == 204


def test_subscriber_sets_service_password_and_auto_debit(client, session, now, pensioner):
    headers = _as_subscriber(client, session, pensioner.id, now)
    weak = client.put("/api/v1/me/service-password", json={"password": "123456"}, headers=headers)
    assert weak.status_code == 422 and weak.json()["code"] == "weak_service_password"
    assert client.put("/api/v1/me/service-password", json={"password": "802413"}, headers=headers).status_code == 204
    ok = client.put("/api/v1/me/auto-debit", json={"bank": "建设银行", "account_no": "6217001234567890"}, headers=headers)
    assert ok.status_code == 204
    assert client.get("/api/v1/me/360").json()["account"]["auto_debit_masked"] == "建设银行 ************7890"


def test_anonymous_is_refused(client, pensioner):
    assert client.get(f"/api/v1/customers/{pensioner.id}/360").status_code == 401


def test_admin_imports_files_over_the_api_all_or_nothing(client, session, now):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "src" / "kefu" / "customers" / "examples"
    api_client_as(client, session, roles=("admin",), now=now)
    rejected = client.post(
        "/api/v1/customers/import", files={"file": ("s.csv", (examples / "subscribers.csv").read_bytes(), "text/csv")}
    )
    assert rejected.status_code == 422 and rejected.json()["code"] == "import_rejected"
    assert {e["field"] for e in rejected.json()["details"]["errors"]} == {"plan_code"}
    catalogue = client.post(
        "/api/v1/catalogue/import", files={"file": ("c.csv", (examples / "catalogue.csv").read_bytes(), "text/csv")}
    )
    assert catalogue.json() == {"kind": "catalogue", "created": 8, "updated": 0}
    done = client.post(
        "/api/v1/customers/import", files={"file": ("s.csv", (examples / "subscribers.csv").read_bytes(), "text/csv")}
    )
    assert done.json()["created"] == 3


def test_only_admin_imports(client, session, now):
    api_client_as(client, session, roles=("supervisor",), now=now)
    response = client.post("/api/v1/catalogue/import", files={"file": ("c.csv", b"code\n", "text/csv")})
    assert response.status_code == 403
