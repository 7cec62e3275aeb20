"""Queues and workflows as data, validated when saved (pure).

A queue selects agents by an expression over their attributes and picks among the
ready ones by a strategy. A workflow sends each contact through the first filter whose
expression matches its attributes, or the default; a filter's steps widen over time:

    {"name": "hotline",
     "filters": [{"name": "data", "match": "category == 'data'", "priority": 0,
                  "steps": [{"queue": "data_l3", "timeout": 30},
                            {"queue": "data_l2", "timeout": 30},
                            {"queue": "data_any"}]}],
     "default": {"queue": "general"}}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kefu.routing.errors import InvalidWorkflow, NoDefaultStep, UnknownQueue, UnknownSkill
from kefu.routing.expression import Expression, compile_expression

# What a workflow filter may look at on a contact.
CONTACT_ATTRIBUTES = frozenset(
    {"segment", "vip_level", "category", "language", "channel", "area", "ivr_choice", "kind", "attempts"}
)
# What a queue expression may look at on an agent (skills.<name> besides).
AGENT_ATTRIBUTES = frozenset({"skills", "language", "languages", "groups", "city", "department", "level"})


ALWAYS = compile_expression("true")


class Strategy(StrEnum):
    LONGEST_IDLE = "longest_idle"
    FEWEST_CONTACTS = "fewest_contacts"
    HIGHEST_SKILL = "highest_skill"


@dataclass(frozen=True)
class QueueSpec:
    name: str
    expression: Expression
    strategy: Strategy = Strategy.LONGEST_IDLE
    # Ranks agents for HIGHEST_SKILL; defaults to the first skill the expression names.
    skill: str | None = None
    # The group whose service hours apply (None: always open).
    group: str | None = None


def queue_spec(
    name: str,
    expression: str,
    *,
    strategy: str = Strategy.LONGEST_IDLE,
    skill: str | None = None,
    group: str | None = None,
    known_skills: Iterable[str] | None = None,
) -> QueueSpec:
    """Validates and compiles a queue definition; raises InvalidExpression/UnknownSkill."""
    if not name or not name.strip():
        raise InvalidWorkflow("队列名称不能为空", "a queue needs a name")
    try:
        strategy = Strategy(strategy)
    except ValueError:
        raise InvalidWorkflow(
            f"未知的分配策略“{strategy}”，可用：{'、'.join(s.value for s in Strategy)}",
            f"unknown strategy {strategy!r}; use one of {', '.join(s.value for s in Strategy)}",
        ) from None
    compiled = compile_expression(expression, names=AGENT_ATTRIBUTES, skills=known_skills)
    if skill is None and strategy is Strategy.HIGHEST_SKILL:
        if not compiled.skills:
            raise InvalidWorkflow(
                "“最高技能”策略需要指定按哪个技能排序", "highest_skill needs the skill to rank by"
            )
        skill = sorted(compiled.skills)[0]
    if skill is not None and known_skills is not None and skill not in set(known_skills):
        raise UnknownSkill(skill, sorted(known_skills))
    return QueueSpec(name.strip(), compiled, strategy, skill, group)


@dataclass(frozen=True)
class Step:
    queue: str
    # Seconds in this step before widening to the next; None: stay (the last step).
    timeout: float | None = None


@dataclass(frozen=True)
class Filter:
    name: str
    match: Expression
    steps: tuple[Step, ...]
    priority: int = 0


@dataclass(frozen=True)
class Workflow:
    name: str
    filters: tuple[Filter, ...]
    default: Filter
    version: int = 1
    # The choice depends only on the few attributes the filters read, so it is memoised
    # on their values: one dict look-up instead of evaluating every filter per contact.
    _memo: dict[tuple[Any, ...], Filter] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        names = tuple(sorted({n for f in self.filters for n in f.match.names}))
        object.__setattr__(self, "_names", names)

    def filter_for(self, attrs: Mapping[str, Any]) -> Filter:
        try:
            key = tuple([attrs.get(n) for n in self._names])  # type: ignore[attr-defined]
            found = self._memo.get(key)
        except TypeError:  # an unhashable attribute value: no memo
            key, found = None, None
        if found is not None:
            return found
        found = next((f for f in self.filters if f.match(attrs)), self.default)
        if key is not None:
            if len(self._memo) > 10_000:
                self._memo.clear()
            self._memo[key] = found
        return found

    def queue_names(self) -> set[str]:
        return {s.queue for f in (*self.filters, self.default) for s in f.steps}


def _steps(raw: Any, where: str) -> tuple[Step, ...]:
    if isinstance(raw, Mapping) and "steps" not in raw and "queue" in raw:
        raw = [raw]
    elif isinstance(raw, Mapping):
        raw = raw.get("steps")
    if not isinstance(raw, list) or not raw:
        raise InvalidWorkflow(f"“{where}”没有任何步骤", f"{where!r} has no steps")
    steps = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("queue"), str):
            raise InvalidWorkflow(f"“{where}”第 {i + 1} 步缺少 queue", f"step {i + 1} of {where!r} names no queue")
        timeout = item.get("timeout")
        if timeout is not None and (not isinstance(timeout, int | float) or timeout <= 0):
            raise InvalidWorkflow(
                f"“{where}”第 {i + 1} 步的 timeout 须为正数（秒）", f"step {i + 1} of {where!r}: timeout must be > 0 seconds"
            )
        steps.append(Step(item["queue"], None if timeout is None else float(timeout)))
    return tuple(steps)


def parse_workflow(data: Mapping[str, Any], *, queues: Iterable[str] | None = None, version: int = 1) -> Workflow:
    """Builds a Workflow from its stored form; rejects one without a default step, unknown
    queues and bad filter expressions, so a saved workflow always routes every contact."""
    if not isinstance(data, Mapping):
        raise InvalidWorkflow("须为 JSON 对象", "it must be a JSON object")
    if not data.get("default"):
        raise NoDefaultStep()
    filters = []
    for i, raw in enumerate(data.get("filters") or []):
        if not isinstance(raw, Mapping):
            raise InvalidWorkflow(f"第 {i + 1} 个过滤条件格式有误", f"filter {i + 1} is not an object")
        name = str(raw.get("name") or f"filter_{i + 1}")
        match = compile_expression(str(raw.get("match", "true")), names=CONTACT_ATTRIBUTES, map_name="attrs")
        priority = raw.get("priority", 0)
        if not isinstance(priority, int):
            raise InvalidWorkflow(f"“{name}”的 priority 须为整数", f"priority of {name!r} must be an integer")
        filters.append(Filter(name, match, _steps(raw, name), priority))
    default_raw = data["default"]
    default_priority = default_raw.get("priority", 0) if isinstance(default_raw, Mapping) else 0
    default = Filter("default", compile_expression("true"), _steps(default_raw, "default"), int(default_priority))
    workflow = Workflow(str(data.get("name") or "default"), tuple(filters), default, version)
    if queues is not None:
        known = set(queues)
        for name in sorted(workflow.queue_names() - known):
            raise UnknownQueue(name)
    return workflow
