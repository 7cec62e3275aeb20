"""Our tickets as TM Forum TMF621 v4 TroubleTicket resources: pure rules, no session, no clock.

Status table (ours → TMF v4 TroubleTicketStatusType):

    intake             受理            → acknowledged
    dispatched         已派单          → inProgress
    investigating      调查中          → inProgress
    remedy_proposed    方案待客户确认  → pending   (waiting for the customer's consent)
    customer_agreed    客户已同意      → inProgress
    customer_declined  客户不同意      → inProgress
    resolved           已解决          → resolved
    return_visit       回访中          → resolved  (the customer is being asked)
    closed             已关闭          → closed
    cancelled          已撤销          → cancelled
    rejected           已驳回          → rejected
    any working status while waiting on the customer (waiting_since set) → pending
    held: never produced — kefu has no "held by the provider" state.

TMF → our use case, for PATCH status (see `target_steps`):
    inProgress   accept (from acknowledged), customer replied (from pending while waiting),
                 reopen (from resolved / closed, within the window)
    pending      wait on the customer (statusChangeReason is the reason)
    resolved     resolve (statusChangeReason is the resolution)
    closed       return visit, satisfied (from resolved)
    cancelled    cancel;  rejected  reject
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kefu.tickets.lifecycle import FINAL_STATUSES, TRANSITIONS, WORKING_STATUSES, Status
from kefu.tickets.schemas import TicketDetail

BASE_PATH = "/tmf-api/troubleTicket/v4"
EVENT_TYPES = (
    "TroubleTicketCreateEvent", "TroubleTicketAttributeValueChangeEvent", "TroubleTicketStatusChangeEvent",
    "TroubleTicketResolvedEvent", "TroubleTicketDeleteEvent",
)
TMF_STATUSES = ("acknowledged", "rejected", "pending", "held", "inProgress", "cancelled", "closed", "resolved")

TO_TMF: dict[Status, str] = {
    Status.INTAKE: "acknowledged",
    Status.DISPATCHED: "inProgress",
    Status.INVESTIGATING: "inProgress",
    Status.REMEDY_PROPOSED: "pending",
    Status.CUSTOMER_AGREED: "inProgress",
    Status.CUSTOMER_DECLINED: "inProgress",
    Status.RESOLVED: "resolved",
    Status.RETURN_VISIT: "resolved",
    Status.CLOSED: "closed",
    Status.CANCELLED: "cancelled",
    Status.REJECTED: "rejected",
}

SEVERITIES = ("Critical", "Major", "Minor")
# Tickets opened elsewhere carry no severity: it follows the priority.
SEVERITY_FOR_PRIORITY = {"urgent": "Critical", "high": "Major", "normal": "Minor", "low": "Minor"}

# TMF ticketType words other systems send, mapped to our types (our own codes pass as they are).
TYPE_ALIASES = {
    "complain": "complaint", "incident": "fault", "trouble": "fault", "request": "service_request",
    "servicerequest": "service_request", "inquiry": "consultation", "enquiry": "consultation",
    "question": "consultation", "crossregion": "cross_region", "escalation": "external",
}

# Our characteristics surfaced as TroubleTicket characteristics next to the free-form map.
TICKET_CHARACTERISTICS = ("number", "category", "department", "rootCause", "emotion", "emotionIntensity",
                          "isRepeat", "escalationLevel")
# Keys of the characteristics map this module manages itself.
SEVERITY_KEY, EXTERNAL_ID_KEY, REQUESTED_KEY = "severity", "tmf_external_id", "tmf_requested_resolution"
RESERVED_KEYS = {SEVERITY_KEY, EXTERNAL_ID_KEY, REQUESTED_KEY}

_INVERSE_LINK = {"repeat_of": "repeatedBy", "merged_into": "mergedFrom", "split_from": "splitInto"}
_LINK_TYPE = {"repeat_of": "repeatOf", "merged_into": "mergedInto", "split_from": "splitFrom"}


def tmf_status(status: str, *, waiting: bool) -> str:
    current = Status(status)
    if waiting and current in WORKING_STATUSES:
        return "pending"
    return TO_TMF[current]


def status_clauses(tmf: str) -> list[tuple[frozenset[str], bool | None]]:
    """Which of our tickets show the TMF status `tmf`: (statuses, waiting) pairs, OR-ed;
    waiting None means either way. Empty for held (never shown)."""
    clauses: list[tuple[frozenset[str], bool | None]] = []
    ended_like = frozenset(s.value for s, t in TO_TMF.items() if t == tmf and s not in WORKING_STATUSES)
    working = frozenset(s.value for s, t in TO_TMF.items() if t == tmf and s in WORKING_STATUSES)
    if ended_like:
        clauses.append((ended_like, None))
    if working:
        clauses.append((working, False))
    if tmf == "pending":
        clauses.append((frozenset(s.value for s in WORKING_STATUSES), True))
    return clauses


def target_steps(status: str, *, waiting: bool) -> dict[str, str]:
    """The TMF statuses a PATCH may move this ticket to, each with our use case's name."""
    current = Status(status)
    allowed = TRANSITIONS[current]
    steps: dict[str, str] = {}
    if current in (Status.INTAKE, Status.DISPATCHED) and not waiting:
        steps["inProgress"] = "accept"
    # Awaiting consent stays pending after the customer replies: that step would change nothing.
    if waiting and current in WORKING_STATUSES and current is not Status.REMEDY_PROPOSED:
        steps["inProgress"] = "customer_replied"
    if current in (Status.RESOLVED, Status.RETURN_VISIT, Status.CLOSED):
        steps["inProgress"] = "reopen"
    if not waiting and current in WORKING_STATUSES and current is not Status.REMEDY_PROPOSED:
        steps["pending"] = "wait_on_customer"
    if Status.RESOLVED in allowed:
        steps["resolved"] = "resolve"
    if current in (Status.RESOLVED, Status.RETURN_VISIT):
        steps["closed"] = "close"
    if Status.CANCELLED in allowed:
        steps["cancelled"] = "cancel"
    if Status.REJECTED in allowed:
        steps["rejected"] = "reject"
    return steps


