"""Contact routing use cases on the durable queue. Each call rebuilds the pure engine
from the tables (agents locked, contacts claimed with SKIP LOCKED), lets it decide, and
writes the decisions back. Services flush, never commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.agents.models import AgentProfile
from kefu.agents.presence import Presence
from kefu.core.errors import InvalidInput, PermissionDenied
from kefu.core.events import record
from kefu.routing import callbacks as cb
from kefu.routing import chat_offers, config_service, engine_cache, repository
from kefu.routing.engine import RoutingEngine
from kefu.routing.errors import ContactNotFound, ContactNotQueued, OfferNoLongerValid
from kefu.routing.events import CallbackFinished, ContactAssigned, ContactEnded, ContactOffered
from kefu.routing.models import RoutingContact
from kefu.routing.state import CHANNEL_CLASS, channel_class, class_loads, could_take

# On the durable queue a callback's priority is stored on its row and raised by its SLA
# clock (warned, breached: see callback_sla_step), so the engine adds no boosts of its own.
STORED_PRIORITY = cb.CallbackPolicy(boosts=())


def to_seconds(at: datetime) -> float:
    return at.timestamp()


def _dt(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def build_engine(session: Session, *, now: datetime, lock: bool) -> RoutingEngine:
    """The engine with every signed-in agent this transaction could lock, with live loads.
    Queue memberships come from the dispatcher's cache (engine_cache) unless switched off."""
    _, workflow = config_service.active_workflow(session)
    specs = config_service.queue_specs(session)
    engine = RoutingEngine(specs, workflow, hours=agents.all_group_hours(session), offer_timeout=None,
                           callback_policy=STORED_PRIORITY)
    if engine_cache.is_enabled():
        signed_in, loads, offered = _cached_roster(session, specs=specs, lock=lock)
    else:
        # Lock the agents first, then count their contacts: a dispatcher that offered to one of
        # them has committed by the time we hold its row, so its offers are in the count.
        signed_in = [(a, a.attrs, None, True) for a in agents.routable_agents(session, lock=lock)]
        loads, offered = repository.agent_loads(session)
    ready = {agent.id for agent, _, _, routable in signed_in
             if routable and agent.presence in (Presence.READY, Presence.TALKING) and agent.id not in offered}
    # Idle time and contacts handled order only the agents who can be offered something now
    # (a full or on-call agent joins no queue's heap this tick), so only theirs are read.
    in_question = sorted(a.id for a, _, _, _ in signed_in
                         if a.id in ready and could_take(class_loads(loads.get(a.id, {})), a.capacity))
    handled = repository.handled_since(session, now - timedelta(hours=12), in_question)
    ended = repository.last_ended(session, in_question)
    for agent, attrs, member_of, _ in signed_in:
        idle = max(agent.presence_since, ended.get(agent.id, agent.presence_since))
        engine.add_agent(agent.id, attrs=attrs, capacity=agent.capacity, ready=agent.id in ready, now=to_seconds(now),
                         load=class_loads(loads.get(agent.id, {})), handled=handled.get(agent.id, 0),
                         idle_since=to_seconds(idle), member_of=member_of)
    return engine


def _has_room(agent: agents.RosterEntry, loads: dict[str, int], offered: set[int]) -> bool:
    """Could take a contact now (the engine's rule: see state.could_take)."""
    if agent.presence not in (Presence.READY, Presence.TALKING) or agent.id in offered:
        return False
    return could_take(class_loads(loads), agent.capacity)


def _cached_roster(
    session: Session, *, specs: list[Any], lock: bool
) -> tuple[list[tuple[Any, dict[str, Any], tuple[str, ...], bool]], dict[int, dict[str, int]], set[int]]:
    """Signed-in agents with cached attributes and memberships. With lock, only the agents
    who could take a contact are locked (SKIP LOCKED) — a handful, not all 2,000 — and the
    loads are counted again after: a dispatcher that offered to one of them has committed
    by the time we hold its row, so its offers are in the count. The others stay in the
    engine as not routable this tick."""
    roster = agents.routable_roster(session)
    loads, offered = repository.agent_loads(session)
    routable = {a.id for a in roster}
    if lock:
        free = [a.id for a in roster if _has_room(a, loads.get(a.id, {}), offered)]
        locked = {a.id: a for a in agents.routable_roster(session, lock=True, ids=free)} if free else {}
        roster = [locked.get(a.id, a) for a in roster]
        routable = set(locked)
        loads, offered = repository.agent_loads(session)
    profiles = engine_cache.agent_profiles(session, [(a.id, a.attrs_stamp) for a in roster], specs=specs)
    return ([(a, profiles[a.id].attrs, profiles[a.id].queues, a.id in routable) for a in roster if a.id in profiles],
            loads, offered)


