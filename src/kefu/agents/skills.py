"""Skills with levels, written as `data:3, gsm:2, complaint:1, english:1` (pure)."""

from __future__ import annotations

import re

from kefu.agents.errors import InvalidSkills

MAX_LEVEL = 5
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# The seats of the seeds (10000/10086 centres): CDMA, GSM, data, 1X, complaint, VIP, English.
STANDARD_SKILLS = ("cdma", "gsm", "data", "x1", "broadband", "billing", "complaint", "vip", "english")


def parse_skills(text: str) -> dict[str, int]:
    """`"data:3, gsm"` → {"data": 3, "gsm": 1}. Raises InvalidSkills on a bad name or level."""
    skills: dict[str, int] = {}
    for raw in re.split(r"[,，;\s]+", text.strip()):
        if not raw:
            continue
        name, _, level_text = raw.partition(":")
        name = name.strip().lower()
        if not _NAME.match(name):
            raise InvalidSkills(text, f"技能名“{name}”只能用小写字母、数字和下划线", f"bad skill name {name!r}")
        try:
            level = int(level_text) if level_text else 1
        except ValueError:
            raise InvalidSkills(text, f"等级“{level_text}”不是数字", f"level {level_text!r} is not a number") from None
        if not 1 <= level <= MAX_LEVEL:
            raise InvalidSkills(text, f"等级须在 1–{MAX_LEVEL} 之间", f"levels go from 1 to {MAX_LEVEL}")
        skills[name] = level
    return skills


def format_skills(skills: dict[str, int]) -> str:
    return ", ".join(f"{name}:{level}" for name, level in sorted(skills.items()))
