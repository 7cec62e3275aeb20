"""The TMF621 v4 swagger's definitions as JSON schemas: our bodies are validated against them."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

# Our own date-time check: jsonschema skips the format without the optional rfc3339 package.
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None

# A copy of the TM Forum document is kept in the repository so the tests run on any clone.
SWAGGER = Path(__file__).resolve().parents[3] / "specs" / "tmf" / "TMF621-TroubleTicket-v4.0.0.swagger.json"


@cache
def swagger() -> dict[str, Any]:
    return json.loads(SWAGGER.read_text(encoding="utf-8"))


def check(definition: str, instance: Any) -> None:
    """Raises jsonschema.ValidationError unless `instance` is a valid `definition`
    ("$ref": "#/definitions/…" resolve against the swagger document itself)."""
    document = swagger()
    schema = {"$ref": f"#/definitions/{definition}", "definitions": document["definitions"]}
    Draft4Validator(schema, format_checker=FORMATS).validate(instance)


def check_list(definition: str, items: list[Any]) -> None:
    assert isinstance(items, list)
    for item in items:
        check(definition, item)