def severity_of(characteristics: dict[str, Any], priority: str) -> str:
    return str(characteristics.get(SEVERITY_KEY) or SEVERITY_FOR_PRIORITY.get(priority, "Minor"))


def normalise_severity(value: str) -> str | None:
    for severity in SEVERITIES:
        if value.strip().lower() == severity.lower():
            return severity
    return None


def our_type(value: str, types: dict[str, str]) -> str | None:
    key = value.strip()
    if key in types:
        return key
    alias = TYPE_ALIASES.get(key.lower().replace("_", "").replace(" ", ""))
    return alias if alias in types else None


def href(base: str, ticket_id: int) -> str:
    return f"{base}{BASE_PATH}/troubleTicket/{ticket_id}"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def status_changes(detail: TicketDetail) -> list[dict[str, Any]]:
    """The TMF status history from ours: one entry each time the TMF status changes."""
    out: list[dict[str, Any]] = []
    status: str | None = None
    waiting = False
    for entry in detail.history:
        if entry.to_status:
            status = entry.to_status
        if entry.kind == "waiting_on_customer":
            waiting = True
        elif entry.kind == "customer_replied" or (entry.to_status and Status(entry.to_status) not in WORKING_STATUSES):
            waiting = False
        if status is None:
            continue
        shown = tmf_status(status, waiting=waiting)
        if out and out[-1]["status"] == shown:
            continue
        change: dict[str, Any] = {"status": shown, "changeDate": _iso(entry.at), "@type": "StatusChange"}
        if entry.reason:
            change["changeReason"] = entry.reason
        out.append(change)
    return out


def _characteristics(detail: TicketDetail) -> list[dict[str, Any]]:
    ours = {
        "number": detail.number, "category": detail.category, "department": detail.department,
        "rootCause": detail.root_cause, "emotion": detail.emotion, "emotionIntensity": detail.emotion_intensity,
        "isRepeat": detail.is_repeat, "escalationLevel": detail.escalation_level,
    }
    free = {k: v for k, v in detail.characteristics.items() if k not in RESERVED_KEYS}
    out = []
    for name, value in [*ours.items(), *sorted(free.items())]:
        if value is None:
            continue
        kind = "boolean" if isinstance(value, bool) else "integer" if isinstance(value, int) else (
            "object" if isinstance(value, (dict, list)) else "string")
        out.append({"name": name, "value": value, "valueType": kind, "@type": "Characteristic"})
    return out


