"""Erlang C (M/M/N) and Erlang A (M/M/N+M, with abandonment) — pure, numerically stable.

Notation: calls arrive at rate λ, are handled in `aht` seconds on average (μ = 1/aht),
`agents` = N; offered load A = λ·aht Erlangs. The Erlang B recursion
B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1)) never forms A^N/N!, so it is stable for
thousands of agents; Erlang C follows as C = N·B / (N − A·(1 − B)).

Erlang A is Palm's M/M/N+M model (exponential patience, mean `patience` seconds), as
used by Garnett, Mandelbaum & Reiman, "Designing a call center with impatient
customers", MSOM 4(3), 2002. We evaluate it exactly on the birth-death chain (truncated
where the remaining probability is below 1e-15) instead of their asymptotic
approximations; the service level uses uniformization on the waiting customer's chain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def _check(load: float, agents: int) -> None:
    if load < 0 or agents < 0:
        raise ValueError("load and agents must be non-negative")


def erlang_b(load: float, agents: int) -> float:
    """Blocking probability of M/M/N/N."""
    _check(load, agents)
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return b


def erlang_c(load: float, agents: int) -> float:
    """Probability that a call waits (M/M/N). 1 when the centre is overloaded (A ≥ N)."""
    _check(load, agents)
    if agents <= load:
        return 1.0
    b = erlang_b(load, agents)
    return agents * b / (agents - load * (1.0 - b))


@dataclass(frozen=True)
class ErlangC:
    load: float
    agents: int
    p_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float


def erlang_c_metrics(*, calls_per_hour: float, aht: float, agents: int, target_seconds: float) -> ErlangC:
    """Service level = P(wait ≤ target) = 1 − C·e^{−(N−A)·t/aht}; ASA = C·aht/(N−A)."""
    load = calls_per_hour * aht / 3600.0
    p_wait = erlang_c(load, agents)
    if agents <= load:
        return ErlangC(load, agents, 1.0, 0.0, math.inf, 1.0)
    sl = 1.0 - p_wait * math.exp(-(agents - load) * target_seconds / aht)
    return ErlangC(load, agents, p_wait, sl, p_wait * aht / (agents - load), load / agents)


def service_level(*, calls_per_hour: float, aht: float, agents: int, target_seconds: float) -> float:
    return erlang_c_metrics(calls_per_hour=calls_per_hour, aht=aht, agents=agents, target_seconds=target_seconds).service_level


def asa(*, calls_per_hour: float, aht: float, agents: int) -> float:
    return erlang_c_metrics(calls_per_hour=calls_per_hour, aht=aht, agents=agents, target_seconds=0).asa_seconds


def agents_needed(
    *, calls_per_hour: float, aht: float, target_level: float, target_seconds: float,
    max_occupancy: float = 1.0, limit: int = 100_000,
) -> int:
    """The fewest agents meeting the service level (and, optionally, an occupancy cap)."""
    if not 0 < target_level < 1:
        raise ValueError("target_level must be between 0 and 1, e.g. 0.8")
    load = calls_per_hour * aht / 3600.0
    agents = max(1, math.floor(load) + 1, math.ceil(load / max_occupancy))
    while agents <= limit:
        m = erlang_c_metrics(calls_per_hour=calls_per_hour, aht=aht, agents=agents, target_seconds=target_seconds)
        if m.service_level >= target_level:
            return agents
        agents += 1
    raise ValueError("no staffing within the limit meets the target")


def scheduled_agents(agents_on_phones: int, *, shrinkage: float) -> int:
    """Agents to roster so that `agents_on_phones` remain after shrinkage (breaks,
    training, meetings, absence — e.g. 0.3 for 30%)."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1), e.g. 0.3")
    return math.ceil(agents_on_phones / (1.0 - shrinkage) - 1e-9)


# ---- Erlang A ---------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangA:
    load: float
    agents: int
    p_wait: float  # an arrival finds every agent busy
    p_abandon: float  # share of arrivals who hang up before being answered
    service_level: float  # share of ALL arrivals answered within the target
    asa_seconds: float  # mean wait of the answered
    occupancy: float


