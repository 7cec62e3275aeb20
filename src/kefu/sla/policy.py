"""SLA policies: which clocks a ticket gets, how long each may run, who hears of a breach.

Pure: validation and matching over plain values. A policy is stored as data and
versioned; a clock keeps the policy version it started with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kefu.sla.errors import BadPolicy, UnknownCalendar
from kefu.tickets import taxonomy

TARGETS = ("respond", "feedback", "resolve", "return_visit")
TARGET_ZH = {"respond": "响应", "feedback": "首次反馈", "resolve": "解决", "return_visit": "回访",
             "callback": "预约回呼"}
TICKET_TYPES = tuple(taxonomy.TYPES)
SEGMENTS = ("individual", "family", "government_enterprise", "vip")
PRIORITIES = ("low", "normal", "high", "urgent")
# Callback appointments (routing) are timed with the same policies under their own channel.
CHANNELS = (*taxonomy.CHANNELS, "callback_appointment")
VOCABULARY = {"ticket_types": TICKET_TYPES, "segments": SEGMENTS, "priorities": PRIORITIES, "channels": CHANNELS}
CRITERIA_ZH = {"ticket_types": "工单类型", "segments": "客户类别", "priorities": "优先级", "channels": "渠道"}
DEFAULT_CODE = "default"



def department_for(category: str | None) -> str:
    """The department a category goes to by default: the SLA board groups clocks by it,
    because TicketOpened carries the category, not the department."""
    entry = taxonomy.CATEGORIES.get(category or "")
    return entry[1] if entry else "customer_service"


@dataclass(frozen=True)
class Target:
    minutes: int
    calendar: str


@dataclass(frozen=True)
class EscalationLevel:
    level: int
    name: str
    role: str
    delay_minutes: int
    same_department: bool = False


@dataclass(frozen=True)
class TicketFacts:
    ticket_type: str
    segment: str
    priority: str
    channel: str


@dataclass(frozen=True)
class PolicySpec:
    code: str
    name: str
    targets: Mapping[str, Target]
    match: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    warn_share: float = 0.8
    escalation: tuple[EscalationLevel, ...] = ()
    notify_calendar: str = "24x7"
    precedence: int = 0

    def matches(self, facts: TicketFacts) -> bool:
        values = {"ticket_types": facts.ticket_type, "segments": facts.segment,
                  "priorities": facts.priority, "channels": facts.channel}
        return all(not allowed or values[key] in allowed for key, allowed in self.match.items())

    def specificity(self) -> int:
        return sum(1 for allowed in self.match.values() if allowed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "warn_share": self.warn_share, "precedence": self.precedence,
            "notify_calendar": self.notify_calendar,
            "match": {k: list(v) for k, v in self.match.items() if v},
            "targets": {k: {"minutes": t.minutes, "calendar": t.calendar} for k, t in self.targets.items()},
            "escalation": [
                {"level": e.level, "name": e.name, "role": e.role, "delay_minutes": e.delay_minutes,
                 "same_department": e.same_department} for e in self.escalation
            ],
        }


def _bad(zh: str, en: str, **details: Any) -> BadPolicy:
    return BadPolicy(zh, en, **details)


def validate(data: Mapping[str, Any], *, calendars: Iterable[str], roles: Iterable[str]) -> PolicySpec:
    """Turns submitted data into a PolicySpec or raises BadPolicy / UnknownCalendar saying what to fix."""
    known_calendars, known_roles = set(calendars), set(roles)
    code = str(data.get("code") or "").strip()
    if not code or len(code) > 40 or not code.replace("_", "").replace("-", "").isalnum():
        raise _bad("策略代码须为 1–40 位字母、数字、下划线或连字符", "The policy code must be 1–40 letters, digits, _ or -")
    match: dict[str, tuple[str, ...]] = {}
    for key, values in (data.get("match") or {}).items():
        if key not in VOCABULARY:
            raise _bad(f"未知的匹配条件 {key}（可用：{', '.join(VOCABULARY)}）",
                       f"Unknown match criterion {key} (use: {', '.join(VOCABULARY)})")
        values = tuple(dict.fromkeys(str(v) for v in values or ()))
        unknown = [v for v in values if v not in VOCABULARY[key]]
        if unknown:
            raise _bad(
                f"{CRITERIA_ZH[key]}中的 {', '.join(unknown)} 不存在，此策略不会匹配任何工单；可选：{', '.join(VOCABULARY[key])}",
                f"{key} {', '.join(unknown)} do not exist, so the policy would match no ticket; "
                f"choose from {', '.join(VOCABULARY[key])}",
                field=key,
            )
        match[key] = values
    targets: dict[str, Target] = {}
    for name, target in (data.get("targets") or {}).items():
        if name not in TARGETS:
            raise _bad(f"未知的时效目标 {name}（可用：{', '.join(TARGETS)}）", f"Unknown SLA target {name} (use: {', '.join(TARGETS)})")
        minutes = target.get("minutes") if isinstance(target, Mapping) else None
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
            raise _bad(f"{TARGET_ZH[name]}时限须为正整数分钟，收到 {minutes!r}",
                       f"The {name} target must be a positive number of minutes, got {minutes!r}", target=name)
        calendar = str(target.get("calendar") or "")
        if calendar not in known_calendars:
            raise UnknownCalendar(calendar)
        targets[name] = Target(minutes, calendar)
    if not targets:
        raise _bad("策略至少要有一个时效目标（响应、反馈、解决或回访）",
                   "A policy needs at least one target (respond, feedback, resolve or return_visit)")
    warn_share = data.get("warn_share", 0.8)
    if not isinstance(warn_share, int | float) or not 0 < warn_share < 1:
        raise _bad("预警比例须在 0 和 1 之间（例如 0.8 表示用去 80% 时预警）",
                   "The warning share must be between 0 and 1 (0.8 warns at 80% of the time)")
    notify_calendar = str(data.get("notify_calendar") or "24x7")
    if notify_calendar not in known_calendars:
        raise UnknownCalendar(notify_calendar)
    levels = _escalation(data.get("escalation") or (), known_roles)
    return PolicySpec(
        code=code, name=str(data.get("name") or code), targets=targets, match=match,
        warn_share=float(warn_share), escalation=levels, notify_calendar=notify_calendar,
        precedence=int(data.get("precedence") or 0),
    )


def _escalation(raw: Sequence[Mapping[str, Any]], known_roles: set[str]) -> tuple[EscalationLevel, ...]:
    levels = []
    for i, item in enumerate(raw, start=1):
        role = str(item.get("role") or "")
        if role not in known_roles:
            raise _bad(f"第 {i} 级升级的角色 {role!r} 不存在", f"Escalation level {i}: role {role!r} does not exist")
        delay = item.get("delay_minutes", 0)
        if not isinstance(delay, int) or delay < 0:
            raise _bad(f"第 {i} 级升级的延迟须为非负整数分钟", f"Escalation level {i}: the delay must be minutes ≥ 0")
        if levels and delay < levels[-1].delay_minutes:
            raise _bad("升级延迟须逐级递增", "Escalation delays must not decrease from one level to the next")
        levels.append(EscalationLevel(i, str(item.get("name") or f"level_{i}"), role, delay,
                                      bool(item.get("same_department", False))))
    return tuple(levels)


def choose(policies: Iterable[PolicySpec], facts: TicketFacts) -> PolicySpec | None:
    """The policy for a ticket: highest precedence, then the most specific; None if none matches.

    The policy coded `default` is the fallback and is not a candidate here."""
    candidates = [p for p in policies if p.code != DEFAULT_CODE and p.matches(facts)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.precedence, p.specificity()))
