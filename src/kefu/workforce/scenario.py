"""A simulation scenario as data: queues, workflow, agents, arrival streams, callbacks.

`simple_scenario` is the one-queue model of `kefu simulate --calls-per-hour …`; a
YAML or JSON file gives the rest (see docs in `load_scenario`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kefu.agents.hours import WeeklyHours
from kefu.agents.skills import format_skills, parse_skills
from kefu.core.errors import InvalidInput
from kefu.routing.workflow import QueueSpec, Workflow, parse_workflow, queue_spec

DEFAULT_START = "2026-11-23T09:00:00+08:00"  # a Monday morning in Shanghai


@dataclass(frozen=True)
class AgentPool:
    count: int
    attrs: dict[str, Any]
    capacity: dict[str, int]
    name: str = "agents"


@dataclass(frozen=True)
class Transfer:
    """A share of a stream's contacts is transferred online to `to_queue` after the first
    agent's handling, or gets a callback appointment when no one there is free."""

    to_queue: str
    share: float
    aht: float
    reach_rate: float = 0.8


@dataclass(frozen=True)
class Stream:
    name: str
    calls_per_hour: tuple[float, ...]  # one rate per interval, repeated
    interval_seconds: float
    channel: str
    attrs: dict[str, Any]
    aht: float
    handle: str  # exponential | fixed
    patience: float | None
    transfer: Transfer | None = None


@dataclass(frozen=True)
class Scenario:
    queues: tuple[QueueSpec, ...]
    workflow: Workflow
    agents: tuple[AgentPool, ...]
    streams: tuple[Stream, ...]
    hours: float
    target_seconds: float
    seed: int
    wrap_up: float = 0.0
    warmup_seconds: float | None = None
    start: datetime = field(default_factory=lambda: datetime.fromisoformat(DEFAULT_START))
    group_hours: dict[str, WeeklyHours] = field(default_factory=dict)
    batches: int = 20


def simple_scenario(
    *, calls_per_hour: float, aht: float, agents: int, target_seconds: float, hours: float, seed: int,
    patience: float | None = None, wrap_up: float = 0.0, warmup_seconds: float | None = None,
) -> Scenario:
    """One queue, one skill, Poisson arrivals, exponential handle times (and patience)."""
    if calls_per_hour <= 0 or aht <= 0 or agents < 1 or hours <= 0 or target_seconds < 0 or wrap_up < 0:
        raise InvalidInput(
            "来话量、平均处理时长、坐席数和时长都须为正数（目标秒数与整理时长不能为负）",
            "calls per hour, AHT, agents and hours must all be positive (target and wrap-up not negative)",
        )
    if patience is not None and patience <= 0:
        raise InvalidInput("耐心时长须为正数（秒）", "patience must be a positive number of seconds")
    queue = queue_spec("general", "skills.general >= 1")
    return Scenario(
        queues=(queue,),
        workflow=parse_workflow({"name": "simple", "default": {"queue": "general"}}),
        agents=(AgentPool(agents, {"skills": {"general": 1}}, {"voice": 1}),),
        streams=(Stream("calls", (calls_per_hour,), 3600.0, "voice", {}, aht, "exponential", patience),),
        hours=hours, target_seconds=target_seconds, seed=seed, wrap_up=wrap_up, warmup_seconds=warmup_seconds,
    )


def _bad(zh: str, en: str) -> InvalidInput:
    return InvalidInput(f"场景文件有误：{zh}", f"The scenario is not valid: {en}", code="invalid_scenario")