def _relationships(detail: TicketDetail, base: str) -> list[dict[str, Any]]:
    out = []
    for link in detail.links:
        outgoing = link.from_ticket_id == detail.id
        other = link.to_ticket_id if outgoing else link.from_ticket_id
        kind = _LINK_TYPE.get(link.kind, link.kind) if outgoing else _INVERSE_LINK.get(link.kind, link.kind)
        out.append({"id": str(other), "href": href(base, other), "relationshipType": kind,
                    "@type": "TroubleTicketRelationship"})
    return out


def to_trouble_ticket(
    detail: TicketDetail, *, base: str = "", expected_resolution: datetime | None = None
) -> dict[str, Any]:
    """The TroubleTicket resource for one ticket (the staff view). Attributes we have no
    value for are left out, as the TMF guidelines ask."""
    waiting = detail.waiting_since is not None
    changes = status_changes(detail)
    description = detail.core_demand + (f"\n\n{detail.description}" if detail.description else "")
    out: dict[str, Any] = {
        "id": str(detail.id),
        "href": href(base, detail.id),
        "name": detail.core_demand,
        "description": description,
        "severity": severity_of(detail.characteristics, detail.priority),
        "priority": detail.priority,
        "ticketType": detail.type,
        "status": tmf_status(detail.status, waiting=waiting),
        "creationDate": _iso(detail.created_at),
        "lastUpdate": _iso(detail.updated_at),
        "channel": {"id": detail.channel, "name": detail.channel, "@type": "ChannelRef"},
        "relatedParty": [
            {"id": str(detail.subscriber_id), "role": "customer", "@referredType": "Customer", "@type": "RelatedParty"}
        ],
        "statusChange": changes,
        # Extension of TroubleTicket (v4 has no characteristics): @type names the subtype.
        "troubleTicketCharacteristic": _characteristics(detail),
        "@type": "TroubleTicket",
        "@baseType": "TroubleTicket",
    }
    if changes:
        out["statusChangeDate"] = changes[-1]["changeDate"]
        if "changeReason" in changes[-1]:
            out["statusChangeReason"] = changes[-1]["changeReason"]
    if detail.owner_id is not None:
        out["relatedParty"].append(
            {"id": str(detail.owner_id), "role": "owner", "@referredType": "Individual", "@type": "RelatedParty"}
        )
    if detail.coordinator_id is not None:
        out["relatedParty"].append(
            {"id": str(detail.coordinator_id), "role": "coordinator", "@referredType": "Individual",
             "@type": "RelatedParty"}
        )
    optional = {
        "externalId": detail.characteristics.get(EXTERNAL_ID_KEY),
        "requestedResolutionDate": detail.characteristics.get(REQUESTED_KEY),
        "expectedResolutionDate": _iso(expected_resolution) if Status(detail.status) not in FINAL_STATUSES else None,
        "resolutionDate": _iso(detail.resolved_at),
    }
    out.update({k: v for k, v in optional.items() if v})  # "" is how merge-patch removed it
    notes = [
        {"id": str(e.id), "author": e.actor, "date": _iso(e.at), "text": str(e.detail.get("text", "")), "@type": "Note"}
        for e in detail.history
        if e.kind in ("note", "customer_message")
    ]
    if notes:
        out["note"] = notes
    if detail.attachments:
        out["attachment"] = [
            {"id": str(a.id), "href": f"{base}/api/v1/tickets/{detail.id}/attachments/{a.id}",
             "url": f"{base}/api/v1/tickets/{detail.id}/attachments/{a.id}", "name": a.name,
             "mimeType": a.content_type, "size": {"amount": a.size, "units": "bytes"},
             "attachmentType": a.visibility, "@type": "Attachment"}
            for a in detail.attachments
        ]
    related = [
        {"id": str(p), "role": "problem", "@referredType": "Problem", "@type": "RelatedEntity",
         "href": f"{base}/api/v1/problems/{p}"}
        for p in detail.problem_ids
    ] + [
        {"id": str(t.id), "name": t.department + (f"@{t.city}" if t.city else ""), "role": "task",
         "@referredType": "WorkOrder", "@type": "RelatedEntity"}
        for t in detail.tasks
    ]
    if related:
        out["relatedEntity"] = related
    relationships = _relationships(detail, base)
    if relationships:
        out["troubleTicketRelationship"] = relationships
    return out


def select_fields(resource: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """`fields=a,b.c`: only those top-level attributes, and always id and href."""
    if not fields:
        return resource
    wanted = {f.strip().split(".")[0] for f in fields.split(",") if f.strip()} | {"id", "href"}
    return {k: v for k, v in resource.items() if k in wanted}
