"""Erlang B/C/A against known values and against each other."""

from __future__ import annotations

import math

import pytest

from kefu.workforce import erlang


@pytest.mark.parametrize(
    ("load", "agents", "expected"),
    [(2, 2, 0.4), (1, 1, 0.5), (10, 10, 0.21458), (10, 14, 0.05682), (100, 100, 0.07570)],
)
def test_erlang_b_table(load, agents, expected):
    assert erlang.erlang_b(load, agents) == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize(
    ("load", "agents", "expected"),
    [(2, 3, 4 / 9), (1, 2, 1 / 3), (10, 14, 0.17413), (10, 11, 0.68209)],
)
def test_erlang_c_probability_of_waiting_table(load, agents, expected):
    assert erlang.erlang_c(load, agents) == pytest.approx(expected, abs=5e-5)


def test_the_classic_ten_erlang_example():
    """100 calls per half hour, 3-minute AHT, 80/20 (the textbook example): 14 agents
    answer 88.8% within 20 s with an ASA near 8 s; 13 are not enough."""
    m = erlang.erlang_c_metrics(calls_per_hour=200, aht=180, agents=14, target_seconds=20)
    assert m.load == pytest.approx(10)
    assert m.service_level == pytest.approx(0.8884, abs=5e-4)
    assert m.asa_seconds == pytest.approx(7.84, abs=0.01)
    assert m.occupancy == pytest.approx(10 / 14)
    assert erlang.service_level(calls_per_hour=200, aht=180, agents=13, target_seconds=20) < 0.8
    assert erlang.agents_needed(calls_per_hour=200, aht=180, target_level=0.8, target_seconds=20) == 14


def test_ten_erlangs_with_a_100_second_aht_answer_more_within_20_seconds():
    # Same load, shorter calls: the queue drains faster, so 20 s covers more of the wait.
    assert erlang.service_level(calls_per_hour=360, aht=100, agents=14, target_seconds=20) == pytest.approx(0.92176, abs=5e-5)


def test_an_overloaded_centre_always_waits():
    m = erlang.erlang_c_metrics(calls_per_hour=400, aht=180, agents=20, target_seconds=20)
    assert m.p_wait == 1 and m.service_level == 0 and math.isinf(m.asa_seconds)


def test_thousands_of_agents_stay_finite_and_match_log_space():
    load, agents = 1000.0, 1050
    direct_log_terms = [k * math.log(load) - math.lgamma(k + 1) for k in range(agents + 1)]
    top = max(direct_log_terms)
    b = math.exp(direct_log_terms[-1] - top) / sum(math.exp(t - top) for t in direct_log_terms)
    assert erlang.erlang_b(load, agents) == pytest.approx(b, rel=1e-9)
    assert 0 < erlang.erlang_c(load, agents) < 1


def test_staffing_meets_the_target_with_the_fewest_agents():
    for rate, aht in [(50, 240), (600, 300), (3000, 150)]:
        n = erlang.agents_needed(calls_per_hour=rate, aht=aht, target_level=0.8, target_seconds=20)
        assert erlang.service_level(calls_per_hour=rate, aht=aht, agents=n, target_seconds=20) >= 0.8
        assert erlang.service_level(calls_per_hour=rate, aht=aht, agents=n - 1, target_seconds=20) < 0.8


def test_an_occupancy_cap_adds_agents():
    free = erlang.agents_needed(calls_per_hour=3000, aht=150, target_level=0.8, target_seconds=20)
    capped = erlang.agents_needed(calls_per_hour=3000, aht=150, target_level=0.8, target_seconds=20, max_occupancy=0.85)
    assert capped > free and 125 / capped <= 0.85


def test_erlang_a_with_endless_patience_is_erlang_c():
    a = erlang.erlang_a_metrics(calls_per_hour=200, aht=180, agents=14, patience=1e9, target_seconds=20)
    c = erlang.erlang_c_metrics(calls_per_hour=200, aht=180, agents=14, target_seconds=20)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-5)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-3)
    assert a.p_abandon == pytest.approx(0, abs=1e-6)


def test_erlang_a_abandonment_agrees_with_littles_law():
    """P(abandon) = θ·E[queue]/λ, computed independently from the stationary chain."""
    rate, aht, agents, patience = 400.0, 180.0, 20, 90.0
    a = erlang.erlang_a_metrics(calls_per_hour=rate, aht=aht, agents=agents, patience=patience, target_seconds=20)
    lam, mu, theta = rate / 3600, 1 / aht, 1 / patience
    weights = [1.0]
    for n in range(1, 400):
        weights.append(weights[-1] * lam / (min(n, agents) * mu + max(n - agents, 0) * theta))
    total = sum(weights)
    queue = sum(max(n - agents, 0) * w for n, w in enumerate(weights)) / total
    assert a.p_abandon == pytest.approx(theta * queue / lam, rel=1e-6)
    assert a.p_wait == pytest.approx(sum(weights[agents:]) / total, rel=1e-6)


def test_an_overloaded_centre_with_impatient_callers_is_stable_under_erlang_a():
    a = erlang.erlang_a_metrics(calls_per_hour=400, aht=180, agents=18, patience=60, target_seconds=20)
    assert 0 < a.p_abandon < 0.5 and 0 < a.service_level < 1 and a.occupancy < 1
    more = erlang.erlang_a_metrics(calls_per_hour=400, aht=180, agents=22, patience=60, target_seconds=20)
    assert more.p_abandon < a.p_abandon and more.service_level > a.service_level


@pytest.mark.parametrize("bad", [{"patience": 0}, {"aht": 0}, {"agents": 0}])
def test_erlang_a_refuses_nonsense(bad):
    args = {"calls_per_hour": 100, "aht": 100, "agents": 5, "patience": 60, "target_seconds": 20, **bad}
    with pytest.raises(ValueError):
        erlang.erlang_a_metrics(**args)


def test_shrinkage_adds_rostered_agents():
    assert erlang.scheduled_agents(14, shrinkage=0.3) == 20
    assert erlang.scheduled_agents(14, shrinkage=0.0) == 14
    with pytest.raises(ValueError):
        erlang.scheduled_agents(14, shrinkage=1.0)
