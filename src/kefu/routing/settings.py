"""Offer timeout and callback policy as data: part of the workflow definition, so they
are validated at save and versioned with it (pure).

    {"name": "hotline", ...,
     "settings": {"offer_timeout_seconds": 20,
                  "callback": {"within_minutes": 60, "retry_minutes": 10, "max_attempts": 3}},
     "queue_settings": {"data_seat": {"offer_timeout_seconds": 30,
                                      "callback": {"within_minutes": 60}}}}

A queue's own values override the workflow's, which override the defaults below
(seed 004: a Dongguan data-seat appointment is returned within 1 hour of opening).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from kefu.routing.callbacks import CallbackPolicy
from kefu.routing.errors import InvalidWorkflow, UnknownQueue

DEFAULT_OFFER_SECONDS = 20
# (key, lowest, highest, Chinese name): bounds that keep a typo from stalling a queue
# (a 0-second offer rings out at once; a 10-day callback window is never urgent).
_OFFER = ("offer_timeout_seconds", 5, 600, "振铃超时（秒）")
_CALLBACK = (
    ("within_minutes", 5, 24 * 60, "回呼时限（分钟）"),
    ("retry_minutes", 1, 24 * 60, "重拨间隔（分钟）"),
    ("max_attempts", 1, 10, "最多尝试次数"),
)


@dataclass(frozen=True)
class QueueSettings:
    offer_timeout: timedelta = timedelta(seconds=DEFAULT_OFFER_SECONDS)
    callback: CallbackPolicy = field(default_factory=CallbackPolicy)


@dataclass(frozen=True)
class RoutingSettings:
    default: QueueSettings = field(default_factory=QueueSettings)
    per_queue: Mapping[str, QueueSettings] = field(default_factory=dict)

    def for_queue(self, queue: str | None) -> QueueSettings:
        return self.per_queue.get(queue or "", self.default)


def _number(raw: Mapping[str, Any], key: str, low: int, high: int, zh: str, where: str) -> int | None:
    if key not in raw:
        return None
    value = raw[key]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidWorkflow(f"{where}的{zh}须为 {low}–{high} 之间的整数，收到 {value!r}",
                              f"{where}: {key} must be an integer from {low} to {high}, got {value!r}")
    return value


def _apply(base: QueueSettings, raw: Any, where: str) -> QueueSettings:
    if not isinstance(raw, Mapping):
        raise InvalidWorkflow(f"{where}须为 JSON 对象", f"{where} must be a JSON object")
    unknown = set(raw) - {_OFFER[0], "callback"}
    if unknown:
        raise InvalidWorkflow(f"{where}中有未知设置：{', '.join(sorted(unknown))}",
                              f"{where}: unknown settings {', '.join(sorted(unknown))}")
    out = base
    seconds = _number(raw, *_OFFER, where)
    if seconds is not None:
        out = replace(out, offer_timeout=timedelta(seconds=seconds))
    callback = raw.get("callback")
    if callback is not None:
        if not isinstance(callback, Mapping):
            raise InvalidWorkflow(f"{where}的 callback 须为 JSON 对象", f"{where}: callback must be a JSON object")
        unknown = set(callback) - {key for key, *_ in _CALLBACK}
        if unknown:
            raise InvalidWorkflow(f"{where}的回呼设置中有未知项：{', '.join(sorted(unknown))}",
                                  f"{where}: unknown callback settings {', '.join(sorted(unknown))}")
        within, retry, attempts = (_number(callback, *spec, where) for spec in _CALLBACK)
        policy = out.callback
        if within is not None:
            policy = replace(policy, within=timedelta(minutes=within))
        if retry is not None:
            policy = replace(policy, retry_delay=timedelta(minutes=retry))
        if attempts is not None:
            policy = replace(policy, max_attempts=attempts)
        out = replace(out, callback=policy)
    return out


def parse_settings(data: Mapping[str, Any], *, queues: Iterable[str] | None = None) -> RoutingSettings:
    """The settings of a workflow definition; raises InvalidWorkflow / UnknownQueue."""
    default = QueueSettings()
    if data.get("settings") is not None:
        default = _apply(default, data["settings"], "流程设置")
    raw_queues = data.get("queue_settings") or {}
    if not isinstance(raw_queues, Mapping):
        raise InvalidWorkflow("queue_settings 须为 {队列名: 设置} 对象", "queue_settings must map queue names to settings")
    known = set(queues) if queues is not None else None
    per_queue = {}
    for name, raw in raw_queues.items():
        if known is not None and name not in known:
            raise UnknownQueue(name)
        per_queue[name] = _apply(default, raw, f"队列 {name} 的设置")
    return RoutingSettings(default, per_queue)
