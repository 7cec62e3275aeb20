"""Why `kefu demo` refuses."""

from __future__ import annotations

from kefu.core.errors import Conflict


class NotEmpty(Conflict):
    default_code = "demo_database_not_empty"

    def __init__(self) -> None:
        super().__init__(
            "数据库中已有用户数据；演示数据只能写入空数据库（换一个 KEFU_DATABASE_URL，或加 --if-empty 跳过）",
            "The database already has subscribers; demo data goes only into an empty database "
            "(use a new KEFU_DATABASE_URL, or --if-empty to skip)",
        )
