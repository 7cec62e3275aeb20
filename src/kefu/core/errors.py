"""Error categories. Each carries a stable code and a message in Chinese and English
that tells a person what to do; api/errors.py maps the category to HTTP once."""

from __future__ import annotations

from typing import Any


class KefuError(Exception):
    status_code = 400
    default_code = "error"

    def __init__(self, zh: str, en: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.code = code or self.default_code
        self.details = details

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.zh, "message_en": self.en}
        if self.details:
            body["details"] = self.details
        return body


class InvalidInput(KefuError):
    status_code = 422
    default_code = "invalid_input"


class NotFound(KefuError):
    status_code = 404
    default_code = "not_found"


class Conflict(KefuError):
    status_code = 409
    default_code = "conflict"


class PermissionDenied(KefuError):
    status_code = 403
    default_code = "permission_denied"


class Unauthenticated(KefuError):
    status_code = 401
    default_code = "unauthenticated"


class TooManyRequests(KefuError):
    status_code = 429
    default_code = "too_many_requests"
