"""The knowledge-base API: who may do what, and what each audience sees."""

from __future__ import annotations

from kefu.identity import service as identity
from kefu.identity.models import WebSession
from kefu.knowledge.models import SearchLog
from tests.factories.identity import api_client_as, bearer, create_staff
from tests.factories.knowledge import create_article

ARTICLE = {"question": "如何办理宽带移机", "answer": "搬家前3个工作日在APP申请移机。", "phrasings": ["搬家了宽带怎么办"],
           "category": "broadband"}


def test_an_editor_drafts_and_a_supervisor_publishes(client, session, now):
    create_staff(session, username="lead", roles=("supervisor",), now=now)
    lead = bearer(session, username="lead", now=now)
    api_client_as(client, session, roles=("kb_editor",), now=now)

    created = client.post("/api/v1/kb/articles", json=ARTICLE)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    article_id = created.json()["id"]
    assert client.post(f"/api/v1/kb/articles/{article_id}/submit").json()["status"] == "in_review"
    refused = client.post(f"/api/v1/kb/articles/{article_id}/publish")
    assert refused.status_code == 403 and refused.json()["code"] == "role_required"

    published = client.post(f"/api/v1/kb/articles/{article_id}/publish", json={"note": "ok"}, headers=lead)
    assert published.status_code == 200 and published.json()["version_no"] == 1
    client.patch(f"/api/v1/kb/articles/{article_id}", json={"answer": "搬家前5个工作日申请。"})
    diff = client.get(f"/api/v1/kb/articles/{article_id}/diff", params={"from": 1})
    assert "+搬家前5个工作日申请。" in diff.json()["diff"]
    assert [v["version_no"] for v in client.get(f"/api/v1/kb/articles/{article_id}/versions").json()] == [1]


def test_a_duplicate_question_is_a_409_with_a_message_saying_what_to_do(client, session, now):
    api_client_as(client, session, roles=("kb_editor",), now=now)
    assert client.post("/api/v1/kb/articles", json=ARTICLE).status_code == 201
    again = client.post("/api/v1/kb/articles", json=ARTICLE | {"question": "如何办理宽带移机？"})
    assert again.status_code == 409
    assert again.json()["code"] == "kb_duplicate_question" and "相似问法" in again.json()["message"]


def test_agents_search_and_suggest_but_cannot_write(client, session, now):
    create_article(session, question="宽带无法上网怎么办", answer="重启光猫后报修。", now=now)
    create_article(session, question="宽带故障坐席受理要点", answer="记录光猫指示灯。", visibility="agent", now=now)
    session.commit()
    api_client_as(client, session, roles=("agent",), now=now)
    assert client.post("/api/v1/kb/articles", json=ARTICLE).status_code == 403
    assert client.get("/api/v1/kb/articles").status_code == 403
    found = client.get("/api/v1/kb/search", params={"q": "宽带故障"}).json()
    assert {h["question"] for h in found["hits"]} == {"宽带无法上网怎么办", "宽带故障坐席受理要点"}
    as_public = client.get("/api/v1/kb/search", params={"q": "宽带故障", "audience": "public"}).json()
    assert [h["question"] for h in as_public["hits"]] == ["宽带无法上网怎么办"]
    suggestions = client.get("/api/v1/kb/suggest", params={"q": "宽带"}).json()
    assert suggestions and suggestions[0]["question"].startswith("宽带")
    assert client.get("/api/v1/kb/suggest", params={"q": ""}).json() == []


def test_a_subscriber_searches_public_articles_and_rates_the_answer(client, session, now, settings):
    public = create_article(session, question="如何查询剩余流量", answer="发送CXLL到10001。", now=now)
    create_article(session, question="流量争议坐席口径", answer="内部口径。", visibility="agent", now=now)
    cookie = identity.start_web_session(session, now=now, minutes=60, subscriber_id=42)
    session.commit()
    csrf = session.query(WebSession).order_by(WebSession.id.desc()).first().csrf_token
    client.cookies.set("kefu_session", cookie)

    result = client.get("/api/v1/kb/search", params={"q": "流量"}).json()
    assert [h["article_id"] for h in result["hits"]] == [public.id]
    assert client.get("/api/v1/kb/suggest", params={"q": "流量"}).status_code == 403
    assert client.get(f"/api/v1/kb/answers/{public.id}").json()["answer_text"] == "发送CXLL到10001。"

    rated = client.post("/api/v1/kb/feedback", headers={"X-CSRF-Token": csrf},
                        json={"search_id": result["search_id"], "article_id": public.id, "verdict": "up"})
    assert rated.status_code == 204
    log = session.get(SearchLog, result["search_id"])
    session.refresh(log)
    assert log.verdict == "up" and log.actor == "subscriber:42"


def test_bad_queries_get_a_clear_422_and_anonymous_callers_a_401(client, session, now):
    assert client.get("/api/v1/kb/search", params={"q": "流量"}).status_code == 401
    api_client_as(client, session, roles=("agent",), now=now)
    empty = client.get("/api/v1/kb/search", params={"q": ""})
    assert empty.status_code == 422 and empty.json()["message"] == "请输入要查找的问题"
    long = client.get("/api/v1/kb/search", params={"q": "wifi" * 2500})  # 10,000 characters
    assert long.status_code == 422 and "太长" in long.json()["message"]


def test_figures_are_for_editors_supervisors_and_analysts(client, session, now):
    api_client_as(client, session, roles=("analyst",), now=now)
    figures = client.get("/api/v1/kb/metrics").json()
    assert figures["searches"] == 0 and figures["hit_rate"] is None
    client.headers.update(bearer(session, username=create_staff(
        session, username="agent1", roles=("agent",), now=now).username, now=now))
    assert client.get("/api/v1/kb/metrics").status_code == 403


def test_import_publishes_only_for_a_supervisor(client, session, now):
    api_client_as(client, session, roles=("kb_editor",), now=now)
    body = {"format": "json", "content": '{"如何查询积分": "发送JF到10001。"}', "publish": True}
    assert client.post("/api/v1/kb/import", json=body).status_code == 403
    drafted = client.post("/api/v1/kb/import", json=body | {"publish": False})
    assert drafted.json() == {"imported": 1, "published": False}
    bad = client.post("/api/v1/kb/import", json={"format": "json", "content": "[{\"question\": \"x\"}]"})
    assert bad.status_code == 422 and bad.json()["details"]["rows"][0]["row"] == 1
    exported = client.get("/api/v1/kb/export", params={"format": "csv"})
    assert exported.status_code == 200 and "如何查询积分" in exported.text
