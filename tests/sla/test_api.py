"""The SLA API through the ASGI app: clocks with time left, the board, policies and calendars."""

from __future__ import annotations

from datetime import timedelta

from kefu.tickets.events import TicketWaitingOnCustomer
from tests.factories.identity import api_client_as
from tests.factories.sla import opened, publish

COMPLAINT = {
    "code": "broadband_complaint", "name": "宽带投诉", "precedence": 12,
    "match": {"ticket_types": ["complaint"], "channels": ["hotline", "app"]},
    "targets": {"respond": {"minutes": 10, "calendar": "specialist"},
                "resolve": {"minutes": 48 * 60, "calendar": "natural_days"}},
    "escalation": [{"name": "team_lead", "role": "supervisor", "delay_minutes": 0}],
    "notify_calendar": "specialist",
}


def test_a_ticket_shows_its_clocks_with_business_time_left(client, session, session_factory, now):
    # FIXED_NOW is Friday 2026-11-20 10:00 in Shanghai.
    publish(session_factory, opened(at=now, ticket_id=8101), now=now)
    api_client_as(client, session, roles=("agent",), now=now)
    body = client.get("/api/v1/tickets/8101/clocks").json()
    clocks = {c["target"]: c for c in body}
    assert set(clocks) == {"respond", "feedback", "resolve"}
    assert clocks["respond"]["remaining_seconds"] == 15 * 60
    assert clocks["respond"]["target_label"] == "响应"
    assert clocks["resolve"]["state"] == "running" and clocks["resolve"]["policy_code"] == "complaint"


def test_a_paused_clock_shows_why_and_what_is_left(client, session, session_factory, now):
    publish(session_factory, opened(at=now, ticket_id=8102), now=now)
    later = now + timedelta(hours=2)
    publish(session_factory, TicketWaitingOnCustomer(ticket_id=8102, reason="等待客户补充材料", at=later), now=later)
    api_client_as(client, session, roles=("complaint_handler",), now=now)
    feedback = next(c for c in client.get("/api/v1/tickets/8102/clocks").json() if c["target"] == "feedback")
    assert feedback["state"] == "paused" and feedback["pause_reason"] == "等待客户补充材料"
    assert feedback["remaining_seconds"] == 22 * 3600 and feedback["due_at"] is None


def test_the_board_lists_due_soon_and_breached_by_department(client, session, session_factory, now):
    publish(session_factory, opened(at=now - timedelta(minutes=5), ticket_id=8103, category="broadband"),
            opened(at=now - timedelta(minutes=30), ticket_id=8104, category="billing"), now=now)
    from kefu.core.db import unit_of_work
    from kefu.sla.tasks import scan_due

    with unit_of_work(session_factory) as scan_session:
        scan_due(scan_session, now)
    api_client_as(client, session, roles=("supervisor",), now=now)
    board = client.get("/api/v1/sla/board", params={"within_minutes": 30}).json()
    assert [(c["ticket_id"], c["target"]) for c in board["due_soon"]] == [(8103, "respond")]
    assert [(c["ticket_id"], c["target"]) for c in board["breached"]] == [(8104, "respond")]
    assert board["breached"][0]["remaining_seconds"] == -15 * 60
    rows = {r["department"]: r for r in board["by_department"]}
    assert rows["installation"]["due_soon"] == 1 and rows["billing"]["breached"] == 1
    only = client.get("/api/v1/sla/board", params={"department": "billing"}).json()
    assert only["due_soon"] == [] and [r["department"] for r in only["by_department"]] == ["billing"]


