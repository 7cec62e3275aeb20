"""The review API and pages through the ASGI app: who may review, bad reviews are 4xx, and
the figures page shows what agents found."""

from __future__ import annotations

from tests.factories.identity import api_client_as
from tests.factories.robot import curated_kb, staff_tester, start_chat
from tests.factories.web import HTML, login_staff


def _wrong_answer(session, now):
    ids = curated_kb(session, now=now)
    chat = start_chat(session, by=staff_tester(), now=now)
    reply = chat.say("宽带密码忘了怎么办")  # answered with the mobile service password article
    return ids, chat, reply


def test_agents_review_but_subscribers_and_analysts_do_not(client, session, now):
    _, _, reply = _wrong_answer(session, now)
    api_client_as(client, session, roles=("analyst",), now=now)
    assert client.get("/api/v1/robot/review/answers").status_code == 403
    client.headers.clear()
    api_client_as(client, session, roles=("agent",), now=now)
    listed = client.get("/api/v1/robot/review/answers?flagged=false")
    assert listed.status_code == 200 and reply.turn_id in [a["turn_id"] for a in listed.json()]


def test_a_contradictory_review_is_422_in_both_languages_and_nothing_is_saved(client, session, now):
    ids, chat, reply = _wrong_answer(session, now)
    api_client_as(client, session, roles=("agent",), now=now)
    bad = client.put(f"/api/v1/robot/review/answers/{reply.turn_id}", json={"verdict": "wrong"})
    assert bad.status_code == 422 and bad.json()["code"] == "robot_bad_correction"
    assert "条目" in bad.json()["message"]
    unknown = client.put(f"/api/v1/robot/review/answers/{reply.turn_id}",
                         json={"verdict": "wrong", "right_article_id": 987654})
    assert unknown.status_code == 404
    whole = client.get(f"/api/v1/robot/review/conversations/{chat.conversation_id}").json()
    assert whole["corrections"] == []
    ok = client.put(f"/api/v1/robot/review/answers/{reply.turn_id}",
                    json={"verdict": "wrong", "right_article_id": ids["宽带怎么报修"]})
    assert ok.status_code == 200 and ok.json()["question"] == "宽带密码忘了怎么办"


def test_the_review_page_posts_in_place_and_the_figures_page_shows_it(client, session, now):
    ids, _, reply = _wrong_answer(session, now)
    csrf = login_staff(client, session, roles=("agent", "supervisor"), now=now)
    page = client.get("/robot/review?show=all", headers=HTML)
    assert page.status_code == 200 and "宽带密码忘了怎么办" in page.text
    options = client.get("/robot/review/articles?q=宽带报修", headers=HTML)
    assert f'value="{ids["宽带怎么报修"]}"' in options.text
    posted = client.post(f"/robot/review/answers/{reply.turn_id}", headers={**HTML, "HX-Request": "true"},
                         data={"csrf_token": csrf, "verdict": "wrong", "right_article_id": str(ids["宽带怎么报修"])})
    assert posted.status_code == 200 and 'data-verdict="wrong"' in posted.text
    figures = client.get("/robot/metrics", headers=HTML)
    assert 'data-count="reviewed-wrong">1<' in figures.text and "宽带密码忘了怎么办" in figures.text
    english = client.get("/robot/metrics?lang=en", headers=HTML)
    assert "Answer accuracy" in english.text


def test_any_conversation_opens_whole_for_a_reviewer(client, session, now):
    _, chat, reply = _wrong_answer(session, now)
    login_staff(client, session, roles=("kb_editor",), now=now)
    found = client.get(f"/robot/review/conversation?id={chat.conversation_id}", headers=HTML, follow_redirects=True)
    assert found.status_code == 200 and "宽带密码忘了怎么办" in found.text
    assert f'id="answer-{reply.turn_id}"' in found.text
    assert client.get("/robot/review/conversations/999999", headers=HTML).status_code == 404