def parse_scenario(data: Mapping[str, Any], *, seed: int | None = None, hours: float | None = None) -> Scenario:
    """Builds a Scenario from its JSON/YAML form::

        hours: 8            target_seconds: 20     seed: 1      wrap_up: 10
        groups:  {data_seat: "09:00-22:00"}
        queues:  [{name: front, expression: "skills.gsm >= 1"},
                  {name: data, expression: "skills.data >= 2", strategy: highest_skill, group: data_seat}]
        workflow: {default: {queue: front}}
        agents:  [{count: 20, skills: "gsm:2"}, {count: 3, skills: "data:3", capacity: {voice: 1}}]
        streams: [{name: hotline, calls_per_hour: [300, 420], interval_minutes: 30, aht: 150,
                   patience: 90, attrs: {category: data},
                   transfer: {to_queue: data, share: 0.2, aht: 240, reach_rate: 0.8}}]
    """
    if not isinstance(data, Mapping):
        raise _bad("须为对象", "it must be an object")
    groups = {str(k): WeeklyHours.parse(str(v)) for k, v in (data.get("groups") or {}).items()}
    pools = []
    for raw in data.get("agents") or []:
        attrs = dict(raw.get("attrs") or {})
        attrs["skills"] = parse_skills(str(raw.get("skills", ""))) if isinstance(raw.get("skills", ""), str) else dict(raw["skills"])
        name = str(raw.get("name") or format_skills(attrs["skills"]))
        pools.append(AgentPool(int(raw.get("count", 1)), attrs, dict(raw.get("capacity") or {"voice": 1, "chat": 3}),
                               name))
    # A queue naming a skill no agent has is a typo, not an empty queue.
    known = {skill for pool in pools for skill in pool.attrs["skills"]}
    queues = []
    for raw in data.get("queues") or []:
        group = raw.get("group")
        if group is not None and group not in groups:
            raise _bad(f"队列引用了未定义的组 {group}", f"a queue names the undefined group {group!r}")
        queues.append(queue_spec(str(raw.get("name", "")), str(raw.get("expression", "true")),
                                 strategy=raw.get("strategy", "longest_idle"), skill=raw.get("skill"), group=group,
                                 known_skills=known))
    if not queues:
        raise _bad("至少需要一个队列", "at least one queue is needed")
    workflow = parse_workflow(data.get("workflow") or {}, queues=[q.name for q in queues])
    streams = []
    for i, raw in enumerate(data.get("streams") or []):
        rates = raw.get("calls_per_hour")
        rates = tuple(float(r) for r in (rates if isinstance(rates, list) else [rates]))
        if (not rates or any(r < 0 for r in rates) or raw.get("aht") is None or float(raw["aht"]) <= 0
                or (raw.get("patience") is not None and float(raw["patience"]) <= 0)):
            raise _bad(f"第 {i + 1} 个来话流须有 calls_per_hour（≥0）、aht（>0），patience 须 >0",
                       f"stream {i + 1} needs calls_per_hour ≥ 0, aht > 0 and a positive patience if any")
        transfer = None
        if raw.get("transfer"):
            t = raw["transfer"]
            if t.get("to_queue") not in {q.name for q in queues}:
                raise _bad("转接目标队列不存在", f"transfer target {t.get('to_queue')!r} is not a queue")
            transfer = Transfer(t["to_queue"], float(t.get("share", 1.0)), float(t.get("aht", raw["aht"])),
                                float(t.get("reach_rate", 0.8)))
        streams.append(Stream(
            str(raw.get("name", f"stream_{i + 1}")), rates, float(raw.get("interval_minutes", 60)) * 60,
            str(raw.get("channel", "voice")), dict(raw.get("attrs") or {}), float(raw["aht"]),
            str(raw.get("handle", "exponential")),
            None if raw.get("patience") is None else float(raw["patience"]), transfer,
        ))
    if not pools or not streams:
        raise _bad("需要 agents 和 streams", "agents and streams are required")
    start = data.get("start", DEFAULT_START)
    return Scenario(
        queues=tuple(queues), workflow=workflow, agents=tuple(pools), streams=tuple(streams),
        hours=float(hours if hours is not None else data.get("hours", 8)),
        target_seconds=float(data.get("target_seconds", 20)),
        seed=int(seed if seed is not None else data.get("seed", 1)), wrap_up=float(data.get("wrap_up", 0)),
        warmup_seconds=None if data.get("warmup_seconds") is None else float(data["warmup_seconds"]),
        start=start if isinstance(start, datetime) else datetime.fromisoformat(str(start)),
        group_hours=groups,
    )


def load_scenario(path: Path, *, seed: int | None = None, hours: float | None = None) -> Scenario:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(text)
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _bad(f"JSON 格式错误（第 {exc.lineno} 行）", f"bad JSON at line {exc.lineno}") from None
    return parse_scenario(data, seed=seed, hours=hours)
