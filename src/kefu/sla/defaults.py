"""The calendars and policies a new installation starts with (seeds 003/004, SPEC C3).

Plain data; `service.ensure_defaults` stores them once and administrators edit them.
"""

from __future__ import annotations

from typing import Any

_EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

CALENDARS: dict[str, dict[str, Any]] = {
    "24x7": {"name": "7×24 小时", "spec": {"always_open": True}},
    # Seed 004: specialist seats work 9:00–22:00; bookings outside are answered after 9:00.
    "specialist": {"name": "专席 9:00–22:00",
                   "spec": {"hours": {d: ["09:00-22:00"] for d in _EVERY_DAY}, "observe_holidays": True}},
    "hall": {"name": "营业厅 9:00–20:00",
             "spec": {"hours": {d: ["09:00-20:00"] for d in _EVERY_DAY}, "observe_holidays": True}},
    "back_office": {"name": "后台 工作日 8:30–17:30",
                    "spec": {"hours": {d: ["08:30-17:30"] for d in _EVERY_DAY[:5]}, "observe_holidays": True}},
    # Natural days that stop on statutory holidays: "24 h feedback" skips National Day.
    "natural_days": {"name": "自然日（法定节假日除外）",
                     "spec": {"hours": {d: ["00:00-24:00"] for d in _EVERY_DAY}, "observe_holidays": True}},
}

_ESCALATION = [
    {"name": "team_lead", "role": "supervisor", "delay_minutes": 0, "same_department": True},
    {"name": "department_head", "role": "supervisor", "delay_minutes": 240},
    {"name": "centre_management", "role": "admin", "delay_minutes": 1440},
]

POLICIES: list[dict[str, Any]] = [
    {
        "code": "default", "name": "默认时效（未匹配任何策略时使用）", "precedence": 0,
        "targets": {"respond": {"minutes": 15, "calendar": "specialist"},
                    "feedback": {"minutes": 24 * 60, "calendar": "natural_days"},
                    "resolve": {"minutes": 72 * 60, "calendar": "natural_days"},
                    "return_visit": {"minutes": 24 * 60, "calendar": "natural_days"}},
        "notify_calendar": "specialist", "escalation": _ESCALATION,
    },
    {
        "code": "complaint", "name": "投诉：15 分钟响应、24 小时反馈、72 小时闭环", "precedence": 10,
        "match": {"ticket_types": ["complaint"]},
        "targets": {"respond": {"minutes": 15, "calendar": "specialist"},
                    "feedback": {"minutes": 24 * 60, "calendar": "natural_days"},
                    "resolve": {"minutes": 72 * 60, "calendar": "natural_days"},
                    "return_visit": {"minutes": 24 * 60, "calendar": "natural_days"}},
        "notify_calendar": "specialist", "escalation": _ESCALATION,
    },
    {
        "code": "general", "name": "咨询、受理、故障、建议、跨区协同", "precedence": 0,
        "match": {"ticket_types": ["consultation", "service_request", "fault", "suggestion", "cross_region"]},
        "targets": {"respond": {"minutes": 15, "calendar": "specialist"},
                    "resolve": {"minutes": 72 * 60, "calendar": "natural_days"},
                    "return_visit": {"minutes": 24 * 60, "calendar": "natural_days"}},
        "notify_calendar": "specialist", "escalation": _ESCALATION,
    },
    {
        "code": "callback_appointment", "name": "专席预约回呼：开班后 1 小时内", "precedence": 15,
        "match": {"channels": ["callback_appointment"]},
        "targets": {"respond": {"minutes": 60, "calendar": "specialist"}},
        "notify_calendar": "specialist", "escalation": _ESCALATION,
    },
    {
        "code": "vip_government_enterprise", "name": "VIP 与政企客户：7×24，时限更短", "precedence": 20,
        "match": {"segments": ["vip", "government_enterprise"]},
        "targets": {"respond": {"minutes": 10, "calendar": "24x7"},
                    "feedback": {"minutes": 12 * 60, "calendar": "24x7"},
                    "resolve": {"minutes": 48 * 60, "calendar": "24x7"},
                    "return_visit": {"minutes": 24 * 60, "calendar": "24x7"}},
        "notify_calendar": "24x7", "escalation": [
            {"name": "team_lead", "role": "supervisor", "delay_minutes": 0, "same_department": True},
            {"name": "department_head", "role": "supervisor", "delay_minutes": 60},
            {"name": "centre_management", "role": "admin", "delay_minutes": 240},
        ],
    },
    {
        # 12315 / 工信部申诉 transfers: the regulator's deadline runs in natural time.
        "code": "external_escalation", "name": "12315 / 工信部申诉转办", "precedence": 30,
        "match": {"ticket_types": ["external"]},
        "targets": {"respond": {"minutes": 60, "calendar": "24x7"},
                    "feedback": {"minutes": 24 * 60, "calendar": "24x7"},
                    "resolve": {"minutes": 5 * 24 * 60, "calendar": "24x7"},
                    "return_visit": {"minutes": 24 * 60, "calendar": "natural_days"}},
        "notify_calendar": "back_office", "escalation": [
            {"name": "team_lead", "role": "supervisor", "delay_minutes": 0},
            {"name": "centre_management", "role": "admin", "delay_minutes": 60},
        ],
    },
]
