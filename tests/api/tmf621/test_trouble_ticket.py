"""TMF621 troubleTicket: create, retrieve, merge-patch and delete, each body valid
against the v4 swagger's schemas, errors in the TMF Error format, nothing half-written."""

from __future__ import annotations

from tests.api.tmf621.conftest import TT, as_staff, trouble_ticket
from tests.api.tmf621.spec import check
from tests.factories.tickets import counts, history_kinds

MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


def test_an_outside_system_files_a_complaint_and_gets_a_valid_trouble_ticket(handler, subscriber):
    response = handler.post(TT, json=trouble_ticket(subscriber.id, note=[{"text": "客户要求今晚回电"}]))

    assert response.status_code == 201, response.text
    body = response.json()
    check("TroubleTicket", body)
    assert response.headers["location"] == body["href"] and body["href"].endswith(f"{TT}/{body['id']}")
    assert body["status"] == "acknowledged" and body["ticketType"] == "complaint" and body["severity"] == "Major"
    assert body["name"] == "宽带每天晚上断线"
    assert body["description"].startswith("宽带每天晚上断线\n\n宽带每天晚上八点后")
    assert body["channel"]["name"] == "hotline"
    roles = {p["role"]: p["id"] for p in body["relatedParty"]}
    assert roles["customer"] == str(subscriber.id) and "owner" in roles
    assert [c["status"] for c in body["statusChange"]] == ["acknowledged"]
    assert [n["text"] for n in body["note"]] == ["客户要求今晚回电"]
    characteristics = {c["name"]: c["value"] for c in body["troubleTicketCharacteristic"]}
    assert characteristics["category"] == "broadband" and characteristics["department"] == "installation"
    assert characteristics["address"] == "福田区景田路 12 号" and characteristics["number"].startswith("TS")
    assert body["creationDate"] == body["lastUpdate"] == "2026-11-20T02:00:00Z"


def test_missing_mandatory_attributes_are_a_400_tmf_error_and_nothing_is_written(handler, session, subscriber):
    before = counts(session)
    payload = trouble_ticket(subscriber.id)
    del payload["severity"], payload["ticketType"]

    response = handler.post(TT, json=payload)

    assert response.status_code == 400
    error = response.json()
    check("Error", error)
    assert error["@type"] == "Error" and error["status"] == "400" and error["code"] == "missing_mandatory_attribute"
    assert "severity" in error["reason"] and "ticketType" in error["reason"]
    assert counts(session) == before


def test_bad_payloads_each_get_a_clear_tmf_error(handler, session, subscriber):
    before = counts(session)
    cases = [
        (trouble_ticket(subscriber.id, ticketType="warranty"), 400, "ticketType"),
        (trouble_ticket(subscriber.id, severity="apocalyptic"), 400, "severity"),
        (trouble_ticket(subscriber.id, relatedParty=[]), 400, "relatedParty"),
        (trouble_ticket(subscriber.id, channel={"id": "pigeon"}), 400, "channel"),
        (trouble_ticket(999_999), 404, "999999"),
        (["not", "an", "object"], 400, "body"),
    ]
    for payload, status, named in cases:
        response = handler.post(TT, json=payload)
        assert response.status_code == status, (payload, response.text)
        check("Error", response.json())
        assert named in response.json()["reason"] + response.json()["message"] + str(response.json().get("details"))
    assert counts(session) == before


def test_an_unknown_trouble_ticket_is_a_404_tmf_error(handler):
    for path in (f"{TT}/987654", f"{TT}/not-a-number"):
        response = handler.get(path)
        assert response.status_code == 404
        check("Error", response.json())
        assert response.json()["status"] == "404"


def test_callers_need_a_staff_token(app, session, now, subscriber):
    from fastapi.testclient import TestClient

    anonymous = TestClient(app).get(TT)
    assert anonymous.status_code == 401
    check("Error", anonymous.json())
    analyst = as_staff(app, session, now, username="li.na", roles=("analyst",))
    assert analyst.get(TT).status_code == 200
    refused = analyst.post(TT, json=trouble_ticket(subscriber.id))
    assert refused.status_code == 403 and refused.json()["@type"] == "Error"


