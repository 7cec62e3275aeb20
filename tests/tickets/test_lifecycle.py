"""The lifecycle's pure rules, table-driven, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kefu.tickets import lifecycle
from kefu.tickets.lifecycle import InvalidTransition, Status

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)

HAPPY_PATH = [
    Status.INTAKE,
    Status.DISPATCHED,
    Status.INVESTIGATING,
    Status.REMEDY_PROPOSED,
    Status.CUSTOMER_AGREED,
    Status.RESOLVED,
    Status.RETURN_VISIT,
    Status.CLOSED,
]


@pytest.mark.parametrize(("current", "wanted"), list(zip(HAPPY_PATH, HAPPY_PATH[1:], strict=False)))
def test_the_complaint_path_is_allowed_step_by_step(current, wanted):
    assert lifecycle.ensure_transition(current, wanted) is wanted


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (Status.RETURN_VISIT, Status.INVESTIGATING),  # failed return visit reopens
        (Status.CLOSED, Status.INVESTIGATING),  # dispute within the window
        (Status.RESOLVED, Status.INVESTIGATING),
        (Status.REMEDY_PROPOSED, Status.CUSTOMER_DECLINED),
        (Status.CUSTOMER_DECLINED, Status.REMEDY_PROPOSED),
        (Status.INTAKE, Status.CANCELLED),
        (Status.INVESTIGATING, Status.REJECTED),
        (Status.INTAKE, Status.RESOLVED),  # a consultation answered at once
    ],
)
def test_side_paths_are_allowed(current, wanted):
    assert wanted in lifecycle.allowed_next(current)
    lifecycle.ensure_transition(current, wanted)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (Status.INTAKE, Status.CLOSED),
        (Status.INTAKE, Status.CUSTOMER_AGREED),
        (Status.INVESTIGATING, Status.CLOSED),
        (Status.REMEDY_PROPOSED, Status.RESOLVED),  # not before the customer answered
        (Status.RESOLVED, Status.CLOSED),  # not without the return visit
        (Status.CLOSED, Status.RESOLVED),
        (Status.CANCELLED, Status.INVESTIGATING),
        (Status.REJECTED, Status.INTAKE),
        (Status.RESOLVED, Status.CANCELLED),
    ],
)
def test_illegal_transitions_are_refused(current, wanted):
    assert wanted not in lifecycle.allowed_next(current)
    with pytest.raises(InvalidTransition):
        lifecycle.ensure_transition(current, wanted)


def test_refusal_names_the_allowed_next_steps_in_chinese_and_english():
    with pytest.raises(InvalidTransition) as caught:
        lifecycle.ensure_transition(Status.RESOLVED, Status.CLOSED)
    error = caught.value
    assert error.status_code == 409
    assert "回访中（return_visit）" in error.zh and "调查中（investigating）" in error.zh
    assert "cannot go to closed. Allowed next steps: investigating, return_visit" in error.en
    assert error.details["allowed_next"] == ["investigating", "return_visit"]


def test_a_final_status_says_nothing_more_is_possible():
    with pytest.raises(InvalidTransition) as caught:
        lifecycle.ensure_transition(Status.CANCELLED, Status.INVESTIGATING)
    assert "已结束" in caught.value.zh and "ended" in caught.value.en
    assert caught.value.details["allowed_next"] == []


@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    [
        (Status.INTAKE, "accept", True),
        (Status.INVESTIGATING, "accept", False),
        (Status.INVESTIGATING, "dispatch", True),
        (Status.RESOLVED, "dispatch", False),
        (Status.REMEDY_PROPOSED, "consent", True),
        (Status.INVESTIGATING, "consent", False),
        (Status.CUSTOMER_AGREED, "apply_remedy", True),
        (Status.REMEDY_PROPOSED, "apply_remedy", True),
        (Status.CUSTOMER_DECLINED, "apply_remedy", False),
        (Status.CLOSED, "note", True),
        (Status.CLOSED, "escalate", False),
    ],
)
def test_actions_depend_on_the_status(status, action, allowed):
    if allowed:
        lifecycle.ensure_action(status, action)
    else:
        with pytest.raises(InvalidTransition):
            lifecycle.ensure_action(status, action)


@pytest.mark.parametrize(
    ("consents", "expected"),
    [
        ([], Status.REMEDY_PROPOSED),
        (["proposed", "agreed"], Status.REMEDY_PROPOSED),
        (["agreed", "declined"], Status.CUSTOMER_AGREED),
        (["agreed"], Status.CUSTOMER_AGREED),
        (["declined", "declined"], Status.CUSTOMER_DECLINED),
    ],
)
def test_status_after_the_customers_answers(consents, expected):
    assert lifecycle.after_consent(consents) is expected


@pytest.mark.parametrize(
    ("status", "closed_ago", "allowed"),
    [
        (Status.CLOSED, timedelta(days=3), True),
        (Status.CLOSED, timedelta(days=8), False),
        (Status.RETURN_VISIT, None, True),
        (Status.RESOLVED, None, True),
        (Status.CANCELLED, None, False),
        (Status.INVESTIGATING, None, False),
    ],
)
def test_reopen_only_within_the_dispute_window(status, closed_ago, allowed):
    closed_at = NOW - closed_ago if closed_ago else None
    assert lifecycle.may_reopen(status, closed_at=closed_at, now=NOW, window=timedelta(days=7)) is allowed


@pytest.mark.parametrize(
    ("priority", "expected"),
    [("low", "high"), ("normal", "high"), ("high", "urgent"), ("urgent", "urgent")],
)
def test_a_repeat_complaint_raises_priority_one_step_and_at_least_to_high(priority, expected):
    assert lifecycle.raised_priority(priority) == expected


@pytest.mark.parametrize(
    ("priority", "level", "expected"),
    [("normal", 1, "high"), ("normal", 2, "urgent"), ("urgent", 1, "urgent"), ("high", 3, "urgent")],
)
def test_escalation_level_sets_a_priority_floor(priority, level, expected):
    assert lifecycle.priority_for_level(priority, level) == expected
