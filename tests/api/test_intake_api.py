"""Intake over HTTP: suggestions while the agent types, automatic classification when a
ticket is opened without a category, the agent's correction, who may do it, and bad
input answered with a clear 4xx or `other` at confidence 0 — never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kefu.nlp.models import Correction
from tests.api.test_tickets_api import as_staff, as_subscriber
from tests.factories.customers import create_subscriber

SUGGEST = "/api/v1/intake/suggest"
BROADBAND = "家里宽带断网三天了，光猫一直亮红灯，报修了也没人上门，赶紧派师傅来修"


@pytest.fixture
def agent(app, session, now) -> TestClient:
    return as_staff(app, session, now, username="li.na", roles=("agent",))


@pytest.fixture
def caller(session):
    return create_subscriber(session, name="陈先生", district="南山区")


def test_suggest_answers_category_department_mood_and_top_three(agent, caller):
    response = agent.post(SUGGEST, json={"text": BROADBAND, "subscriber_id": caller.id})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["category"], body["department"], body["department_name"]) == ("broadband", "installation", "装维")
    assert body["auto_dispatch"] is True and body["confidence"] >= body["threshold"]
    assert [s["category"] for s in body["suggestions"]][0] == "broadband" and len(body["suggestions"]) == 3
    assert body["keywords"] and body["emotion"] in ("calm", "anxious", "angry") and body["hint"]
    assert body["similar"]["district"] == "南山区" and body["similar"]["count"] == 0


def test_angry_elderly_caller_threatening_12315_is_urgent_with_evidence(agent, session):
    elderly = create_subscriber(session, name="王奶奶", birth_year=1944)
    body = agent.post(SUGGEST, json={"text": "你们乱扣我话费，再不退钱我就去12315投诉你们！",
                                     "subscriber_id": elderly.id}).json()
    assert body["urgency"] == "urgent"
    assert {"consumer_body", "vulnerable"} <= {e["kind"] for e in body["evidence"]}


@pytest.mark.parametrize("text, rejected", [("", "empty"), ("😀😀😡🙏", "no_text"), ("   \n\t ", "empty")])
def test_empty_or_emoji_only_text_is_other_with_confidence_zero(agent, text, rejected):
    response = agent.post(SUGGEST, json={"text": text})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["category"], body["confidence"], body["rejected"], body["auto_dispatch"]) == (
        "other", 0.0, rejected, False)
    assert body["hint"]  # tells the agent to judge by hand


def test_oversized_or_malformed_requests_are_a_clear_4xx(agent, caller):
    huge = agent.post(SUGGEST, json={"text": "宽带" * 50_000})
    assert huge.status_code == 422 and huge.json()["code"] == "invalid_input"
    assert "text" in huge.json()["message"]
    assert agent.post(SUGGEST, json={"text": 123}).status_code == 422
    assert agent.post(SUGGEST, json={"text": "宽带", "extra": 1}).status_code == 422
    assert agent.post(SUGGEST, content=b"\xff\xfe", headers={"Content-Type": "application/json"}).status_code == 422
    missing = agent.post(SUGGEST, json={"text": "宽带断网", "subscriber_id": 987654})
    assert missing.status_code == 404 and missing.json()["code"] == "subscriber_not_found"


@pytest.mark.parametrize("roles, status", [
    (("agent",), 200), (("specialist",), 200), (("complaint_handler",), 200), (("supervisor",), 200),
    (("admin",), 200), (("analyst",), 403), (("inspector",), 403), (("kb_editor",), 403),
])
def test_who_may_ask_for_suggestions(app, session, now, roles, status):
    client = as_staff(app, session, now, username=f"u_{roles[0]}", roles=roles)
    assert client.post(SUGGEST, json={"text": "宽带断网"}).status_code == status


def test_suggest_is_closed_to_anonymous_callers_and_subscribers(app, session, now, caller):
    assert TestClient(app).post(SUGGEST, json={"text": "宽带断网"}).status_code == 401
    portal = as_subscriber(app, session, now, caller.id)
    assert portal.post(SUGGEST, json={"text": "宽带断网"}).status_code == 403


def test_complaint_without_category_is_classified_and_dispatched_then_corrected(agent, session, caller):
    created = agent.post("/api/v1/tickets", json={"type": "complaint", "subscriber_id": caller.id,
                                                   "channel": "hotline", "core_demand": BROADBAND})
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert (ticket["category"], ticket["department"], ticket["status"]) == ("broadband", "installation", "dispatched")
    assert ticket["classification_source"] == "auto" and ticket["classification"]["hint"]
    auto = [e for e in ticket["history"] if e["detail"].get("automatic")]
    assert {e["kind"] for e in auto} >= {"classified", "task_dispatched"}

    fixed = agent.post(f"/api/v1/tickets/{ticket['id']}/reclassify",
                       json={"category": "mobile_network", "reason": "手机上网断网", "version": ticket["version"]})
    assert fixed.status_code == 200, fixed.text
    body = fixed.json()
    assert (body["category"], body["department"], body["classification_source"]) == (
        "mobile_network", "network", "agent")
    assert [(t["department"], t["status"]) for t in body["tasks"]] == [("installation", "cancelled"),
                                                                       ("network", "open")]
    assert session.scalar(select(func.count(Correction.id))) == 1

    stale = agent.post(f"/api/v1/tickets/{ticket['id']}/reclassify",
                       json={"category": "billing", "version": ticket["version"]})
    assert stale.status_code == 409
    unknown = agent.post(f"/api/v1/tickets/{ticket['id']}/reclassify", json={"category": "weather"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_category"


def test_reclassify_needs_a_handling_role(app, session, now, agent, caller):
    tid = agent.post("/api/v1/tickets", json={"type": "complaint", "subscriber_id": caller.id,
                                               "channel": "hotline", "core_demand": BROADBAND}).json()["id"]
    analyst = as_staff(app, session, now, username="an.alyst", roles=("analyst",))
    assert analyst.post(f"/api/v1/tickets/{tid}/reclassify", json={"category": "billing"}).status_code == 403
    assert agent.post("/api/v1/tickets/999999/reclassify", json={"category": "billing"}).status_code == 404


def test_emoji_only_complaint_opens_as_other_without_dispatch(agent, caller):
    created = agent.post("/api/v1/tickets", json={"type": "complaint", "subscriber_id": caller.id,
                                                   "channel": "hotline", "core_demand": "😡😡😡"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["category"], body["status"], body["classification_confidence"]) == ("other", "intake", 0.0)
    assert body["classification"]["rejected"] == "no_text"


def test_the_customer_never_sees_the_classifiers_notes(app, session, now, caller):
    portal = as_subscriber(app, session, now, caller.id)
    created = portal.post("/api/v1/tickets", json={"type": "complaint", "subscriber_id": caller.id, "channel": "app",
                                                    "core_demand": "垃圾宽带又断网了！！再不修我就去工信部投诉"})
    assert created.status_code == 201, created.text
    mine = portal.get(f"/api/v1/tickets/{created.json()['id']}").json()
    assert mine["classification"] == {} and mine["urgency"] is None and mine["classification_confidence"] is None
    assert not {"classified", "priority_raised"} & {e["kind"] for e in mine["history"]}
    assert mine["priority"] in ("high", "urgent")  # the urgency still counted


def test_a_cancelled_ticket_cannot_be_reclassified(app, session, now, agent, caller):
    tid = agent.post("/api/v1/tickets", json={"type": "complaint", "subscriber_id": caller.id,
                                               "channel": "hotline", "core_demand": BROADBAND}).json()["id"]
    handler = as_staff(app, session, now, username="yang.qian", roles=("complaint_handler",))
    assert handler.post(f"/api/v1/tickets/{tid}/cancel", json={"reason": "用户撤诉"}).status_code == 200
    refused = agent.post(f"/api/v1/tickets/{tid}/reclassify", json={"category": "billing"})
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert "改分类" in refused.json()["message"]