def test_policies_are_versioned_and_a_ticket_keeps_its_version(client, session, session_factory, now):
    api_client_as(client, session, roles=("supervisor",), now=now)
    created = client.post("/api/v1/sla/policies", json=COMPLAINT)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    publish(session_factory, opened(at=now, ticket_id=8105), now=now)
    changed = client.put("/api/v1/sla/policies/broadband_complaint",
                         json={**COMPLAINT, "targets": {"respond": {"minutes": 5, "calendar": "specialist"}}})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    publish(session_factory, opened(at=now, ticket_id=8106), now=now)
    first = {c["target"]: c for c in client.get("/api/v1/tickets/8105/clocks").json()}
    second = {c["target"]: c for c in client.get("/api/v1/tickets/8106/clocks").json()}
    assert (first["respond"]["policy_version"], first["respond"]["target_seconds"]) == (1, 600)
    assert "resolve" in first
    assert (second["respond"]["policy_version"], second["respond"]["target_seconds"]) == (2, 300)
    assert set(second) == {"respond"}
    versions = client.get("/api/v1/sla/policies/broadband_complaint").json()
    assert [(v["version"], v["active"]) for v in versions] == [(1, False), (2, True)]
    assert client.delete("/api/v1/sla/policies/broadband_complaint").status_code == 204
    assert "broadband_complaint" not in {p["code"] for p in client.get("/api/v1/sla/policies").json()}


def test_bad_policies_are_refused_at_save_time_with_bilingual_errors(client, session, now):
    api_client_as(client, session, roles=("admin",), now=now)
    cases = [
        ({"targets": {"respond": {"minutes": 0, "calendar": "specialist"}}}, "sla_bad_policy", "positive"),
        ({"targets": {"respond": {"minutes": -5, "calendar": "specialist"}}}, "sla_bad_policy", "positive"),
        ({"targets": {"respond": {"minutes": 15, "calendar": "moon_base"}}}, "sla_unknown_calendar", "moon_base"),
        ({"match": {"ticket_types": ["complain"]}}, "sla_bad_policy", "match no ticket"),
        ({"targets": {}}, "sla_bad_policy", "at least one target"),
        ({"warn_share": 1.5}, "sla_bad_policy", "between 0 and 1"),
        ({"escalation": [{"name": "boss", "role": "emperor"}]}, "sla_bad_policy", "emperor"),
    ]
    for change, code, fragment in cases:
        response = client.post("/api/v1/sla/policies", json={**COMPLAINT, **change})
        assert response.status_code == 422, (change, response.text)
        body = response.json()
        assert body["code"] == code and fragment in body["message_en"], body
        assert body["message"] != body["message_en"]
    assert client.post("/api/v1/sla/policies", json={**COMPLAINT, "code": "complaint"}).status_code == 409
    assert client.delete("/api/v1/sla/policies/default").status_code == 422
    assert client.put("/api/v1/sla/policies/nope", json=COMPLAINT).status_code == 404


def test_calendars_are_validated_and_used(client, session, session_factory, now):
    api_client_as(client, session, roles=("admin",), now=now)
    overlap = client.put("/api/v1/sla/calendars/night_desk",
                         json={"name": "夜班", "hours": {"mon": ["09:00-12:00", "11:00-13:00"]}})
    assert overlap.status_code == 422 and "overlap" in overlap.json()["message_en"]
    empty = client.put("/api/v1/sla/calendars/night_desk", json={"name": "夜班", "hours": {"mon": ["10:00-10:00"]}})
    assert empty.status_code == 422 and "empty" in empty.json()["message_en"]
    saved = client.put("/api/v1/sla/calendars/hall_shenzhen",
                       json={"name": "深圳营业厅", "hours": {d: ["09:00-20:00"] for d in ("mon", "tue", "wed")},
                             "closures": ["2026-11-25"]})
    assert saved.status_code == 200, saved.text
    assert "hall_shenzhen" in {c["code"] for c in client.get("/api/v1/sla/calendars").json()}


def test_only_admins_and_supervisors_change_policies(client, session, now):
    api_client_as(client, session, roles=("agent",), now=now)
    assert client.post("/api/v1/sla/policies", json=COMPLAINT).status_code == 403
    assert client.get("/api/v1/sla/board").status_code == 403
