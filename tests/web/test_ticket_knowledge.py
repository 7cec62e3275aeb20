"""Knowledge-base answers beside the ticket form (issue #8), through the ASGI app: the
best articles for what the agent typed, the answer on opening, agents only."""

from __future__ import annotations

from tests.factories.knowledge import create_article
from tests.factories.web import HTML, customer_with_history, login_staff, login_subscriber

HX = {**HTML, "hx-request": "true"}


def _articles(session, now):
    ring = create_article(session, question="彩铃被扣费了怎么退订和退费", now=now,
                          answer="<p>发送 <b>0000</b> 到 10001 查询并退订彩铃；未经同意订购的可申请退还费用。</p>"
                                 "<script>alert(1)</script>",
                          phrasings=("彩铃不是我订的", "彩铃扣费"))
    create_article(session, question="宽带断网怎么报修", now=now, answer="重启光猫后仍不通，可报修，24小时内上门。")
    session.commit()
    return ring


def test_agent_sees_the_best_articles_while_typing_and_opens_the_answer(client, session, now):
    ring = _articles(session, now)
    customer = customer_with_history(session, now=now)
    token = login_staff(client, session, roles=("agent",), now=now)
    form = client.get(f"/tickets/new?subscriber_id={customer.subscriber.id}", headers=HTML).text
    assert 'hx-post="/tickets/new/knowledge"' in form and "知识库答案" in form

    hits = client.post("/tickets/new/knowledge", data={"csrf_token": token, "core_demand": "彩铃不是我订的，要求退费",
                                                       "description": ""}, headers=HX)
    assert hits.status_code == 200 and "<html" not in hits.text
    first = hits.text.split("<li>")[1]
    assert "彩铃被扣费了怎么退订和退费" in first and f'hx-get="/tickets/knowledge/{ring.id}"' in first

    answer = client.get(f"/tickets/knowledge/{ring.id}", headers=HX)
    assert answer.status_code == 200 and "<b>0000</b>" in answer.text and "<script>" not in answer.text
    session.refresh(ring)
    assert ring.usage_count == 1

    nothing = client.post("/tickets/new/knowledge", data={"csrf_token": token, "core_demand": " "}, headers=HX)
    assert "输入客户诉求后" in nothing.text
    long = client.post("/tickets/new/knowledge", data={"csrf_token": token, "core_demand": "彩铃扣费" * 300},
                       headers=HX)
    assert long.status_code == 200  # a long description is cut to what the search takes, not refused


def test_subscribers_do_not_get_the_agents_knowledge_panel(client, session, now):
    ring = _articles(session, now)
    customer = customer_with_history(session, now=now)
    login_subscriber(client, session, number=customer.number)
    assert client.get(f"/tickets/knowledge/{ring.id}", headers=HTML).status_code == 403
