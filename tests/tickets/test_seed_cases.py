"""Seed 003's real cases, end to end through the ticket use cases."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from kefu.customers import service as customers
from kefu.customers.models import Account, ServiceProvider, Subscription
from kefu.tickets import service as tickets
from kefu.tickets.schemas import TicketCreate
from tests.factories.customers import (
    add_bill,
    add_subscription,
    create_product,
    create_subscriber,
    months_back,
)
from tests.factories.tickets import (
    create_ticket,
    history_kinds,
    published,
    staff,
    subscriber_principal,
)

SIGNED_FORM = "%PDF-1.4\n% 2010 入网登记单：申请 19 元套餐，客户签字\n%%EOF\n".encode()


def _months(start: date, end: date) -> list[date]:
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def test_overbilled_pensioner_is_refunded_every_month(session, now):
    plan19 = create_product(session, code="PLAN19", name="19元套餐", fee_fen=1900)
    pensioner = create_subscriber(
        session, name="李大爷", birth_year=1958, city="普洱", district="思茅区", plan=plan19,
        charged_fee_fen=2900, plan_start=date(2010, 3, 1), joined_on=date(2010, 3, 1),
    )
    months = _months(date(2010, 3, 1), date(2026, 10, 1))
    for month in months:
        add_bill(session, pensioner, month=month, plan=plan19, plan_fee_fen=2900)
    handler = staff(session, now=now, username="yang.qian", display_name="杨倩", department="hall", city="普洱")
    billing = staff(session, now=now, username="billing.wang", display_name="王会计", roles=("specialist",),
                    department="billing")

    ticket = create_ticket(
        session, subscriber_id=pensioner.id, by=handler, now=now, channel="hall", category="billing",
        core_demand="入网办的是19元套餐，每月却交29元", emotion="anxious", emotion_intensity=3,
        root_cause="service_process", characteristics={"elderly": True},
    )
    assert ticket.owner_id == handler.user_id and ticket.department == "billing"
    assert ticket.number.startswith("TS20261120") and len(ticket.number) == 16

    task = tickets.dispatch(session, ticket.id, department="billing", by=handler, now=now,
                            instructions="调取 2010 年入网资料，核对套餐")
    tickets.accept_task(session, ticket.id, task.id, by=billing, now=now + timedelta(minutes=10))
    form = tickets.add_attachment(session, ticket.id, name="入网登记单.pdf", data=SIGNED_FORM, by=billing,
                                  now=now + timedelta(hours=8))
    tickets.record_finding(
        session, ticket.id, track="service_compliance", by=billing, now=now + timedelta(hours=8),
        summary="入网资料证明客户申请的是 19 元套餐，营业员差错办成 29 元", evidence="2010-03 入网登记单",
        attachment_ids=[form.id], task_id=task.id,
    )
    tickets.complete_task(session, ticket.id, task.id, result="确认为营业员差错", by=billing,
                          now=now + timedelta(hours=9))

    refund = tickets.propose_remedy(
        session, ticket.id, kind="refund", basis="overcharges", product_code="PLAN19", by=handler,
        now=now + timedelta(hours=10), description="退还 2010 年至今多收的月费",
    )
    assert refund.amount_fen == len(months) * 1000
    assert refund.basis["month_count"] == len(months) and refund.basis["months"][0]["month"] == "2010-03-01"

    tickets.give_consent(session, ticket.id, refund.id, agreed=True, by=subscriber_principal(pensioner.id),
                         now=now + timedelta(hours=11))
    balance_before = session.get(Account, pensioner.account_id).balance_fen
    tickets.apply_remedy(session, ticket.id, refund.id, by=handler, now=now + timedelta(hours=11))
    session.expire_all()
    assert session.get(Account, pensioner.account_id).balance_fen == balance_before + len(months) * 1000
    [credit] = customers.list_adjustments(session, pensioner.id, reference=f"ticket:{ticket.id}")
    assert credit.kind == "refund" and credit.amount_fen == len(months) * 1000

    tickets.resolve(session, ticket.id, by=handler, now=now + timedelta(hours=12))
    tickets.return_visit(session, ticket.id, outcome="satisfied", by=handler, now=now + timedelta(hours=30),
                         note="老人家很满意")
    session.commit()

    ticket = tickets.get_ticket(session, ticket.id, viewer=handler)
    assert ticket.status == "closed" and ticket.owner_id == handler.user_id
    statuses = [(e.from_status, e.to_status) for e in ticket.history if e.kind == "status"]
    assert statuses == [
        ("intake", "dispatched"), ("dispatched", "investigating"), ("investigating", "remedy_proposed"),
        ("remedy_proposed", "customer_agreed"), ("customer_agreed", "resolved"), ("resolved", "return_visit"),
        ("return_visit", "closed"),
    ]
    assert ticket.findings[0].attachment_ids == [form.id]
    events = published(session, ticket.id)
    assert events[0] == "TicketOpened" and events.count("TicketResponded") == 1
    assert events.count("TicketFeedbackGiven") == 1
    for name in ("TicketResolved", "TicketReturnVisited", "TicketClosed"):
        assert name in events


def test_sp_outbound_sale_without_price_is_refunded_double_and_the_sp_flagged(session, now):
    plan = create_product(session, code="PLAN59", fee_fen=5900)
    music = create_product(session, code="VAS_MUSIC", name="彩铃音乐包", kind="vas", fee_fen=1000, sp="SP001")
    handler = staff(session, now=now)
    vas_team = staff(session, now=now, username="vas.li", display_name="李增值", roles=("specialist",),
                     department="vas")
    victims, ticket_ids = [], []
    for index in range(3):
        victim = create_subscriber(session, name=f"用户{index}", plan=plan)
        add_subscription(session, victim, music, start_date=date(2026, 8, 1), order_channel="sp_outbound",
                         ordered_by="SP001")
        for month in months_back(now, 3):
            add_bill(session, victim, month=month, plan=plan, lines=[("vas_fee", 1000, music)])
        victims.append(victim)

    for victim in victims:
        ticket = create_ticket(session, subscriber_id=victim.id, by=handler, now=now, category="vas",
                               core_demand="没有订购增值业务却被扣费", emotion="angry", emotion_intensity=4)
        assert ticket.department == "vas"
        task = tickets.dispatch(session, ticket.id, department="vas", by=handler, now=now)
        tickets.record_finding(session, ticket.id, track="technical", by=vas_team, now=now, task_id=task.id,
                               summary="调听 SP 外呼录音：未明确告知收费标准，涉嫌诱导订购",
                               evidence="录音 00:42 起未提及资费")
        unsubscribe = tickets.propose_remedy(session, ticket.id, kind="unsubscribe", product_code="VAS_MUSIC",
                                             by=handler, now=now)
        refund = tickets.propose_remedy(session, ticket.id, kind="refund", basis="vas_charges",
                                        product_code="VAS_MUSIC", multiplier=2, by=handler, now=now,
                                        description="双倍退还增值业务费")
        assert refund.amount_fen == 2 * 3 * 1000
        for remedy in (unsubscribe, refund):
            tickets.give_consent(session, ticket.id, remedy.id, agreed=True, by=handler, now=now,
                                 note="客户电话中同意")
            tickets.apply_remedy(session, ticket.id, remedy.id, by=handler, now=now)
        tickets.resolve(session, ticket.id, by=handler, now=now)
        ticket_ids.append(ticket.id)
    session.commit()

    for victim in victims:
        session.expire_all()
        assert session.get(Account, victim.account_id).balance_fen == 6000
        ended = session.scalars(select(Subscription).where(Subscription.subscriber_id == victim.id,
                                                           Subscription.product_id == music.id)).one()
        assert ended.end_date is not None

    problem = tickets.open_problem(
        session, title="SP001 外呼营销未告知资费", root_cause="SP 外呼话术未明确收费标准，诱导订购",
        root_cause_class="service_process", category="vas", service_provider_code="SP001",
        ticket_ids=ticket_ids, by=handler, now=now,
    )
    assert problem.ticket_ids == ticket_ids and problem.status == "open"
    sp = session.scalars(select(ServiceProvider).where(ServiceProvider.code == "SP001")).one()
    assert sp.flagged and "外呼" in (sp.flag_reason or "")
    tickets.progress_problem(session, problem.id, status="rectifying", note="勒令 SP 停止外呼，二次外呼确认",
                             by=handler, now=now)
    done = tickets.progress_problem(session, problem.id, status="rectified", note="未确认用户全部退订并双倍退费",
                                    by=handler, now=now + timedelta(days=7))
    assert done.status == "rectified" and [h["status"] for h in done.history] == ["open", "rectifying", "rectified"]
    assert tickets.get_ticket(session, ticket_ids[0], viewer=handler).problem_ids == [problem.id]


def test_real_name_registration_in_another_province_is_handled_by_that_hall(session, now):
    subscriber = create_subscriber(session, name="赵先生", city="普洱", district="思茅区")
    home = staff(session, now=now, username="yang.qian", display_name="杨倩", department="hall", city="普洱")
    there = staff(session, now=now, username="jinan.hall", display_name="济南营业厅", roles=("agent",),
                  department="hall", city="济南")
    ticket = create_ticket(
        session, subscriber_id=subscriber.id, by=home, now=now, type="cross_region", channel="hotline",
        category="account", core_demand="人在山东，需补登实名信息，无法回普洱营业厅",
        characteristics={"service": "real_name_registration", "home_city": "普洱", "current_city": "济南"},
    )
    task = tickets.dispatch(session, ticket.id, department="hall", city="济南", by=home, now=now,
                            instructions="请协助核验用户身份证件并回传资料")
    session.commit()

    # The Jinan hall finds the ticket among the tasks sent to it.
    waiting_there = tickets.list_tickets(
        session, tickets.TicketFilter(task_department="hall", task_city="济南"),
        page_=tickets.Page(), viewer=there,
    )
    assert [t.id for t in waiting_there.items] == [ticket.id]

    tickets.accept_task(session, ticket.id, task.id, by=there, now=now + timedelta(hours=1))
    tickets.task_progress(session, ticket.id, task.id, note="用户已到济南营业厅，身份核验通过", visibility="customer",
                          by=there, now=now + timedelta(hours=3))
    photo = tickets.add_attachment(session, ticket.id, name="id-check.png",
                                   data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, by=there, now=now + timedelta(hours=3))
    tickets.complete_task(session, ticket.id, task.id, result=f"核验资料已回传（附件 {photo.id}）", by=there,
                          now=now + timedelta(hours=4))
    session.commit()

    # Home sees the other side's progress, and closes at home.
    seen_at_home = tickets.get_ticket(session, ticket.id, viewer=home)
    kinds = [e.kind for e in seen_at_home.history]
    assert {"task_accepted", "task_progress", "attachment", "task_done"} <= set(kinds)
    assert seen_at_home.tasks[0].status == "done" and seen_at_home.tasks[0].city == "济南"
    tickets.resolve(session, ticket.id, by=home, resolution="实名信息补登完成", now=now + timedelta(hours=5))
    tickets.return_visit(session, ticket.id, outcome="satisfied", by=home, now=now + timedelta(hours=20))
    closed = tickets.get_ticket(session, ticket.id, viewer=home)
    assert closed.status == "closed" and closed.owner_id == home.user_id

    # The customer followed the same progress in the portal, without internal notes.
    mine = tickets.get_ticket(session, ticket.id, viewer=subscriber_principal(subscriber.id))
    assert "task_progress" in [e.kind for e in mine.history]
    assert "task_dispatched" not in [e.kind for e in mine.history] and mine.findings == []


def test_second_broadband_complaint_within_30_days_is_linked_flagged_and_escalated(session, now):
    family = create_subscriber(session, name="王女士", city="东莞", district="南城")
    agent = staff(session, now=now, username="agent.chen", display_name="陈坐席", roles=("agent",))
    first = create_ticket(session, subscriber_id=family.id, by=agent, now=now - timedelta(days=12),
                          category="broadband", core_demand="宽带晚上卡顿")
    tickets.resolve(session, first.id, by=agent, now=now - timedelta(days=11), resolution="远程重启光猫")
    tickets.return_visit(session, first.id, outcome="satisfied", by=agent, now=now - timedelta(days=10))
    unrelated = create_ticket(session, subscriber_id=family.id, by=agent, now=now - timedelta(days=5),
                              category="billing", core_demand="账单疑问")

    second = create_ticket(session, subscriber_id=family.id, by=agent, now=now, category="broadband",
                           core_demand="宽带又断了")
    assert second.is_repeat and second.priority == "high" and second.escalation_level == 1
    assert not unrelated.is_repeat
    detail = tickets.get_ticket(session, second.id, viewer=agent)
    assert [t.id for t in detail.repeat_chain] == [first.id]
    assert [(link.kind, link.to_ticket_id) for link in detail.links] == [("repeat_of", first.id)]
    assert "TicketEscalated" in published(session, second.id)
    assert {"repeat_detected", "escalated"} <= set(history_kinds(session, second.id))

    third = create_ticket(session, subscriber_id=family.id, by=agent, now=now + timedelta(days=1),
                          category="broadband", core_demand="第三次反映宽带问题")
    assert [t.id for t in tickets.get_ticket(session, third.id, viewer=agent).repeat_chain] == [first.id, second.id]

    # Outside the window and closed: a new problem, not a repeat.
    later = create_ticket(session, subscriber_id=family.id, by=agent, now=now + timedelta(days=80),
                          category="broadband", core_demand="宽带装维预约", type="service_request")
    assert not later.is_repeat


def test_a_repeat_of_a_still_open_complaint_counts_whatever_its_age(session, now):
    subscriber = create_subscriber(session)
    agent = staff(session, now=now)
    old = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now - timedelta(days=90),
                        category="mobile_network")
    again = tickets.open_ticket(
        session, TicketCreate(type="complaint", subscriber_id=subscriber.id, channel="app", core_demand="还是没信号",
                              category="mobile_network"), by=agent, now=now, repeat_window_days=30,
    )[0]
    assert again.is_repeat and tickets.repeat_chain(session, again.id)[0].id == old.id
