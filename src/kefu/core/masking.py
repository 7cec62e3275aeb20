"""Personal-data masking, applied by default wherever a person's data is shown."""

from __future__ import annotations

import re


def mask_phone(number: str | None) -> str:
    """13812341234 → 138****1234; short numbers keep only their last digits."""
    if not number:
        return ""
    digits = number.strip()
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)


def mask_id_number(id_number: str | None) -> str:
    """440105198001011234 → 4401**********1234 (first four, last four)."""
    if not id_number:
        return ""
    value = id_number.strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_name(name: str | None) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; a Latin name keeps its first letter."""
    if not name:
        return ""
    value = name.strip()
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 1)


def mask_bank_account(account: str | None) -> str:
    if not account:
        return ""
    value = re.sub(r"\s", "", account)
    return "*" * max(len(value) - 4, 0) + value[-4:]


_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{4})(\d{10})(\d{3}[\dXx])(?![0-9A-Za-z])")
_CARD_IN_TEXT = re.compile(r"(?<!\d)(\d{12,15})(\d{4})(?!\d)")


def mask_free_text(text: str) -> str:
    """Masks mobile numbers, ID numbers and bank cards found inside free text."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "*" * 10 + m.group(3), text)
    text = _PHONE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _CARD_IN_TEXT.sub(lambda m: "*" * len(m.group(1)) + m.group(2), text)
