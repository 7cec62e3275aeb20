"""The status table between our lifecycle and TMF621 v4, as pure rules."""

from __future__ import annotations

import pytest

from kefu.tickets import tmf
from kefu.tickets.lifecycle import Status
from tests.api.tmf621.spec import swagger


@pytest.mark.parametrize(
    ("ours", "waiting", "shown"),
    [
        ("intake", False, "acknowledged"),
        ("intake", True, "pending"),
        ("dispatched", False, "inProgress"),
        ("investigating", False, "inProgress"),
        ("investigating", True, "pending"),
        ("remedy_proposed", False, "pending"),
        ("customer_agreed", False, "inProgress"),
        ("customer_declined", False, "inProgress"),
        ("resolved", False, "resolved"),
        ("return_visit", True, "resolved"),
        ("closed", False, "closed"),
        ("cancelled", False, "cancelled"),
        ("rejected", False, "rejected"),
    ],
)
def test_each_of_our_statuses_shows_as_one_tmf_status(ours, waiting, shown):
    assert tmf.tmf_status(ours, waiting=waiting) == shown


def test_every_status_we_show_is_in_the_spec_enum():
    enum = swagger()["definitions"]["TroubleTicketStatusType"]["enum"]
    assert set(tmf.TO_TMF.values()) | {"pending"} <= set(enum)
    assert set(tmf.TMF_STATUSES) == set(enum)


@pytest.mark.parametrize("shown", tmf.TMF_STATUSES)
def test_a_status_filter_matches_exactly_the_tickets_shown_with_it(shown):
    for ours in Status:
        for waiting in (False, True):
            matched = any(ours.value in statuses and waiting_ in (None, waiting)
                          for statuses, waiting_ in tmf.status_clauses(shown))
            assert matched == (tmf.tmf_status(ours, waiting=waiting) == shown), (ours, waiting)


@pytest.mark.parametrize(
    ("ours", "waiting", "allowed"),
    [
        ("intake", False, {"inProgress", "pending", "resolved", "cancelled", "rejected"}),
        ("investigating", True, {"inProgress", "resolved", "cancelled", "rejected"}),
        ("remedy_proposed", False, {"cancelled"}),
        ("resolved", False, {"inProgress", "closed"}),
        ("closed", False, {"inProgress"}),
        ("cancelled", False, set()),
    ],
)
def test_patch_may_move_a_ticket_only_where_our_lifecycle_goes(ours, waiting, allowed):
    steps = tmf.target_steps(ours, waiting=waiting)
    assert set(steps) == allowed
    for target in steps:
        assert target != tmf.tmf_status(ours, waiting=waiting)  # every step shows a change
