"""Supervisors set up agents and groups; agents see only their own presence log."""

from __future__ import annotations

from tests.factories.identity import bearer, create_staff


def _h(session, now, username, roles):
    user = create_staff(session, username=username, roles=roles, now=now, display_name=username)
    return user, bearer(session, username=username, now=now)


def test_a_supervisor_creates_a_data_seat_and_a_specialist(client, session, now):
    _, sup = _h(session, now, "sup", ("supervisor",))
    user, agent_h = _h(session, now, "li.na", ("specialist",))
    group = client.post("/api/v1/agents/groups", json={"code": "data_seat", "name": "数据业务专席",
                                                       "hours": "09:00-22:00"}, headers=sup)
    assert group.status_code == 201, group.text
    bad_hours = client.post("/api/v1/agents/groups", json={"code": "x", "name": "x", "hours": "9-22"}, headers=sup)
    assert bad_hours.status_code == 422 and bad_hours.json()["code"] == "invalid_service_hours"
    body = {"user_id": user.id, "employee_no": "DG001", "display_name": "李娜", "skills": "data:3, english:1",
            "groups": ["data_seat"], "chat": 4}
    assert client.post("/api/v1/agents", json=body, headers=agent_h).status_code == 403
    created = client.post("/api/v1/agents", json=body, headers=sup)
    assert created.status_code == 201, created.text
    assert created.json()["skills"] == {"data": 3, "english": 1}
    assert created.json()["capacity"] == {"voice": 1, "chat": 4, "email": 5}
    unknown = client.post("/api/v1/agents", json={**body, "employee_no": "DG002", "user_id": user.id + 1000,
                                                  "skills": "klingon:2"}, headers=sup)
    assert unknown.status_code == 422 and unknown.json()["code"] == "invalid_skills"
    assert client.get("/api/v1/agents/me", headers=agent_h).json()["employee_no"] == "DG001"
    skills = client.get("/api/v1/agents/skills", headers=agent_h).json()
    assert {"name": "data", "label_zh": "数据业务"} in skills


def test_an_agent_cannot_read_a_colleagues_presence_log(client, session, now):
    _, sup = _h(session, now, "sup2", ("supervisor",))
    one, one_h = _h(session, now, "one", ("agent",))
    two, _ = _h(session, now, "two", ("agent",))
    ids = []
    for user, no in ((one, "A1"), (two, "A2")):
        r = client.post("/api/v1/agents", json={"user_id": user.id, "employee_no": no, "display_name": no,
                                                "skills": "gsm:1"}, headers=sup)
        ids.append(r.json()["id"])
    assert client.get(f"/api/v1/agents/{ids[0]}/presence-log", headers=one_h).status_code == 200
    assert client.get(f"/api/v1/agents/{ids[1]}/presence-log", headers=one_h).status_code == 403
    assert client.get(f"/api/v1/agents/{ids[1]}/presence-log", headers=sup).status_code == 200
    no_reason = client.post("/api/v1/agents/me/presence", json={"state": "signed_in"}, headers=one_h)
    assert no_reason.status_code == 200
    brk = client.post("/api/v1/agents/me/presence", json={"state": "break"}, headers=one_h)
    assert brk.status_code == 422 and brk.json()["code"] == "break_needs_reason"
