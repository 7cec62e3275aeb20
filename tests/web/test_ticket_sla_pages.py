"""The ticket pages and the SLA: the task countdown comes from the policy, the queue reads
its clocks in one query, and waiting on the customer pauses the clocks until they answer."""

from __future__ import annotations

import copy
import re

from sqlalchemy import event, select

from kefu.sla import defaults
from kefu.sla import service as sla
from kefu.sla.models import SlaClock
from kefu.tickets.models import Ticket, TicketTask
from tests.factories.identity import PASSWORD
from tests.factories.sla import deliver_all
from tests.factories.tickets import create_ticket, staff
from tests.factories.web import HTML, csrf_token, customer_with_history, login_staff

HX = {**HTML, "hx-request": "true"}


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_the_task_countdown_is_the_policys_respond_target(client, session, session_factory, now):
    # The centre shortens the complaint response to 10 minutes (a new policy version).
    data = copy.deepcopy(next(p for p in defaults.POLICIES if p["code"] == "complaint"))
    data["targets"]["respond"]["minutes"] = 10
    sla.update_policy(session, "complaint", data, by="admin", now=now)
    customer = customer_with_history(session, now=now)
    handler = staff(session, now=now, username="wang.wu", display_name="王五", roles=("complaint_handler",))
    ticket = create_ticket(session, subscriber_id=customer.subscriber.id, by=handler, now=now, type="complaint",
                           core_demand="宽带断网三天")
    session.commit()
    deliver_all(session_factory, now=now)  # its clocks start under complaint v2

    login_staff(client, session, roles=("agent",), now=now)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    done = client.post(f"/tickets/{ticket.id}/dispatch", data={
        "csrf_token": csrf_token(page), "version": _version(page), "department": "installation",
        "instructions": "上门检查光猫"}, headers=HX)
    assert done.status_code == 204
    task = session.scalars(select(TicketTask).where(TicketTask.ticket_id == ticket.id)).one()
    assert (task.due_at - now).total_seconds() == 10 * 60
    assert "0:10:00" in client.get(f"/tickets/{ticket.id}", headers=HTML).text


def test_the_queue_reads_the_clocks_of_its_page_in_one_query(client, session, session_factory, engine, now):
    customer = customer_with_history(session, now=now)
    me = staff(session, now=now, username="agent.li", display_name="李娜", roles=("agent",))
    numbers = [create_ticket(session, subscriber_id=customer.subscriber.id, by=me, now=now,
                             core_demand=f"话费疑问 {i}").number for i in range(6)]
    session.commit()
    deliver_all(session_factory, now=now)
    form = client.get("/login", headers=HTML)
    client.post("/login", data={"username": "agent.li", "password": PASSWORD, "csrf_token": csrf_token(form.text)},
                headers=HTML)

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if "sla_clocks" in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        queue = client.get("/tickets", headers=HTML).text
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert all(n in queue for n in numbers)
    assert queue.count('class="countdown') == 6
    assert len(statements) == 1, statements


def test_agent_waits_on_the_customer_and_the_clocks_pause_until_they_answer(client, session, session_factory, now):
    customer = customer_with_history(session, now=now)
    handler = staff(session, now=now, username="wang.wu", display_name="王五", roles=("complaint_handler",))
    ticket = create_ticket(session, subscriber_id=customer.subscriber.id, by=handler, now=now,
                           core_demand="宽带经常掉线", category="broadband")
    session.commit()
    deliver_all(session_factory, now=now)
    login_staff(client, session, roles=("agent",), now=now)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    assert 'data-step="wait"' in page and 'id="waiting"' not in page

    empty = client.post(f"/tickets/{ticket.id}/wait", data={"csrf_token": csrf_token(page),
                                                             "version": _version(page), "reason": " "}, headers=HX)
    assert empty.status_code == 422 and "请填写在等客户什么" in empty.text
    done = client.post(f"/tickets/{ticket.id}/wait", data={
        "csrf_token": csrf_token(page), "version": _version(page), "reason": "等待客户提供光猫背面照片"}, headers=HX)
    assert done.status_code == 204
    deliver_all(session_factory, now=now)
    waiting = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    assert "等待客户提供光猫背面照片" in waiting and "时效计时已暂停" in waiting
    assert 'data-step="wait"' not in waiting  # one wait at a time
    states = set(session.scalars(select(SlaClock.state).where(SlaClock.ticket_id == ticket.id,
                                                               SlaClock.stopped_at.is_(None))))
    assert states == {"paused"}

    client.post(f"/tickets/{ticket.id}/customer-replied", data={
        "csrf_token": csrf_token(waiting), "version": _version(waiting), "text": "客户已发来照片"}, headers=HX)
    deliver_all(session_factory, now=now)
    session.expire_all()
    assert session.get(Ticket, ticket.id).waiting_since is None
    states = set(session.scalars(select(SlaClock.state).where(SlaClock.ticket_id == ticket.id,
                                                               SlaClock.stopped_at.is_(None))))
    assert states == {"running"}
    resumed = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    timeline = resumed.split('id="timeline"')[1]
    assert "等待客户" in timeline and "客户已发来照片" in timeline and 'data-step="wait"' in resumed
