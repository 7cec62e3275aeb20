"""Six months of historical tickets, written in bulk: rows with pre-assigned ids, numbers,
versions and a history (ticket_events) that follows kefu.tickets.lifecycle step by step,
as the tickets service would have written it. No outbox rows: these tickets are settled
history (closed, cancelled, or resolved awaiting the return visit); the open tickets come
from the service itself (kefu.demo.live_tickets)."""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kefu.demo import ticket_texts as words
from kefu.demo.people import FastRandom
from kefu.tickets import lifecycle, taxonomy
from kefu.tickets.lifecycle import Status
from kefu.tickets.models import Ticket, TicketCounter, TicketEvent, TicketLink, TicketTask

TABLES = {m.__tablename__: m.__table__ for m in (Ticket, TicketTask, TicketEvent, TicketLink, TicketCounter)}
COLUMNS: dict[str, tuple[str, ...]] = {name: tuple(t.columns.keys()) for name, t in TABLES.items()}
# Parents first.
TABLE_ORDER = ("tickets", "ticket_tasks", "ticket_events", "ticket_links", "ticket_counters")
TICKETS_PER_SUBSCRIBER = 0.1
REPEAT_TYPES = {"complaint", "fault", "external"}
REPEAT_WINDOW = timedelta(days=30)
# Tickets resolved this recently still await their return visit.
AWAITING_VISIT = timedelta(days=5)
# Who handles a department's tasks, by demo username.
HANDLERS = {"billing": "billing1", "network": "network1", "vas": "vas1", "installation": "install1",
            "marketing": "marketing1", "hall": "hall1", "customer_service": "specialist1",
            "government_enterprise": "manager1"}
FRONT_LINE = ("agent1", "agent2", "specialist1")
_dumps = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps without its per-call set-up
_TIMES = ("waiting_since", "created_at", "updated_at", "responded_at", "first_feedback_at", "resolved_at", "closed_at")
_JSON = ("characteristics", "classification")
_ROW = operator.itemgetter(*COLUMNS["tickets"])


@dataclass(frozen=True)
class Staff:
    """The demo staff as the tickets see them: username → (user id, actor string)."""

    people: dict[str, tuple[int | None, str]]

    @classmethod
    def of(cls, user_ids: dict[str, int], names: dict[str, str]) -> Staff:
        return cls({u: (user_ids.get(u), f"user:{user_ids[u]}:{names[u]}" if u in user_ids else "system:demo")
                    for u in names})

    def id(self, username: str) -> int | None:
        return self.people[username][0]

    def actor(self, username: str) -> str:
        return self.people[username][1]


@dataclass
class Draft:
    subscriber: tuple[int, str | None, str | None, str]  # id, district, city, segment
    at: datetime  # naive UTC
    type: str
    category: str
    channel: str
    core: str
    emotion: str
    hot_spot: bool = False
    follow_up: bool = False


@dataclass
class Out:
    rows: dict[str, list[tuple[object, ...]]] = field(default_factory=lambda: {t: [] for t in TABLE_ORDER})


def ticket_count(subscribers: int) -> int:
    return max(1, round(subscribers * TICKETS_PER_SUBSCRIBER))


def _moment(rng: FastRandom, start: datetime, end: datetime, *, evening: bool = False) -> datetime:
    """A naive-UTC moment between start and end at a plausible local hour (8:00–22:00, or 20:00–22:00)."""
    day = (start + timedelta(hours=8, days=rng.below(max(1, (end - start).days)))).date()
    hour = 20 + rng.below(2) if evening else 8 + min(rng.below(8) + rng.below(8), 13)
    # Shanghai is UTC+8 all year.
    return datetime(day.year, day.month, day.day, hour, rng.below(60), rng.below(60)) - timedelta(hours=8)