def receive_contact(
    session: Session, *, channel: str, now: datetime, attrs: dict[str, Any] | None = None,
    subscriber_id: int | None = None, ticket_id: int | None = None, priority: int = 0,
    context: dict[str, Any] | None = None,
) -> RoutingContact:
    """Queues a new contact durably and routes it (it may be offered at once)."""
    if channel not in CHANNEL_CLASS or channel == "callback":
        raise InvalidInput(f"未知渠道：{channel}", f"Unknown channel: {channel}", code="unknown_channel")
    _, workflow = config_service.active_workflow(session)
    attrs = {**(attrs or {}), "channel": channel}
    first = workflow.filter_for(attrs).steps[0].queue
    row = RoutingContact(
        kind="live", channel=channel, state="queued", subscriber_id=subscriber_id, ticket_id=ticket_id,
        attrs=attrs, context={**(context or {}), "customer_id": subscriber_id, "ticket_id": ticket_id},
        priority=priority, step=0, step_started_at=now, queue_name=first, declined_by=[], arrived_at=now,
    )
    session.add(row)
    session.flush()
    dispatch(session, now=now)
    return row


def dispatch(session: Session, *, now: datetime) -> list[RoutingContact]:
    """Offers waiting contacts to ready agents; returns the contacts offered."""
    # Contacts first, then agents: every path takes its locks in this order.
    rows = {row.id: row for row in repository.claim_routable(session, now=now)}
    if not rows:
        return []
    engine = build_engine(session, now=now, lock=True)
    t = to_seconds(now)
    for row in rows.values():
        if row.kind == "callback":
            engine.restore_callback(
                row.id, queue=row.queue_name or "", number=row.callback_number or "", due_at=to_seconds(row.due_at),
                not_before=to_seconds(row.not_before), now=t, attempts=row.attempts, attrs=row.attrs,
                context=row.context, arrived_at=to_seconds(row.arrived_at), priority=row.priority, dispatch=False,
            )
        else:
            direct = row.route[len("direct:"):] if row.route and row.route.startswith("direct:") else None
            engine.enqueue(
                row.id, channel=row.channel, attrs=row.attrs, now=t, priority=row.priority,
                arrived_at=to_seconds(row.arrived_at), queue=direct, step=row.step,
                step_started=to_seconds(row.step_started_at or row.arrived_at), declined_by=row.declined_by, dispatch=False,
            )
    offers = engine.dispatch_all(t)
    settings = config_service.active_settings(session)
    for row in rows.values():
        contact = engine.contacts[row.id]
        # Written only when the step moved: the float round trip would otherwise differ by a
        # microsecond and rewrite every waiting row on every tick.
        started = row.step_started_at or row.arrived_at
        if contact.step != row.step or abs(contact.step_started - to_seconds(started)) > 1e-3:
            row.step, row.step_started_at = contact.step, _dt(contact.step_started)
        if contact.queue is not None and contact.queue.name != row.queue_name:
            row.queue_name = contact.queue.name
        if row.state == "scheduled":
            row.state = "queued"
    offered = []
    for offer in offers:
        row = rows[offer.contact.id]
        row.state, row.agent_id, row.offer_seq = "offered", int(offer.agent.id), row.offer_seq + 1
        row.offered_at, row.offer_expires_at = now, now + settings.for_queue(row.queue_name).offer_timeout
        record(session, ContactOffered(row.id, row.agent_id, row.queue_name or "", now), now=now)
        offered.append(row)
    session.flush()
    return offered


def get_contact(session: Session, contact_id: int, *, for_update: bool = False) -> RoutingContact:
    row = repository.contact_by_id(session, contact_id, for_update=for_update)
    if row is None:
        raise ContactNotFound(contact_id)
    return row


def offers_for(session: Session, agent: AgentProfile) -> list[RoutingContact]:
    return [c for c in repository.contacts_of_agent(session, agent.id) if c.state == "offered"]


def accept(session: Session, contact_id: int, *, agent: AgentProfile, offer_seq: int, now: datetime) -> RoutingContact:
    """The offered agent takes the contact. Exactly one accept can win (compare-and-set)."""
    if not repository.accept_offer(session, contact_id, agent_id=agent.id, offer_seq=offer_seq, now=now):
        raise OfferNoLongerValid(f"{contact_id}/{offer_seq}")
    row = get_contact(session, contact_id)
    session.refresh(row)
    if agent.presence == Presence.READY:
        agents.change_presence(session, agent, to=Presence.TALKING, now=now, by_routing=True)
    waited = (now - row.arrived_at).total_seconds()
    record(session, ContactAssigned(row.id, agent.id, row.ticket_id, waited, now), now=now)
    return row


