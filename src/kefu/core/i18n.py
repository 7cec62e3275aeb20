"""User-facing text: Chinese is the source language; locales/en.json maps Chinese text to
English. Templates call `_("客户搜索")`; a missing English entry falls back to the Chinese."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("zh", "en")
_LOCALES = Path(__file__).parent / "locales"


@cache
def _catalog(lang: str) -> dict[str, str]:
    path = _LOCALES / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def gettext(message: str, lang: str) -> str:
    if lang == "zh":
        return message
    return _catalog(lang).get(message, message)


def pick_language(requested: str | None, accept_language: str | None, default: str = "zh") -> str:
    if requested in LANGUAGES:
        return str(requested)
    if accept_language and accept_language.lower().startswith("en"):
        return "en"
    return default
