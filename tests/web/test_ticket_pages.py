"""The ticket pages through the ASGI app: the agent queue, the ticket form, the ticket page
with only legal steps, stale versions, idempotent double submits, CSRF, roles, the
portal's own tickets (another subscriber's is 404) and the supervisor board."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from kefu.tickets.models import Ticket, TicketTask
from tests.factories.identity import PASSWORD
from tests.factories.sla import deliver_all
from tests.factories.tickets import create_ticket, staff
from tests.factories.web import HTML, csrf_token, customer_with_history, login_staff, login_subscriber

HX = {**HTML, "hx-request": "true"}


def _version(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "no version field on the page"
    return match.group(1)


def _ticket(session, now, subscriber_id, **fields):
    by = staff(session, now=now, username="wang.wu", display_name="王五", roles=("complaint_handler",))
    return create_ticket(session, subscriber_id=subscriber_id, by=by, now=now, **fields)


def _count(session) -> int:
    return session.scalar(select(func.count(Ticket.id)))


def test_agent_files_a_complaint_from_the_customer_page_and_a_double_submit_opens_one_ticket(client, session, now):
    customer = customer_with_history(session, now=now)
    login_staff(client, session, roles=("agent",), now=now)
    page = client.get(f"/customers/{customer.subscriber.id}", headers=HTML)
    assert f'href="/tickets/new?subscriber_id={customer.subscriber.id}"' in page.text

    form = client.get(f"/tickets/new?subscriber_id={customer.subscriber.id}", headers=HTML)
    assert form.status_code == 200 and customer.subscriber.number[-4:] in form.text
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form.text).group(1)
    data = {"csrf_token": csrf_token(form.text), "idempotency_key": key, "subscriber_id": customer.subscriber.id,
            "type": "complaint", "channel": "hotline", "core_demand": "彩铃不是我订的，要求退费",
            "description": "从未办理过彩铃", "category": "vas", "department": "", "emotion": "angry", "priority": ""}
    first = client.post("/tickets", data=data, headers=HTML, follow_redirects=False)
    second = client.post("/tickets", data=data, headers=HTML, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert _count(session) == 1
    detail = client.get(first.headers["location"], headers=HTML)
    assert "彩铃不是我订的" in detail.text and "增值业务扣费" in detail.text


def test_ticket_form_keeps_what_was_typed_when_the_core_demand_is_missing(client, session, now):
    customer = customer_with_history(session, now=now)
    login_staff(client, session, roles=("agent",), now=now)
    form = client.get(f"/tickets/new?subscriber_id={customer.subscriber.id}", headers=HTML)
    response = client.post("/tickets", data={
        "csrf_token": csrf_token(form.text), "idempotency_key": "k1", "subscriber_id": customer.subscriber.id,
        "type": "complaint", "channel": "hotline", "core_demand": "", "description": "网速很慢，已经一周了"},
        headers=HTML)
    assert response.status_code == 422
    assert "网速很慢，已经一周了" in response.text and "请填写客户的核心诉求" in response.text
    assert _count(session) == 0


def test_forms_without_the_csrf_token_are_refused(client, session, now):
    customer = customer_with_history(session, now=now)
    login_staff(client, session, roles=("agent",), now=now)
    response = client.post("/tickets", data={"subscriber_id": customer.subscriber.id, "type": "complaint",
                                             "channel": "hotline", "core_demand": "x"}, headers=HTML)
    assert response.status_code == 403
    assert _count(session) == 0


def test_ticket_page_offers_only_the_legal_next_steps(client, session, now):
    customer = customer_with_history(session, now=now)
    ticket = _ticket(session, now, customer.subscriber.id)
    login_staff(client, session, roles=("complaint_handler",), now=now)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    offered = set(re.findall(r'data-step="(\w+)"', page))
    # intake → dispatched / investigating / resolved / cancelled; no consent, no return visit, no reopen.
    assert {"dispatch", "accept", "resolve", "cancel"} <= offered
    assert not offered & {"consent", "return_visit", "reopen"}
    english = client.get(f"/tickets/{ticket.id}?lang=en", headers=HTML).text
    assert "Next step" in english and "Ticket opened" in english and "Billing dispute" in english
    client.get("/tickets?lang=zh", headers=HTML)

    version = _version(page)
    client.post(f"/tickets/{ticket.id}/cancel", data={"csrf_token": csrf_token(page), "version": version,
                                                      "reason": "客户撤诉"}, headers=HTML)
    ended = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    assert "已撤销" in ended and not re.findall(r'data-step="(\w+)"', ended)


def test_an_agent_cannot_cancel_and_the_cancel_button_is_not_shown(client, session, now):
    customer = customer_with_history(session, now=now)
    ticket = _ticket(session, now, customer.subscriber.id)
    login_staff(client, session, roles=("agent",), now=now)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    assert 'data-step="cancel"' not in page
    response = client.post(f"/tickets/{ticket.id}/cancel", data={"csrf_token": csrf_token(page), "version": 1,
                                                                  "reason": "x"}, headers=HTML)
    assert response.status_code == 403


def test_a_stale_version_names_who_changed_the_ticket_and_keeps_the_form(client, session, now):
    customer = customer_with_history(session, now=now)
    ticket = _ticket(session, now, customer.subscriber.id)
    login_staff(client, session, roles=("agent",), now=now)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    old_version = _version(page)
    # 王五 accepts it in the meantime.
    from kefu.tickets import service

    service.accept(session, ticket.id, by=staff(session, now=now, username="wang.wu"), now=now)
    session.commit()
    response = client.post(f"/tickets/{ticket.id}/notes", data={
        "csrf_token": csrf_token(page), "version": old_version, "text": "客户又来电催促"}, headers=HX)
    assert response.status_code == 409
    assert "已被 王五 于 10:00 修改，请刷新" in response.text
    assert response.headers["HX-Retarget"] == "#flash"  # the form stays as typed
    english = client.post(f"/tickets/{ticket.id}/notes?lang=en", data={
        "csrf_token": csrf_token(page), "version": old_version, "text": "x"}, headers=HX)
    assert "Changed by 王五 at 10:00" in english.text
    plain = client.post(f"/tickets/{ticket.id}/notes?lang=zh", data={
        "csrf_token": csrf_token(page), "version": old_version, "text": "x"}, headers=HTML)
    assert plain.status_code == 409 and "<html" in plain.text and "已被 王五 于 10:00 修改" in plain.text


def _login(client, username: str) -> str:
    form = client.get("/login", headers=HTML)
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": csrf_token(form.text)}, headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    return csrf_token(client.get("/", headers=HTML).text)


def test_dispatch_sets_a_15_minute_task_countdown_and_the_queue_sorts_by_time_left(client, session, session_factory,
                                                                                  now):
    customer = customer_with_history(session, now=now)
    me = staff(session, now=now, username="agent.li", display_name="李娜", roles=("agent",), department="billing")
    _login(client, "agent.li")
    urgent = _ticket(session, now, customer.subscriber.id, core_demand="停机了，急")
    page = client.get(f"/tickets/{urgent.id}", headers=HTML).text
    done = client.post(f"/tickets/{urgent.id}/dispatch", data={
        "csrf_token": csrf_token(page), "version": _version(page), "department": "billing", "instructions": "核查"},
        headers=HX)
    assert done.status_code == 204 and done.headers["HX-Redirect"] == f"/tickets/{urgent.id}"
    task = session.scalars(select(TicketTask).where(TicketTask.ticket_id == urgent.id)).one()
    assert (task.due_at - now).total_seconds() == 15 * 60
    detail = client.get(f"/tickets/{urgent.id}", headers=HTML).text
    assert 'data-remaining="900"' in detail and "0:15:00" in detail

    # A ticket of mine whose 15-minute response clock runs, and the billing task's ticket
    # (responded by the dispatch, so its next clock is the 24-hour feedback).
    mine = create_ticket(session, subscriber_id=customer.subscriber.id, by=me, now=now, core_demand="咨询套餐")
    deliver_all(session_factory, now=now)
    queue = client.get("/tickets", headers=HTML).text
    assert mine.number in queue and urgent.number in queue
    assert queue.index(mine.number) < queue.index(urgent.number)
    fragment = client.get("/tickets", headers=HX)
    assert "<html" not in fragment.text and mine.number in fragment.text


def test_subscriber_and_analyst_cannot_open_the_agent_pages(client, session, now):
    customer = customer_with_history(session, now=now)
    ticket = _ticket(session, now, customer.subscriber.id)
    login_staff(client, session, roles=("analyst",), now=now)
    assert client.get(f"/tickets/{ticket.id}", headers=HTML).status_code == 403
    assert client.get("/tickets", headers=HTML).status_code == 403


# --- the subscriber portal ----------------------------------------------------------------


def test_subscriber_files_a_complaint_in_plain_words_and_follows_every_step(client, session, now):
    customer = customer_with_history(session, now=now)
    login_subscriber(client, session, number=customer.number)
    form = client.get("/portal/tickets/new", headers=HTML)
    assert "被扣了不认识的费用（增值业务）" in form.text
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form.text).group(1)
    data = {"csrf_token": csrf_token(form.text), "idempotency_key": key, "type": "complaint", "category": "vas",
            "core_demand": "每月多扣5元彩铃费", "description": "我没订过"}
    first = client.post("/portal/tickets", data=data, headers=HTML, follow_redirects=False)
    again = client.post("/portal/tickets", data=data, headers=HTML, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == again.headers["location"]
    ticket = session.scalars(select(Ticket)).one()
    assert ticket.channel == "web" and ticket.category == "vas" and ticket.subscriber_id == customer.subscriber.id

    # The centre answers with customer-visible progress; an internal note stays internal.
    from kefu.tickets import service

    handler = staff(session, now=now, username="wang.wu", display_name="王五")
    service.add_note(session, ticket.id, text="已为您核查，彩铃由SP外呼订购", visibility="customer", by=handler, now=now)
    service.add_note(session, ticket.id, text="内部：SP-WEB 疑似违规", by=handler, now=now)
    session.commit()
    page = client.get(first.headers["location"], headers=HTML)
    assert "已受理您的诉求" in page.text and "已为您核查" in page.text and "SP-WEB 疑似违规" not in page.text
    listing = client.get("/portal/tickets", headers=HTML)
    assert "每月多扣5元彩铃费" in listing.text


def test_subscriber_agrees_to_the_refund_and_rates_the_service(client, session, now):
    customer = customer_with_history(session, now=now)
    from kefu.tickets import service

    handler = staff(session, now=now, username="wang.wu", display_name="王五")
    ticket = create_ticket(session, subscriber_id=customer.subscriber.id, by=handler, now=now, category="vas",
                           core_demand="彩铃退费")
    service.accept(session, ticket.id, by=handler, now=now)
    remedy = service.propose_remedy(session, ticket.id, kind="refund", description="退还彩铃费", basis="vas_charges",
                                    product_code="P59-VAS", by=handler, now=now)
    session.commit()
    login_subscriber(client, session, number=customer.number)
    page = client.get(f"/portal/tickets/{ticket.id}", headers=HTML).text
    assert "解决方案待您确认" in page and "¥10.00" in page  # two bills with a 5-yuan ring-back line
    remedy_id = remedy.id if hasattr(remedy, "id") else re.search(r"/remedies/(\d+)/consent", page).group(1)
    answer = client.post(f"/portal/tickets/{ticket.id}/remedies/{remedy_id}/consent",
                         data={"csrf_token": csrf_token(page), "version": _version(page), "agreed": "yes"},
                         headers=HTML, follow_redirects=False)
    assert answer.status_code == 303
    session.expire_all()
    assert session.get(Ticket, ticket.id).status == "customer_agreed"

    service.apply_remedy(session, ticket.id, int(remedy_id), by=handler, now=now)
    service.resolve(session, ticket.id, by=handler, now=now)
    session.commit()
    page = client.get(f"/portal/tickets/{ticket.id}", headers=HTML).text
    assert "请为本次服务评价" in page
    for _ in range(2):  # a double submit keeps one rating
        client.post(f"/portal/tickets/{ticket.id}/rating", data={"csrf_token": csrf_token(page), "score": 4,
                                                                  "comment": "处理很快"}, headers=HTML)
    rated = client.get(f"/portal/tickets/{ticket.id}", headers=HTML).text
    mine = rated.split('id="my-rating"')[1].split("</section>")[0]
    assert "满意" in mine and "4/5" in mine and "处理很快" in mine and "请为本次服务评价" not in rated
    assert rated.split('id="steps"')[1].count("您的服务评价") == 1
    # Staff see it on the ticket page and in its history.
    login_staff(client, session, roles=("complaint_handler",), now=now)
    staff_page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    card = staff_page.split('id="rating"')[1].split("</section>")[0]
    assert "满意" in card and "4/5" in card and "处理很快" in card
    assert "客户评价" in staff_page.split('id="timeline"')[1]


def test_another_subscribers_ticket_is_404_in_the_portal(client, session, now):
    mine = customer_with_history(session, now=now)
    other = customer_with_history(session, now=now, number="13900139000", plan_code="P99", name="李四",
                                  id_number="440105198001015678")
    ticket = _ticket(session, now, other.subscriber.id)
    login_subscriber(client, session, number=mine.number)
    assert client.get(f"/portal/tickets/{ticket.id}", headers=HTML).status_code == 404
    token = csrf_token(client.get("/portal/tickets", headers=HTML).text)
    response = client.post(f"/portal/tickets/{ticket.id}/messages", data={"csrf_token": token, "text": "hi"},
                           headers=HTML)
    assert response.status_code == 404
    assert client.get(f"/tickets/{ticket.id}", headers=HTML).status_code == 403  # not the agent page either


# --- the supervisor board -------------------------------------------------------------------


def test_board_lists_breached_and_due_soon_clocks_escalations_and_polls_without_reload(client, session,
                                                                                       session_factory, now):
    from datetime import timedelta

    from kefu.sla import service as sla
    from kefu.tickets import service

    customer = customer_with_history(session, now=now)
    handler = staff(session, now=now, username="wang.wu", display_name="王五")
    late = create_ticket(session, subscriber_id=customer.subscriber.id, by=handler, now=now - timedelta(minutes=30),
                         core_demand="一直没人理")
    soon = create_ticket(session, subscriber_id=customer.subscriber.id, by=handler, now=now, core_demand="刚来电")
    deliver_all(session_factory, now=now - timedelta(minutes=30))
    deliver_all(session_factory, now=now)
    sla.scan_due(session, now)
    service.escalate(session, late.id, level=1, reason="超时未响应", now=now)
    session.commit()
    deliver_all(session_factory, now=now)

    login_staff(client, session, roles=("supervisor",), now=now)
    page = client.get("/wallboard", headers=HTML)
    assert page.status_code == 200 and 'hx-trigger="every 10s"' in page.text
    breached = page.text.split('id="breached-list"')[1].split("</ul>")[0]
    due = page.text.split('id="due-list"')[1].split("</ul>")[0]
    assert f'href="/tickets/{late.id}"' in breached and f'href="/tickets/{soon.id}"' in due
    escalated = page.text.split('id="escalated-list"')[1].split("</ul>")[0]
    assert late.number in escalated
    repeats = page.text.split('id="repeat-list"')[1].split("</ul>")[0]
    session.refresh(soon)
    assert soon.is_repeat and soon.number in repeats and late.number not in repeats
    assert 'href="/wallboard"' in client.get("/", headers=HTML).text  # in the menu
    fragment = client.get("/wallboard", headers=HX)
    assert "<html" not in fragment.text and 'id="breached-list"' in fragment.text


def test_agents_do_not_see_the_board(client, session, now):
    login_staff(client, session, roles=("agent",), now=now)
    assert client.get("/wallboard", headers=HTML).status_code == 403
    assert 'href="/wallboard"' not in client.get("/", headers=HTML).text


def test_suggestions_while_typing_name_a_category_and_department(client, session, now):
    customer = customer_with_history(session, now=now)
    token = login_staff(client, session, roles=("agent",), now=now)
    response = client.post("/tickets/new/suggest", data={
        "csrf_token": token, "subscriber_id": customer.subscriber.id,
        "core_demand": "彩铃不是我订的，每个月都扣5元增值业务费，要求退费"}, headers=HX)
    assert response.status_code == 200
    panel = re.search(r'data-category="(\w+)" data-department="(\w+)"', response.text)
    assert panel, response.text
    assert panel.group(1) == "vas" and panel.group(2) == "vas"
    empty = client.post("/tickets/new/suggest", data={"csrf_token": token, "core_demand": ""}, headers=HX)
    assert 'class="suggest"' not in empty.text


def test_complaint_handler_proposes_a_refund_computed_from_the_bills_and_records_consent(client, session, now):
    customer = customer_with_history(session, now=now)
    ticket = _ticket(session, now, customer.subscriber.id, category="vas", core_demand="彩铃退费")
    login_staff(client, session, roles=("complaint_handler",), now=now)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    client.post(f"/tickets/{ticket.id}/accept", data={"csrf_token": csrf_token(page), "version": _version(page)},
                headers=HTML)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    assert 'data-step="remedy"' in page and 'value="P59-VAS"' in page
    client.post(f"/tickets/{ticket.id}/findings", data={
        "csrf_token": csrf_token(page), "version": _version(page), "track": "service_compliance",
        "summary": "SP外呼订购未经客户确认"}, headers=HTML)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    response = client.post(f"/tickets/{ticket.id}/remedies", data={
        "csrf_token": csrf_token(page), "version": _version(page), "kind": "refund", "basis": "vas_charges",
        "product_code": "P59-VAS", "multiplier": "2", "description": "双倍退还彩铃费"}, headers=HTML,
        follow_redirects=False)
    assert response.status_code == 303
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    assert "¥20.00" in page and "SP外呼订购未经客户确认" in page  # 2 bills × ¥5, doubled
    remedy_id = re.search(r"/remedies/(\d+)/consent", page).group(1)
    client.post(f"/tickets/{ticket.id}/remedies/{remedy_id}/consent", data={
        "csrf_token": csrf_token(page), "version": _version(page), "agreed": "yes", "note": "电话确认同意"}, headers=HTML)
    session.expire_all()
    assert session.get(Ticket, ticket.id).status == "customer_agreed"


def test_notes_and_attachments_are_added_from_the_ticket_page(client, session, now):
    customer = customer_with_history(session, now=now)
    ticket = _ticket(session, now, customer.subscriber.id)
    login_staff(client, session, roles=("agent",), now=now)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    client.post(f"/tickets/{ticket.id}/notes", data={"csrf_token": csrf_token(page), "version": _version(page),
                                                     "text": "已告知客户处理时限", "visibility": "customer"},
                headers=HTML)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    uploaded = client.post(f"/tickets/{ticket.id}/attachments",
                           data={"csrf_token": csrf_token(page), "version": _version(page)},
                           files={"file": ("bill.pdf", b"%PDF-1.4 test", "application/pdf")}, headers=HTML,
                           follow_redirects=False)
    assert uploaded.status_code == 303, uploaded.text
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    assert "已告知客户处理时限" in page and "bill.pdf" in page
    link = re.search(r'href="(/tickets/\d+/attachments/\d+)"', page).group(1)
    assert client.get(link, headers=HTML).content == b"%PDF-1.4 test"


def test_agent_corrects_the_category_from_the_ticket_page(client, session, now):
    customer = customer_with_history(session, now=now)
    ticket = _ticket(session, now, customer.subscriber.id, category="billing", core_demand="彩铃扣费")
    login_staff(client, session, roles=("agent",), now=now)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    response = client.post(f"/tickets/{ticket.id}/reclassify", data={
        "csrf_token": csrf_token(page), "version": _version(page), "category": "vas", "reason": "是增值业务"},
        headers=HX)
    assert response.status_code == 204
    session.expire_all()
    fixed = session.get(Ticket, ticket.id)
    assert fixed.category == "vas" and fixed.department == "vas"


def test_a_supervisor_escalates_from_the_ticket_page_and_an_agent_may_not(client, session, now):
    customer = customer_with_history(session, now=now)
    ticket = _ticket(session, now, customer.subscriber.id)
    login_staff(client, session, roles=("supervisor",), now=now)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    assert 'data-step="escalate"' in page
    done = client.post(f"/tickets/{ticket.id}/escalate", data={
        "csrf_token": csrf_token(page), "version": _version(page), "level": 2, "reason": "客户投诉到工信部"},
        headers=HTML, follow_redirects=False)
    assert done.status_code == 303
    session.expire_all()
    assert session.get(Ticket, ticket.id).escalation_level == 2

    client.post("/logout", data={"csrf_token": csrf_token(page)}, headers=HTML)
    login_staff(client, session, roles=("agent",), now=now)
    page = client.get(f"/tickets/{ticket.id}", headers=HTML).text
    assert 'data-step="escalate"' not in page
    refused = client.post(f"/tickets/{ticket.id}/escalate", data={
        "csrf_token": csrf_token(page), "version": _version(page), "level": 3, "reason": "x"}, headers=HTML)
    assert refused.status_code == 403
