"""Knowledge-base errors; each message tells the person what to do next."""

from __future__ import annotations

from kefu.core.errors import Conflict, InvalidInput, NotFound


class ArticleNotFound(NotFound):
    default_code = "kb_article_not_found"

    def __init__(self, article_id: int | str) -> None:
        super().__init__(
            f"找不到知识条目 {article_id}，请确认编号或重新搜索",
            f"Knowledge article {article_id} does not exist; check the id or search again",
        )


class ArticleNotAvailable(NotFound):
    """Not published, archived, outside its validity window or not for this audience."""

    default_code = "kb_article_not_available"

    def __init__(self, article_id: int) -> None:
        super().__init__(
            f"知识条目 {article_id} 当前不可查看（未发布、已下线或已过有效期），请重新搜索",
            f"Article {article_id} is not available now (unpublished, withdrawn or expired); search again",
        )


class DuplicateQuestion(Conflict):
    default_code = "kb_duplicate_question"

    def __init__(self, question: str, existing_id: int) -> None:
        super().__init__(
            f"标准问题“{question}”已存在（条目 {existing_id}），请编辑该条目，或把这句话加为它的相似问法",
            f"The standard question “{question}” already exists (article {existing_id}); edit that "
            "article or add this wording to its alternative phrasings",
            existing_id=existing_id,
        )


class InvalidTransition(Conflict):
    default_code = "kb_invalid_transition"

    def __init__(self, status: str, action: str) -> None:
        super().__init__(
            f"条目当前状态为“{STATUS_ZH.get(status, status)}”，不能{ACTION_ZH.get(action, action)}",
            f"The article is {status}; it cannot be {action}",
            status=status,
            action=action,
        )


class InvalidArticle(InvalidInput):
    default_code = "kb_invalid_article"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh, en)


class VersionNotFound(NotFound):
    default_code = "kb_version_not_found"

    def __init__(self, article_id: int, version: int | str) -> None:
        super().__init__(
            f"条目 {article_id} 没有版本 {version}，请查看版本列表",
            f"Article {article_id} has no version {version}; see its list of versions",
        )


class InvalidQuery(InvalidInput):
    default_code = "kb_invalid_query"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh, en)


class SearchLogNotFound(NotFound):
    default_code = "kb_search_not_found"

    def __init__(self, search_id: int) -> None:
        super().__init__(
            f"找不到搜索记录 {search_id}，请重新搜索后再评价",
            f"Search {search_id} was not found; search again before rating the answer",
        )


class ImportFailed(InvalidInput):
    """Nothing was imported; `details.rows` lists every bad row with its number."""

    default_code = "kb_import_failed"

    def __init__(self, rows: list[dict[str, object]]) -> None:
        super().__init__(
            f"导入失败，共 {len(rows)} 处错误，未导入任何条目；请修改后重新导入",
            f"Import failed with {len(rows)} error(s); nothing was imported — fix them and import again",
            rows=rows,
        )


STATUS_ZH = {"draft": "草稿", "in_review": "待审核", "published": "已发布", "archived": "已下线"}
ACTION_ZH = {"submitted": "提交审核", "published": "发布", "rejected": "退回", "archived": "下线", "edited": "编辑"}
