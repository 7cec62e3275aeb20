"""The robot API: who may talk, whose conversations they see, who reads the figures."""

from __future__ import annotations

from tests.factories.identity import api_client_as
from tests.factories.robot import catalogue, curated_kb, heavy_user
from tests.factories.web import login_subscriber


def test_a_subscriber_talks_rates_and_hands_over_through_the_api(client, session, now):
    curated_kb(session, now=now)
    catalogue(session)
    heavy_user(session, now=now)
    csrf = {"X-CSRF-Token": login_subscriber(client, session, number="13800138000")}
    started = client.post("/api/v1/robot/conversations", json={"channel": "app"}, headers=csrf)
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["reply"]["type"] == "greeting" and body["subscriber_id"]
    cid = body["id"]
    answer = client.post(f"/api/v1/robot/conversations/{cid}/messages", json={"text": "流量用超了收多少钱"}, headers=csrf)
    assert answer.status_code == 200 and answer.json()["type"] == "answer"
    rated = client.post(f"/api/v1/robot/conversations/{cid}/feedback",
                        json={"turn_id": answer.json()["turn_id"], "verdict": "up"}, headers=csrf)
    assert rated.status_code == 200 and rated.json()["feedback"] == "up"
    handed = client.post(f"/api/v1/robot/conversations/{cid}/handover", json={}, headers=csrf)
    assert handed.status_code == 200 and handed.json()["status"] == "handed_over"
    closed = client.post(f"/api/v1/robot/conversations/{cid}/messages", json={"text": "还在吗"}, headers=csrf)
    assert closed.status_code == 409 and "已结束" in closed.json()["message"]
    turns = client.get(f"/api/v1/robot/conversations/{cid}").json()["turns"]
    assert [t["speaker"] for t in turns] == ["robot", "customer", "robot", "robot"]


def test_bad_input_is_a_clear_answer_not_an_error(client, session, now):
    api_client_as(client, session, roles=("kb_editor",), now=now)
    cid = client.post("/api/v1/robot/conversations", json={"channel": "web"}).json()["id"]
    empty = client.post(f"/api/v1/robot/conversations/{cid}/messages", json={"text": ""})
    assert empty.status_code == 200 and empty.json()["type"] == "invalid"
    huge = client.post(f"/api/v1/robot/conversations/{cid}/messages", json={"text": "我" * 10_000})
    assert huge.status_code == 200 and huge.json()["type"] == "invalid"
    too_big = client.post(f"/api/v1/robot/conversations/{cid}/messages", json={"text": "我" * 20_001})
    assert too_big.status_code == 422
    wrong_turn = client.post(f"/api/v1/robot/conversations/{cid}/feedback", json={"turn_id": 999999, "verdict": "up"})
    assert wrong_turn.status_code == 404


def test_metrics_are_for_analysts_supervisors_editors_and_admins(client, session, now):
    api_client_as(client, session, roles=("agent",), now=now)
    assert client.get("/api/v1/robot/metrics").status_code == 403
    api_client_as(client, session, roles=("analyst",), now=now)
    figures = client.get("/api/v1/robot/metrics")
    assert figures.status_code == 200 and figures.json()["conversations"] == 0