def test_merge_patch_edits_attributes_and_adds_notes(handler, session, subscriber):
    created = handler.post(TT, json=trouble_ticket(subscriber.id, note=[{"text": "第一次来电"}])).json()
    patch = {
        "priority": "urgent",
        "severity": "critical",
        "externalId": "CRM-778",
        "note": [*created["note"], {"text": "已约装维师傅明早上门"}],
        "troubleTicketCharacteristic": [
            *[c for c in created["troubleTicketCharacteristic"] if c["name"] != "address"],
            {"name": "appointment", "value": "2026-11-21 09:00"},
        ],
    }

    response = handler.patch(f"{TT}/{created['id']}", json=patch, headers=MERGE_PATCH)

    assert response.status_code == 200, response.text
    body = response.json()
    check("TroubleTicket", body)
    assert (body["priority"], body["severity"], body["externalId"]) == ("urgent", "Critical", "CRM-778")
    assert [n["text"] for n in body["note"]] == ["第一次来电", "已约装维师傅明早上门"]
    characteristics = {c["name"]: c["value"] for c in body["troubleTicketCharacteristic"]}
    assert characteristics["appointment"] == "2026-11-21 09:00" and "address" not in characteristics
    assert "edited" in history_kinds(session, int(created["id"]))

    # The same patch again changes nothing; plain application/json is taken too.
    again = handler.patch(f"{TT}/{created['id']}", json={"priority": "urgent"})
    assert again.status_code == 200 and history_kinds(session, int(created["id"])).count("edited") == 1


def test_server_set_attributes_cannot_be_patched(handler, session, subscriber):
    created = handler.post(TT, json=trouble_ticket(subscriber.id)).json()
    before = counts(session)
    for patch in ({"creationDate": "2020-01-01T00:00:00Z"}, {"id": "5"}, {"statusChange": []},
                  {"lastUpdate": "2020-01-01T00:00:00Z", "priority": "high"}):
        response = handler.patch(f"{TT}/{created['id']}", json=patch, headers=MERGE_PATCH)
        assert response.status_code == 400, patch
        error = response.json()
        check("Error", error)
        assert error["code"] == "not_patchable"
    notes_removed = handler.patch(f"{TT}/{created['id']}", json={"note": []}, headers=MERGE_PATCH)
    assert notes_removed.status_code == 200  # no notes yet: an empty array is the same array
    assert counts(session) == before


def test_status_moves_through_patch_and_the_history_shows_it(handler, subscriber):
    tid = handler.post(TT, json=trouble_ticket(subscriber.id)).json()["id"]

    steps = [
        ({"status": "inProgress", "statusChangeReason": "已受理，派装维排查"}, "inProgress"),
        ({"status": "pending", "statusChangeReason": "等客户提供光猫照片"}, "pending"),
        ({"status": "inProgress", "statusChangeReason": "客户已发照片"}, "inProgress"),
        ({"status": "resolved", "statusChangeReason": "更换光猫后恢复"}, "resolved"),
        ({"status": "closed", "statusChangeReason": "回访满意"}, "closed"),
    ]
    for patch, expected in steps:
        response = handler.patch(f"{TT}/{tid}", json=patch, headers=MERGE_PATCH)
        assert response.status_code == 200, response.text
        body = response.json()
        check("TroubleTicket", body)
        assert body["status"] == expected

    assert [c["status"] for c in body["statusChange"]] == [
        "acknowledged", "inProgress", "pending", "inProgress", "resolved", "closed"
    ]
    assert body["resolutionDate"] == "2026-11-20T02:00:00Z" and body["statusChangeReason"] == "回访满意"


def test_an_illegal_status_change_is_a_409_naming_the_allowed_statuses(handler, session, subscriber):
    tid = handler.post(TT, json=trouble_ticket(subscriber.id)).json()["id"]
    before = counts(session)

    response = handler.patch(f"{TT}/{tid}", json={"status": "closed", "name": "改个名"}, headers=MERGE_PATCH)

    assert response.status_code == 409
    error = response.json()
    check("Error", error)
    assert error["code"] == "status_not_allowed"
    assert error["details"]["allowed"] == ["cancelled", "inProgress", "pending", "rejected", "resolved"]
    assert "inProgress" in error["reason"] and "closed" in error["reason"]
    assert counts(session) == before  # the name change went with the refused step
    assert handler.get(f"{TT}/{tid}").json()["name"] == "宽带每天晚上断线"


