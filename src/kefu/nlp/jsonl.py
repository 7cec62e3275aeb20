"""Reading JSON-lines input that may contain bad lines: each bad line is reported by
number and reading goes on. Works on bytes so non-UTF-8 lines are caught one by one."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BadLine:
    number: int
    reason_zh: str
    reason_en: str

    def message(self) -> str:
        return f"第 {self.number} 行：{self.reason_zh} / line {self.number}: {self.reason_en}"


def read_lines(
    lines: Iterable[bytes], *, required: tuple[str, ...] = ("text",)
) -> Iterator[tuple[int, dict[str, Any] | BadLine]]:
    """Yields (line number, record) or (line number, BadLine); blank lines are skipped.
    A record must be a JSON object whose `required` fields are non-empty strings."""
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield number, BadLine(number, "不是 UTF-8 编码", "not UTF-8")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, BadLine(number, f"不是有效的 JSON（{exc.msg}）", f"invalid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            yield number, BadLine(number, "应为 JSON 对象", "expected a JSON object")
            continue
        missing = [f for f in required if not isinstance(record.get(f), str) or not record[f].strip()]
        if missing:
            names = ", ".join(missing)
            yield number, BadLine(number, f"缺少字段 {names}", f"missing field {names}")
            continue
        yield number, record