def drafts(rng: FastRandom, subscribers: list[tuple[int, str | None, str | None, str]], *, count: int,
           start: datetime, end: datetime) -> list[Draft]:
    """What customers asked, in time order. A hot spot: broadband lag in one district,
    20:00–22:00, in the last two months; some complaints come back within 30 days."""
    districts: dict[str, list[int]] = {}
    for index, s in enumerate(subscribers):
        if s[1]:
            districts.setdefault(s[1], []).append(index)
    hot = "南山区" if "南山区" in districts else max(districts, key=lambda d: len(districts[d]), default=None)
    out: list[Draft] = []
    for _ in range(count):
        if hot is not None and rng.random() < 0.06:
            s = subscribers[rng.choice(districts[hot])]
            at = _moment(rng, max(start, end - timedelta(days=60)), end, evening=True)
            kind = "fault" if rng.random() < 0.6 else "complaint"
            core, emotion = words.words(rng, kind, "broadband", hot_spot=True)
            out.append(Draft(s, at, kind, "broadband", rng.choice(("hotline", "app", "wechat")), core, emotion,
                             hot_spot=True))
            continue
        kind = words.TYPES(rng)
        category = words.CATEGORY_BY_TYPE[kind](rng)
        channel = words.EXTERNAL_CHANNELS(rng) if kind == "external" else words.CHANNELS(rng)
        core, emotion = words.words(rng, kind, category)
        s = subscribers[rng.below(len(subscribers))]
        at = _moment(rng, start, end)
        out.append(Draft(s, at, kind, category, channel, core, emotion))
        if kind in REPEAT_TYPES and rng.random() < 0.07:
            again = at + timedelta(days=2 + rng.below(18), hours=rng.below(6))
            if again < end:
                core2, _ = words.words(rng, "complaint", category)
                out.append(Draft(s, again, "complaint", category, "hotline", core2, "angry", follow_up=True))
    out.sort(key=lambda d: (d.at, d.subscriber[0]))
    return out