def test_resolving_without_a_resolution_is_a_400(handler, subscriber):
    tid = handler.post(TT, json=trouble_ticket(subscriber.id)).json()["id"]
    response = handler.patch(f"{TT}/{tid}", json={"status": "resolved"}, headers=MERGE_PATCH)
    assert response.status_code == 400 and response.json()["code"] == "missing_resolution"


def test_delete_cancels_and_keeps_the_history(handler, session, subscriber):
    tid = handler.post(TT, json=trouble_ticket(subscriber.id)).json()["id"]

    assert handler.delete(f"{TT}/{tid}").status_code == 204
    assert handler.delete(f"{TT}/{tid}").status_code == 204  # deleting twice is the same as once

    body = handler.get(f"{TT}/{tid}").json()
    check("TroubleTicket", body)
    assert body["status"] == "cancelled"
    assert history_kinds(session, int(tid)).count("deleted") == 1


def test_a_resolved_ticket_cannot_be_deleted(handler, subscriber):
    tid = handler.post(TT, json=trouble_ticket(subscriber.id)).json()["id"]
    handler.patch(f"{TT}/{tid}", json={"status": "resolved", "statusChangeReason": "已处理"})
    response = handler.delete(f"{TT}/{tid}")
    assert response.status_code == 409
    check("Error", response.json())


def test_a_retried_create_with_the_same_idempotency_key_returns_the_same_ticket(handler, session, subscriber):
    key = {"Idempotency-Key": "crm-20261120-0042"}
    first = handler.post(TT, json=trouble_ticket(subscriber.id), headers=key)
    before = counts(session)
    again = handler.post(TT, json=trouble_ticket(subscriber.id), headers=key)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert counts(session) == before
    other_body = handler.post(TT, json=trouble_ticket(subscriber.id, severity="Minor"), headers=key)
    assert other_body.status_code == 409 and other_body.json()["@type"] == "Error"


def test_a_method_the_api_does_not_offer_is_a_405_tmf_error(handler):
    response = handler.put(f"{TT}/1", json={})
    assert response.status_code == 405
    check("Error", response.json())


def test_relationships_sent_on_create_become_links(handler, subscriber):
    first = handler.post(TT, json=trouble_ticket(subscriber.id, ticketType="consultation")).json()
    second = handler.post(TT, json=trouble_ticket(
        subscriber.id, ticketType="consultation",
        troubleTicketRelationship=[{"id": first["id"], "relationshipType": "related"}],
    ))
    assert second.status_code == 201, second.text
    check("TroubleTicket", second.json())
    assert second.json()["troubleTicketRelationship"][0]["id"] == first["id"]
    assert handler.get(f"{TT}/{first['id']}").json()["troubleTicketRelationship"][0]["id"] == second.json()["id"]


def test_a_body_that_is_not_json_is_a_400_saying_so(handler, subscriber):
    tid = handler.post(TT, json=trouble_ticket(subscriber.id)).json()["id"]
    response = handler.patch(f"{TT}/{tid}", content=b'{"priority": ', headers=MERGE_PATCH)
    assert response.status_code == 400
    check("Error", response.json())
    assert response.json()["code"] == "malformed_json"


def test_the_requested_resolution_date_is_kept_and_must_be_a_date_time(handler, subscriber):
    created = handler.post(TT, json=trouble_ticket(subscriber.id, requestedResolutionDate="2026-11-21T18:00:00+08:00"))
    assert created.status_code == 201
    assert created.json()["requestedResolutionDate"] == "2026-11-21T10:00:00Z"
    bad = handler.post(TT, json=trouble_ticket(subscriber.id, requestedResolutionDate="tomorrow"))
    assert bad.status_code == 400 and "requestedResolutionDate" in bad.json()["reason"]
    removed = handler.patch(f"{TT}/{created.json()['id']}", json={"requestedResolutionDate": None,
                                                                   "externalId": "CRM-1"}, headers=MERGE_PATCH)
    assert removed.status_code == 200
    check("TroubleTicket", removed.json())
    assert "requestedResolutionDate" not in removed.json() and removed.json()["externalId"] == "CRM-1"
