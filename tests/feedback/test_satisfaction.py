"""Satisfaction ratings (服务评价): a subscriber rates their handled ticket once on the
five-point 满意度 scale; the rating is in the ticket's history for staff and customer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kefu.core.errors import InvalidInput, NotFound
from kefu.feedback import service as feedback
from kefu.feedback.models import SatisfactionRating
from kefu.tickets import service as tickets
from kefu.tickets.lifecycle import InvalidTransition
from tests.factories.tickets import create_ticket, staff, subscriber_principal
from tests.factories.web import customer_with_history


def _resolved_ticket(session, now, subscriber_id):
    handler = staff(session, now=now, username="wang.wu", display_name="王五")
    ticket = create_ticket(session, subscriber_id=subscriber_id, by=handler, now=now, category="broadband",
                           core_demand="宽带断网三天")
    tickets.accept(session, ticket.id, by=handler, now=now)
    tickets.resolve(session, ticket.id, resolution="更换光猫后恢复", by=handler, now=now)
    return ticket, handler


def _count(session) -> int:
    return session.scalar(select(func.count(SatisfactionRating.id)))


def test_subscriber_rates_a_resolved_ticket_and_it_is_in_the_history(session, now):
    customer = customer_with_history(session, now=now)
    ticket, _ = _resolved_ticket(session, now, customer.subscriber.id)
    me = subscriber_principal(customer.subscriber.id)
    rating, created = feedback.rate_ticket(session, ticket.id, score=4, comment="处理很快", channel="web", by=me,
                                           now=now)
    assert created and rating.label == "满意" and rating.satisfied and rating.subscriber_id == customer.subscriber.id
    assert feedback.rating_of_ticket(session, ticket.id) == rating
    entry = [e for e in tickets.get_ticket(session, ticket.id, viewer=me).history if e.kind == "satisfaction_rated"]
    assert len(entry) == 1 and entry[0].detail["score"] == 4 and entry[0].detail["text"] == "处理很快"
    assert entry[0].visibility == "customer"


def test_rating_twice_keeps_the_first_rating(session, now):
    customer = customer_with_history(session, now=now)
    ticket, _ = _resolved_ticket(session, now, customer.subscriber.id)
    me = subscriber_principal(customer.subscriber.id)
    feedback.rate_ticket(session, ticket.id, score=2, comment="等太久", channel="web", by=me, now=now)
    again, created = feedback.rate_ticket(session, ticket.id, score=5, channel="web", by=me, now=now)
    assert not created and again.score == 2 and again.label == "不满意" and not again.satisfied
    assert _count(session) == 1
    history = tickets.get_ticket(session, ticket.id, viewer=me).history
    assert sum(e.kind == "satisfaction_rated" for e in history) == 1


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_off_the_scale_is_refused_and_nothing_is_written(session, now, score):
    customer = customer_with_history(session, now=now)
    ticket, _ = _resolved_ticket(session, now, customer.subscriber.id)
    with pytest.raises(InvalidInput) as error:
        feedback.rate_ticket(session, ticket.id, score=score, channel="web",
                             by=subscriber_principal(customer.subscriber.id), now=now)
    assert "1 到 5 分" in error.value.message("zh") and "1 to 5" in error.value.message("en")
    assert _count(session) == 0


def test_an_open_ticket_cannot_be_rated_yet(session, now):
    customer = customer_with_history(session, now=now)
    handler = staff(session, now=now, username="wang.wu", display_name="王五")
    ticket = create_ticket(session, subscriber_id=customer.subscriber.id, by=handler, now=now)
    with pytest.raises(InvalidTransition) as error:
        feedback.rate_ticket(session, ticket.id, score=5, channel="web",
                             by=subscriber_principal(customer.subscriber.id), now=now)
    assert "办结后才能评价" in error.value.message("zh")
    session.rollback()
    assert _count(session) == 0


def test_another_subscriber_cannot_rate_my_ticket(session, now):
    customer = customer_with_history(session, now=now)
    ticket, _ = _resolved_ticket(session, now, customer.subscriber.id)
    with pytest.raises(NotFound):
        feedback.rate_ticket(session, ticket.id, score=1, channel="web", by=subscriber_principal(999_999), now=now)
    assert _count(session) == 0