class History:
    """Builds the rows of one batch of tickets, ids taken from `ids` (table → next id)."""

    def __init__(self, rng: FastRandom, staff: Staff, ids: dict[str, int], ts: Any, now: datetime) -> None:
        self.rng, self.staff, self.ids, self.ts, self.now = rng, staff, ids, ts, now
        self.out = Out()
        self.counters: dict[str, int] = {}
        # (subscriber, category) → (ticket id, number, created_at) of the latest repeatable ticket.
        self.latest: dict[tuple[int, str], tuple[int, str, datetime]] = {}

    def _take(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _event(self, t: dict[str, Any], at: datetime, kind: str, actor: str, *, reason: str | None = None,
               visibility: str = "internal", from_status: str | None = None, to_status: str | None = None,
               **detail: Any) -> None:
        self.out.rows["ticket_events"].append((
            self._take("ticket_events"), t["id"], self.ts(at), kind, actor, from_status, to_status, reason,
            visibility, _dumps(detail),
        ))
        t["updated_at"], t["updated_by"] = at, actor
        t["version"] += 1

    def _move(self, t: dict[str, Any], at: datetime, to: Status, actor: str, *, reason: str | None = None,
              **detail: Any) -> None:
        lifecycle.ensure_transition(t["status"], to)  # the history never shows a step the app forbids
        self._event(t, at, "status", actor, reason=reason, visibility="customer", from_status=t["status"],
                    to_status=to.value, **detail)
        if to is Status.RESOLVED:
            t["resolved_at"] = at
        elif to is Status.CLOSED:
            t["closed_at"] = at
        elif to is Status.INVESTIGATING and t["status"] in ("resolved", "return_visit", "closed"):
            t["resolved_at"] = t["closed_at"] = None
        t["status"] = to.value

    def _number(self, at: datetime) -> str:
        day = (at + timedelta(hours=8)).strftime("%Y%m%d")
        self.counters[day] = self.counters.get(day, 0) + 1
        return f"TS{day}{self.counters[day]:06d}"

    def add(self, d: Draft) -> None:
        rng, staff = self.rng, self.staff
        sid, district, city, segment = d.subscriber
        front = "hall1" if d.channel == "hall" else rng.choice(FRONT_LINE)
        opener = front if d.channel in ("hotline", "hall", "email", "12315", "miit") else None
        department = taxonomy.default_department(d.category)
        low, high = words.EMOTION_INTENSITY[d.emotion]
        priority = "high" if d.type == "external" or segment in ("vip", "government_enterprise") else "normal"
        intensity = low + rng.below(high - low + 1)
        if d.emotion == "angry" and intensity >= 4:
            priority = "high"
        t: dict[str, Any] = dict(
            id=self._take("tickets"), number=self._number(d.at), type=d.type, subscriber_id=sid, channel=d.channel,
            core_demand=d.core, description=words.description(rng, d.core, district), emotion=d.emotion,
            emotion_intensity=intensity, category=d.category, root_cause=None, department=department,
            priority=priority, status="intake", owner_id=staff.id(opener) if opener else None, coordinator_id=None,
            characteristics=({"source": d.channel} if d.type == "external" else {})
            | ({"hot_spot": "broadband_evening"} if d.hot_spot else {}),
            is_repeat=False, escalation_level=0, reopen_count=0, waiting_reason=None, waiting_since=None,
            resolution=None, cancel_reason=None, classification_source="agent", classification_model=None,
            urgency=None, classification_confidence=None, classification={}, district=district,
            created_by=staff.actor(opener) if opener else f"subscriber:{sid}", updated_by="", created_at=d.at,
            updated_at=d.at, responded_at=None, first_feedback_at=None, resolved_at=None, closed_at=None, version=0,
        )
        creator = t["created_by"]
        self._event(t, d.at, "opened", creator, visibility="customer", to_status="intake", channel=d.channel,
                    priority=priority)
        self._repeat(t, d, creator)
        if opener is None:  # a self-service ticket: the first staff member to take it owns it
            front = rng.choice(FRONT_LINE)
            t["owner_id"] = staff.id(front)
        self._work(t, d, front, department, city)
        ts = self.ts
        for name in _TIMES:
            if t[name] is not None:
                t[name] = ts(t[name])
        for name in _JSON:
            t[name] = _dumps(t[name])
        self.out.rows["tickets"].append(_ROW(t))

    def _repeat(self, t: dict[str, Any], d: Draft, actor: str) -> None:
        if d.type not in REPEAT_TYPES:
            return
        key = (t["subscriber_id"], d.category)
        earlier = self.latest.get(key)
        self.latest[key] = (t["id"], t["number"], d.at)
        if earlier is None or d.at - earlier[2] > REPEAT_WINDOW:
            return
        reason = f"重复投诉：{REPEAT_WINDOW.days} 天内同类问题已有工单 {earlier[1]}"
        self.out.rows["ticket_links"].append(
            (self._take("ticket_links"), t["id"], earlier[0], "repeat_of", actor, self.ts(d.at)))
        t["is_repeat"], t["escalation_level"] = True, 1
        t["priority"] = lifecycle.priority_for_level(lifecycle.raised_priority(t["priority"]), 1)
        self._event(t, d.at, "repeat_detected", actor, reason=reason, repeat_of=earlier[0],
                    repeat_of_number=earlier[1], earlier_count=1)
        self._event(t, d.at, "escalated", actor, reason=reason, level=1)
        t["version"] -= 2  # one flush with the opening

    def _work(self, t: dict[str, Any], d: Draft, front: str, department: str, city: str | None) -> None:
        rng, staff = self.rng, self.staff
        at = d.at + timedelta(minutes=1 + rng.below(20))
        actor = staff.actor(front)
        if t["created_by"].startswith("subscriber:"):
            at += timedelta(minutes=rng.below(240))
        roll = rng.random()
        if roll < 0.05 and d.type not in ("external", "cross_region"):  # withdrawn or not ours
            reject = rng.random() < 0.2
            reason = rng.choice(words.REJECT_REASONS if reject else words.CANCEL_REASONS)
            self._move(t, at, Status.REJECTED if reject else Status.CANCELLED, actor, reason=reason)
            t["cancel_reason"] = reason
            return
        if d.type in ("consultation", "suggestion") or (d.type == "service_request" and roll < 0.5):
            answer = rng.choice(words.CONSULTATION_ANSWERS)
            if t["created_by"].startswith("subscriber:"):  # accepted first (accept sets the owner)
                if t["owner_id"] is not None:
                    self._event(t, at, "owner_set", actor, owner_id=t["owner_id"])
                    t["version"] -= 1
                self._move(t, at, Status.INVESTIGATING, actor)
                at += timedelta(minutes=2 + rng.below(30))
            t["resolution"] = answer
            self._move(t, at, Status.RESOLVED, actor, reason=answer)
            t["responded_at"] = t["first_feedback_at"] = at
            self._visit(t, at, actor, reopen=False)
            return
        handler = HANDLERS[department]
        task_id = self._take("ticket_tasks")
        # A task names a city only when it goes to another city's department (cross-region).
        task_city = rng.choice(("济南", "成都", "杭州", "武汉")) if d.type == "cross_region" else None
        instructions = f"请核实处理：{d.core[:60]}"
        self._move(t, at, Status.DISPATCHED, actor,
                   reason=f"派单至{taxonomy.DEPARTMENTS[department]}" + (f"（{task_city}）" if task_city else ""))
        self._event(t, at, "task_dispatched", actor, reason=instructions, task_id=task_id, department=department,
                    city=task_city, assignee_id=staff.id(handler), cross_region=task_city is not None)
        t["version"] -= 1
        t["responded_at"] = at
        accepted = at + timedelta(minutes=10 + rng.below(300))
        h_actor = staff.actor(handler)
        self._event(t, accepted, "task_accepted", h_actor, task_id=task_id, department=department, city=task_city)
        self._move(t, accepted, Status.INVESTIGATING, h_actor, reason=f"{taxonomy.DEPARTMENTS[department]}已接单")
        t["version"] -= 1
        done = accepted + timedelta(hours=2 + rng.below(70))
        resolution = rng.choice(words.RESOLUTIONS[d.category])
        self._event(t, done, "task_done", h_actor, reason=resolution, task_id=task_id, department=department,
                    city=task_city)
        self.out.rows["ticket_tasks"].append((
            task_id, t["id"], department, task_city, staff.id(handler), instructions, "done", resolution, None,
            actor, self.ts(at), self.ts(accepted), self.ts(done),
        ))
        resolved = done + timedelta(minutes=5 + rng.below(120))
        t["resolution"] = resolution
        self._move(t, resolved, Status.RESOLVED, actor, reason=resolution)
        t["first_feedback_at"] = resolved
        self._visit(t, resolved, actor, reopen=rng.random() < 0.08 and d.type != "external")

    def _visit(self, t: dict[str, Any], resolved: datetime, actor: str, *, reopen: bool) -> None:
        """The return visit a day or two later: satisfied closes; unsatisfied reopens once.
        Visits that would fall after `now` have not happened: the ticket waits, resolved."""
        rng = self.rng
        visit = resolved + timedelta(hours=18 + rng.below(54))
        if visit >= self.now or resolved >= self.now - AWAITING_VISIT:
            return
        self._move(t, visit, Status.RETURN_VISIT, actor)
        if reopen:
            note = rng.choice(words.REOPEN_REASONS)
            self._event(t, visit, "return_visit", actor, reason=note, outcome="unsatisfied")
            self._move(t, visit, Status.INVESTIGATING, actor, reason=note, reopened=True)
            t["reopen_count"] += 1
            t["version"] -= 2
            again = visit + timedelta(hours=4 + rng.below(48))
            resolution = (t["resolution"] or "") + "；二次处理：已再次上门复核并补偿"
            t["resolution"] = resolution
            self._move(t, again, Status.RESOLVED, actor, reason=resolution)
            self._visit(t, again, actor, reopen=False)
            return
        self._event(t, visit, "return_visit", actor, outcome="satisfied")
        self._move(t, visit, Status.CLOSED, actor)
        t["version"] -= 2  # the visit is one use case

    def finish(self) -> dict[str, list[tuple[object, ...]]]:
        self.out.rows["ticket_counters"] = sorted(self.counters.items())
        return self.out.rows


def build_rows(*, seed: int, subscribers: list[tuple[int, str | None, str | None, str]], staff: Staff,
               ids: dict[str, int], ts: Any, now: datetime, start: datetime, end: datetime,
               count: int | None = None) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the historical tickets; the same arguments give the same rows.
    `now`, `start`, `end`: naive UTC. Tickets open between start and end."""
    rng = FastRandom(seed * 7919 + 3)
    history = History(rng, staff, dict(ids), ts, now)
    for d in drafts(rng, subscribers, count=count or ticket_count(len(subscribers)), start=start, end=end):
        history.add(d)
    return history.finish()
