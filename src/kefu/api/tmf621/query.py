"""TMF630-style attribute filters on the TroubleTicket list.

    status=inProgress,pending       severity=Critical      priority=high
    ticketType=complaint            channel.name=hotline   relatedParty.id=42
    id=1,2,3                        creationDate.gt=2026-11-01   lastUpdate.lte=2026-11-20T10:00:00Z
    creationDate>=2026-11-01        creationDate<2026-11-20 (the operator forms work too)

Values comma-separated are OR-ed; attributes are AND-ed. A time without a zone is the
centre's local time. An attribute we cannot filter on is a 400, not silently ignored."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from kefu.tickets import taxonomy, tmf
from kefu.tickets.tmf_errors import BadTroubleTicket
from kefu.tickets.tmf_service import TmfFilter

PAGING = {"fields", "offset", "limit"}
DATE_ATTRIBUTES = ("creationDate", "lastUpdate", "resolutionDate")
FILTERABLE = ("id", "status", "severity", "priority", "ticketType", "channel.name", "channel.id", "relatedParty.id",
              *DATE_ATTRIBUTES)
_OPERATOR_FORM = re.compile(r"^(?P<attr>[A-Za-z.]+)(?P<op>>=|<=|>|<)(?P<value>.*)$")
_SYMBOLS = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}


def _bad(attr: str, zh: str, en: str) -> BadTroubleTicket:
    return BadTroubleTicket(attr, zh, en, code="bad_filter")


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _when(attr: str, value: str, tz: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _bad(attr, f"{attr} 的时间格式无效：{value}（请用 ISO 8601）",
                   f"{attr}: {value!r} is not an ISO 8601 date-time") from None
    return parsed.replace(tzinfo=ZoneInfo(tz)) if parsed.tzinfo is None else parsed


def _ints(attr: str, values: list[str]) -> list[int]:
    try:
        return [int(v) for v in values]
    except ValueError:
        raise _bad(attr, f"{attr} 须为数字编号", f"{attr} must be numeric ids") from None


def _normalised(items: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(attribute, operator, value) from raw query items, both `a.gt=v` and `a>=v` forms."""
    out = []
    for key, value in items:
        if key in PAGING:
            continue
        form = _OPERATOR_FORM.match(key)
        if key.endswith((">", "<")):  # "a>=v" arrives as key "a>" and value "v"
            out.append((key[:-1], _SYMBOLS[key[-1] + "="], value))
        elif form and form["value"] and not value:  # "a>v" / "a<v" arrive as a key with no value
            out.append((form["attr"], _SYMBOLS[form["op"]], form["value"]))
        else:
            attr, _, op = key.rpartition(".")
            if attr in DATE_ATTRIBUTES and op in ("gt", "gte", "lt", "lte", "eq"):
                out.append((attr, op, value))
            else:
                out.append((key, "eq", value))
    return out


def parse_filters(items: Iterable[tuple[str, str]], *, tz: str) -> TmfFilter:
    ids = statuses = severities = priorities = types = channels = parties = None
    dates: list[tuple[str, str, datetime]] = []
    for attr, op, value in _normalised(items):
        if attr not in FILTERABLE:
            raise _bad(attr, f"不支持按 {attr} 筛选，可用：{', '.join(FILTERABLE)}",
                       f"Cannot filter on {attr}; filterable attributes: {', '.join(FILTERABLE)}")
        if attr in DATE_ATTRIBUTES:
            dates.append((attr, op, _when(attr, value, tz)))
            continue
        if op != "eq":
            raise _bad(attr, f"{attr} 只支持等值筛选", f"{attr} only takes equality filters")
        values = _split(value)
        if attr == "id":
            ids = _ints(attr, values)
        elif attr == "relatedParty.id":
            parties = _ints(attr, values)
        elif attr == "status":
            unknown = [v for v in values if v not in tmf.TMF_STATUSES]
            if unknown:
                raise _bad(attr, f"未知的状态 {unknown}，可用：{', '.join(tmf.TMF_STATUSES)}",
                           f"Unknown status {unknown}; use: {', '.join(tmf.TMF_STATUSES)}")
            statuses = [clause for v in values for clause in tmf.status_clauses(v)]
        elif attr == "severity":
            severities = [tmf.normalise_severity(v) or v for v in values]
        elif attr == "priority":
            priorities = values
        elif attr == "ticketType":
            types = [tmf.our_type(v, taxonomy.TYPES) or v for v in values]
        else:
            channels = values
    return TmfFilter(ids=ids, status_clauses=statuses, severities=severities, priorities=priorities, types=types,
                     channels=channels, party_ids=parties, dates=dates)