def _queue_weights(lam: float, mu: float, theta: float, agents: int, eps: float = 1e-15) -> list[float]:
    """w_k = π_{N+k} / π_N for k = 0.. (births λ, deaths Nμ + kθ), truncated at eps."""
    weights = [1.0]
    total = 1.0
    k = 0
    while True:
        k += 1
        nxt = weights[-1] * lam / (agents * mu + k * theta)
        weights.append(nxt)
        total += nxt
        if nxt < eps * total and agents * mu + k * theta > lam:
            return weights
        if k > 1_000_000:
            raise ValueError("the queue does not converge; give a positive patience")


def erlang_a_metrics(
    *, calls_per_hour: float, aht: float, agents: int, patience: float, target_seconds: float
) -> ErlangA:
    """M/M/N+M with mean patience `patience` seconds (exact, see the module docstring)."""
    if patience <= 0 or aht <= 0 or agents < 1:
        raise ValueError("aht, patience and agents must be positive")
    lam, mu, theta = calls_per_hour / 3600.0, 1.0 / aht, 1.0 / patience
    load = lam / mu
    b = erlang_b(load, agents)
    weights = _queue_weights(lam, mu, theta, agents)
    queue_mass = sum(weights)  # Σ_{n≥N} π_n / π_N
    below = 1.0 / b - 1.0  # Σ_{n<N} π_n / π_N, from Erlang B
    norm = below + queue_mass
    # An arrival finding N+k in the system waits behind k others (PASTA).
    arrive = [w / norm for w in weights]
    p_wait = queue_mass / norm
    served_from, time_served = [], []
    s, t_sum = 1.0, 0.0
    for k in range(len(arrive)):
        # Ahead of it k, k−1, … 0: each stage ends by a service or an abandonment ahead
        # (rate Nμ + jθ) unless the customer itself leaves first (rate θ).
        rate = agents * mu + k * theta
        s *= rate / (rate + theta)
        t_sum += 1.0 / (rate + theta)
        served_from.append(s)
        time_served.append(s * t_sum)
    p_served_after_wait = sum(p * sv for p, sv in zip(arrive, served_from, strict=True))
    p_abandon = p_wait - p_served_after_wait
    wait_served = sum(p * ts for p, ts in zip(arrive, time_served, strict=True))
    answered = 1.0 - p_abandon
    asa_s = wait_served / answered if answered > 0 else math.inf
    sl = (1.0 - p_wait) + _served_within(arrive, agents * mu, theta, target_seconds)
    busy = (below_busy(load, agents, b) + agents * queue_mass) / norm
    return ErlangA(load, agents, p_wait, p_abandon, sl, asa_s, busy / agents)


def below_busy(load: float, agents: int, b: float) -> float:
    """Σ_{n<N} n·π_n/π_N = A·(1/B − 1)·… computed from E[busy] of Erlang B: A(1−B)/B − N."""
    # In M/M/N/N, E[busy] = A(1 − B) and Σ_{n≤N} π_n/π_N = 1/B, so
    # Σ_{n≤N} n·π_n/π_N = A(1 − B)/B; remove the n = N term.
    return load * (1.0 - b) / b - agents


def _served_within(arrive: list[float], service_rate: float, theta: float, t: float) -> float:
    """P(wait ≤ t and answered) over arrivals who wait, by uniformization of the chain
    'k ahead of me' with absorbing states answered / abandoned."""
    if t <= 0:
        return 0.0
    size = len(arrive)
    rates = [service_rate + k * theta for k in range(size)]
    uni = max(rates) + theta
    p = arrive[:]  # probability of being in stage k
    served = 0.0
    total = 0.0
    mean = uni * t
    # Poisson(uni·t) weights in log space; stop when the tail is negligible.
    n_max = int(mean + 12 * math.sqrt(mean) + 30)
    log_w = -mean
    cumulative_served = 0.0
    for n in range(n_max + 1):
        if n:
            log_w += math.log(mean / n)
            # One uniformized step: from stage k move to k−1 (or to answered from 0) w.p. rates[k]/uni,
            # leave (abandon) w.p. θ/uni, stay otherwise.
            nxt = [0.0] * size
            for k in range(size):
                pk = p[k]
                if pk == 0.0:
                    continue
                forward = pk * rates[k] / uni
                if k == 0:
                    cumulative_served += forward
                else:
                    nxt[k - 1] += forward
                nxt[k] += pk * (1.0 - (rates[k] + theta) / uni)
            p = nxt
        weight = math.exp(log_w)
        served += weight * cumulative_served
        total += weight
    return served / total if total > 0 else 0.0