def _offered_to(session: Session, contact_id: int, agent: AgentProfile, offer_seq: int) -> RoutingContact:
    row = get_contact(session, contact_id, for_update=True)
    if row.state != "offered" or row.agent_id != agent.id or row.offer_seq != offer_seq:
        raise OfferNoLongerValid(f"{contact_id}/{offer_seq}")
    return row


def _back_to_queue(row: RoutingContact, agent_id: int) -> None:
    row.state, row.agent_id, row.offered_at, row.offer_expires_at = "queued", None, None, None
    row.declined_by = [*row.declined_by, agent_id]


def decline(session: Session, contact_id: int, *, agent: AgentProfile, offer_seq: int, now: datetime) -> RoutingContact:
    """The contact keeps its place and is offered to someone else."""
    row = _offered_to(session, contact_id, agent, offer_seq)
    _back_to_queue(row, agent.id)
    session.flush()
    dispatch(session, now=now)
    return row


def expire_offers(session: Session, *, now: datetime) -> int:
    """Offers that rang out go back to the queue; their agent is put on a break (for chat:
    after a streak of misses, see chat_offers)."""
    expired = repository.claim_expired_offers(session, now=now)
    for row in expired:
        agent_id = row.agent_id
        _back_to_queue(row, agent_id)
        agent = agents.get_agent(session, agent_id)
        if channel_class(row.channel) == "chat" and not chat_offers.missed(session, agent_id, now=now):
            continue  # a chat re-offers to the next agent; only a streak of misses means a break
        if agent.presence == Presence.READY:
            agents.change_presence(session, agent, to=Presence.BREAK, reason="未接听 missed offer", now=now,
                                   by_routing=True)
    session.flush()
    return len(expired)


def assigned_to(session: Session, contact_id: int, agent: AgentProfile) -> RoutingContact:
    row = get_contact(session, contact_id, for_update=True)
    if row.state != "assigned":
        raise ContactNotQueued(contact_id, row.state)
    if row.agent_id != agent.id:
        raise PermissionDenied("该话务不是由您接起的", "This contact is not yours", code="not_your_contact")
    return row


def after_contact(session: Session, agent: AgentProfile, *, now: datetime) -> None:
    if agent.presence == Presence.TALKING and not repository.contacts_of_agent(session, agent.id):
        agents.change_presence(session, agent, to=Presence.WRAP_UP, now=now, by_routing=True)


def complete(session: Session, contact_id: int, *, agent: AgentProfile, now: datetime) -> RoutingContact:
    """The conversation ended; the agent goes to wrap-up (整理) until they are ready again."""
    row = assigned_to(session, contact_id, agent)
    row.state, row.ended_at, row.outcome = "ended", now, row.outcome or "handled"
    session.flush()
    after_contact(session, agent, now=now)
    record(session, ContactEnded(row.id, agent.id, "handled", now), now=now)
    return row


def abandon(session: Session, contact_id: int, *, now: datetime) -> RoutingContact:
    """The caller hung up while waiting (reported by the switch or the chat widget)."""
    row = get_contact(session, contact_id, for_update=True)
    if row.state not in ("queued", "offered", "scheduled"):
        raise ContactNotQueued(contact_id, row.state)
    row.state, row.ended_at, row.outcome, row.offer_expires_at = "abandoned", now, "abandoned", None
    session.flush()
    record(session, ContactEnded(row.id, row.agent_id, "abandoned", now), now=now)
    if row.kind == "callback":
        record(session, CallbackFinished(row.id, "cancelled", now), now=now)
    return row


def callback_sla_step(session: Session, contact_id: int, *, stage: str, now: datetime) -> RoutingContact | None:
    """The appointment's SLA clock warned or breached: its priority rises to the stage's
    (never falls), so it climbs past live callers as its due time nears. Idempotent."""
    row = repository.contact_by_id(session, contact_id, for_update=True)
    if row is None or row.kind != "callback" or row.state in ("ended", "abandoned"):
        return None
    wanted = STORED_PRIORITY.base_priority + cb.SLA_STAGE_BOOST[stage]
    if row.priority < wanted:
        row.priority = wanted
        session.flush()
    return row


def waiting(session: Session, *, queue: str | None = None) -> list[RoutingContact]:
    return repository.waiting(session, queue=queue)


def dispatch_if_configured(session: Session, *, now: datetime) -> list[RoutingContact]:
    """dispatch, or nothing while no workflow has been saved yet."""
    try:
        config_service.active_workflow(session)
    except config_service.NoWorkflow:
        return []
    return dispatch(session, now=now)


def routing_tick(session: Session, now: datetime) -> int:
    """The worker's job: expire rung-out offers, then route what waits (safe to run twice)."""
    try:
        config_service.active_workflow(session)
    except config_service.NoWorkflow:
        return 0
    expired = expire_offers(session, now=now)
    ready_again = agents.end_wrap_ups(session, now=now)
    return expired + ready_again + len(dispatch(session, now=now))

