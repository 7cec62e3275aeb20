"""Paging parameters shared by list endpoints."""

from __future__ import annotations

from dataclasses import dataclass

from kefu.core.errors import InvalidInput

MAX_LIMIT = 200


@dataclass(frozen=True)
class Page:
    offset: int = 0
    limit: int = 50

    def __post_init__(self) -> None:
        if self.offset < 0:
            raise InvalidInput("offset 不能为负数", "offset must not be negative", code="bad_offset")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput(
                f"limit 须在 1 到 {MAX_LIMIT} 之间",
                f"limit must be between 1 and {MAX_LIMIT}",
                code="bad_limit",
            )
