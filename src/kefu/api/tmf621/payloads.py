"""TroubleTicket_Create and TroubleTicket_Update (JSON merge-patch) bodies read into our
ticket use cases' arguments. Every problem is a 400 naming the attribute to fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kefu.tickets import lifecycle, taxonomy, tmf
from kefu.tickets.schemas import TicketCreate
from kefu.tickets.tmf_errors import BadTroubleTicket, NotPatchable

REQUIRED = ("description", "severity", "ticketType")
# Set by the server; a PATCH naming them is refused.
READ_ONLY = ("id", "href", "creationDate", "lastUpdate", "statusChange", "statusChangeDate", "resolutionDate",
             "expectedResolutionDate")
# Patchable in the spec, but changed in kefu only through its own steps (/api/v1/tickets).
NOT_HERE = ("ticketType", "channel", "relatedParty", "relatedEntity", "attachment", "troubleTicketRelationship")
# Our computed characteristics: shown, not set through the TMF API.
COMPUTED = {"number", "isRepeat", "escalationLevel"}
_FIELD_OF_CHARACTERISTIC = {"category": "category", "department": "department", "rootCause": "root_cause",
                            "emotion": "emotion", "emotionIntensity": "emotion_intensity"}
_LINK_KINDS = {"duplicate": "duplicate", "related": "related", "repeatOf": "repeat_of", "repeat_of": "repeat_of"}


@dataclass
class CreateRequest:
    ticket: TicketCreate
    notes: list[str] = field(default_factory=list)
    links: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class PatchRequest:
    attributes: dict[str, Any] = field(default_factory=dict)  # keyword arguments of update_attributes
    notes: list[str] = field(default_factory=list)
    status: str | None = None
    reason: str | None = None


def _bad(field_: str, zh: str, en: str, code: str = "invalid_trouble_ticket") -> BadTroubleTicket:
    return BadTroubleTicket(field_, zh, en, code=code)


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise _bad(name, f"{name} 须为字符串", f"{name} must be a string")
    return value


def _list(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _bad(name, f"{name} 须为对象数组", f"{name} must be an array of objects")
    return value


def _date_time(name: str, value: str | None) -> str | None:
    """An ISO 8601 date-time with its zone, normalised to UTC (Z); None and "" pass through."""
    if not value:
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise _bad(name, f"{name} 须为带时区的 ISO 8601 时间", f"{name} must be an ISO 8601 date-time with a zone")
    return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _severity(value: str) -> str:
    severity = tmf.normalise_severity(value)
    if severity is None:
        raise _bad("severity", f"severity 取值无效：{value}，可选：{'、'.join(tmf.SEVERITIES)}",
                   f"Unknown severity {value!r}; use one of: {', '.join(tmf.SEVERITIES)}")
    return severity


def _priority(value: str) -> str:
    if value.strip().lower() not in lifecycle.PRIORITIES:
        raise _bad("priority", f"priority 取值无效：{value}，可选：{'、'.join(lifecycle.PRIORITIES)}",
                   f"Unknown priority {value!r}; use one of: {', '.join(lifecycle.PRIORITIES)}")
    return value.strip().lower()


def _characteristics(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in _list(body, "troubleTicketCharacteristic"):
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise _bad("troubleTicketCharacteristic", "每个特征都须有 name", "Every characteristic needs a name")
        out[name] = item.get("value")
    return out


def _notes(body: dict[str, Any], *, existing: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    texts = []
    for note in _list(body, "note"):
        if note.get("id") is not None and str(note["id"]) in existing:
            continue
        text = note.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad("note", "新备注须有 text", "A new note needs its text")
        texts.append(text.strip())
    return texts


def parse_create(body: Any) -> CreateRequest:
    if not isinstance(body, dict):
        raise _bad("body", "请求体须为 TroubleTicket JSON 对象", "The body must be a TroubleTicket JSON object")
    missing = [name for name in REQUIRED if body.get(name) in (None, "")]
    if missing:
        raise _bad(missing[0], f"缺少必填属性：{', '.join(missing)}", f"Missing mandatory attributes: {', '.join(missing)}",
                   code="missing_mandatory_attribute")
    description, name = _text(body, "description") or "", _text(body, "name")
    severity = _severity(_text(body, "severity") or "")
    raw_type = _text(body, "ticketType") or ""
    ticket_type = tmf.our_type(raw_type, taxonomy.TYPES)
    if ticket_type is None:
        raise _bad("ticketType", f"ticketType 取值无效：{raw_type}，可选：{'、'.join(taxonomy.TYPES)}",
                   f"Unknown ticketType {raw_type!r}; use one of: {', '.join(taxonomy.TYPES)}")
    if body.get("status") not in (None, "acknowledged"):
        raise _bad("status", "新建的故障单状态只能是 acknowledged", "A new trouble ticket can only be acknowledged")
    for name_ in ("attachment", "relatedEntity"):
        if body.get(name_):
            raise _bad(name_, f"{name_} 请在工单建立后通过 /api/v1/tickets 添加",
                       f"Add {name_} through /api/v1/tickets once the ticket exists")
    customers = [p for p in _list(body, "relatedParty") if str(p.get("role", "")).lower() == "customer"]
    if not customers:
        raise _bad("relatedParty", "须有 role 为 customer 的 relatedParty（用户编号）",
                   "A relatedParty with role customer (the subscriber id) is required", code="missing_customer")
    try:
        subscriber_id = int(customers[0].get("id"))
    except (TypeError, ValueError):
        raise _bad("relatedParty", "customer 的 id 须为用户编号", "The customer's id must be a subscriber id") from None
    channel_ref = body.get("channel") or {}
    if not isinstance(channel_ref, dict):
        raise _bad("channel", "channel 须为 ChannelRef 对象", "channel must be a ChannelRef object")
    # TMF clients are systems; without a channel the ticket came in online.
    channel = str(channel_ref.get("name") or channel_ref.get("id") or "web")
    chars = _characteristics(body)
    fields = {attr: chars.pop(key) for key, attr in _FIELD_OF_CHARACTERISTIC.items() if key in chars}
    for key in COMPUTED:
        chars.pop(key, None)
    chars[tmf.SEVERITY_KEY] = severity
    if _text(body, "externalId"):
        chars[tmf.EXTERNAL_ID_KEY] = body["externalId"]
    if _text(body, "requestedResolutionDate"):
        chars[tmf.REQUESTED_KEY] = _date_time("requestedResolutionDate", body["requestedResolutionDate"])
    if name and name.strip():
        core, rest = name.strip(), description
    else:
        first, _, rest = description.strip().partition("\n")
        core, rest = first.strip(), rest.strip()
    priority = _text(body, "priority")
    try:
        ticket = TicketCreate(
            type=ticket_type, subscriber_id=subscriber_id, channel=channel, core_demand=core[:400], description=rest,
            priority=_priority(priority) if priority else ("high" if severity == "Critical" else None),
            characteristics=chars, **fields,
        )
    except ValueError as exc:  # pydantic: a characteristic of the wrong kind (emotion …)
        raise _bad("troubleTicketCharacteristic", f"特征取值无效：{exc}", f"Invalid characteristic: {exc}") from None
    links = []
    for rel in _list(body, "troubleTicketRelationship"):
        kind = _LINK_KINDS.get(str(rel.get("relationshipType", "related")))
        try:
            other = int(rel.get("id"))
        except (TypeError, ValueError):
            raise _bad("troubleTicketRelationship", "关联故障单须有 id", "A related trouble ticket needs its id") from None
        if kind is None:
            raise _bad("troubleTicketRelationship", "relationshipType 可选：duplicate、related、repeatOf",
                       "relationshipType: use duplicate, related or repeatOf")
        links.append((other, kind))
    return CreateRequest(ticket=ticket, notes=_notes(body), links=links)


def parse_patch(body: Any, current: dict[str, Any]) -> PatchRequest:
    """A merge-patch against `current` (the resource as it is). Arrays replace whole, so an
    array equal to the current one changes nothing; notes may only be added."""
    if not isinstance(body, dict):
        raise _bad("body", "请求体须为 JSON 对象（merge-patch）", "The body must be a JSON object (merge-patch)")
    read_only = [k for k in READ_ONLY if k in body and body[k] != current.get(k)]
    if read_only:
        raise NotPatchable(read_only)
    for name in NOT_HERE:
        if name in body and body[name] != current.get(name):
            raise _bad(name, f"{name} 不能通过 TMF 接口修改，请在 /api/v1/tickets 中操作",
                       f"{name} cannot be changed through TMF621; use /api/v1/tickets")
    for name in ("@type", "@baseType", "@schemaLocation"):
        if name in body and body[name] != current.get(name):
            raise NotPatchable([name])
    out = PatchRequest()
    for name in ("name", "description", "severity", "priority"):
        if name in body and body[name] is None:
            raise _bad(name, f"{name} 不能删除", f"{name} cannot be removed")
    attrs = out.attributes
    if "name" in body:
        attrs["name"] = _text(body, "name")
    if "description" in body:
        text = _text(body, "description") or ""
        prefix = f"{current.get('name', '')}\n\n"
        attrs["description"] = text[len(prefix):] if text.startswith(prefix) else text
    if "severity" in body:
        attrs["severity"] = _severity(_text(body, "severity") or "")
    if "priority" in body:
        attrs["priority"] = _priority(_text(body, "priority") or "")
    if "externalId" in body:
        attrs["external_id"] = _text(body, "externalId") or ""
    if "requestedResolutionDate" in body:
        attrs["requested_resolution"] = _date_time("requestedResolutionDate", _text(body, "requestedResolutionDate")) or ""
    if "troubleTicketCharacteristic" in body and body["troubleTicketCharacteristic"] != current.get(
        "troubleTicketCharacteristic"
    ):
        shown = {c["name"]: c["value"] for c in current.get("troubleTicketCharacteristic", [])}
        wanted = _characteristics(body)
        fixed = [k for k in (*COMPUTED, *_FIELD_OF_CHARACTERISTIC) if k in wanted and wanted[k] != shown.get(k)]
        if fixed:
            raise _bad("troubleTicketCharacteristic", f"这些特征由工单流程维护：{', '.join(fixed)}",
                       f"These characteristics follow the ticket's own steps: {', '.join(fixed)}")
        free = {k: v for k, v in wanted.items() if k not in COMPUTED and k not in _FIELD_OF_CHARACTERISTIC}
        removed = {k: None for k in shown if k not in wanted and k not in COMPUTED and k not in _FIELD_OF_CHARACTERISTIC}
        attrs["characteristics"] = {**removed, **free}
    if "note" in body:
        existing = {n["id"] for n in current.get("note", [])}
        sent = {str(n.get("id")) for n in _list(body, "note") if n.get("id") is not None}
        if existing - sent:
            raise _bad("note", "备注只能追加，不能删除", "Notes can only be added, never removed")
        out.notes = _notes(body, existing=existing)
    if "status" in body:
        status = body["status"]
        if status not in tmf.TMF_STATUSES:
            raise _bad("status", f"未知的状态 {status}，可选：{', '.join(tmf.TMF_STATUSES)}",
                       f"Unknown status {status!r}; use one of: {', '.join(tmf.TMF_STATUSES)}")
        out.status = status
    out.reason = _text(body, "statusChangeReason")
    return out
