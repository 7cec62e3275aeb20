"""Knowledge-base API: articles and their review, versions and diffs, search for agents
and subscribers, as-you-type suggestions, feedback, figures, import and export.

kb_editor writes drafts; supervisor (and admin) review, publish and withdraw. Search
serves subscribers only published public articles valid now; staff also agent-only ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from kefu.api.deps import STAFF, Authorize, DbSession, Now
from kefu.core.errors import InvalidInput, PermissionDenied
from kefu.identity.roles import Principal, Role
from kefu.knowledge import formats, search_service, service, transfer
from kefu.knowledge.schemas import (
    AnswerOut,
    ArticleIn,
    ArticleOut,
    ArticlePage,
    ArticlePatch,
    DiffOut,
    FeedbackIn,
    ImportResult,
    MetricsOut,
    ReviewIn,
    SearchHitOut,
    SearchOut,
    VersionOut,
)
from kefu.knowledge.text import render_html

if TYPE_CHECKING:
    from kefu.knowledge.models import Article

router = APIRouter(prefix="/api/v1/kb", tags=["knowledge"])

EDITORS = Authorize(Role.KB_EDITOR, Role.SUPERVISOR)
REVIEWERS = Authorize(Role.SUPERVISOR)
READERS = Authorize(*STAFF, Role.SUBSCRIBER)
STAFF_ONLY = Authorize(*STAFF)
FIGURES = Authorize(Role.KB_EDITOR, Role.SUPERVISOR, Role.ANALYST)


def _out(article: Article) -> ArticleOut:
    out = ArticleOut.model_validate(article)
    out.answer_html = render_html(article.answer)
    return out


def _audience(principal: Principal, requested: str | None = None) -> str:
    if principal.kind != "staff":
        return "public"
    return "public" if requested == "public" else "agent"


@router.get("/articles", response_model=ArticlePage)
def list_articles(
    session: DbSession,
    status: Literal["draft", "in_review", "published", "archived"] | None = None,
    category: str | None = None,
    q: str | None = Query(None, max_length=200, description="Part of the standard question, or an owner"),
    offset: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=200),
    _: Principal = Depends(EDITORS),
) -> ArticlePage:
    items, total = service.list_articles(session, status=status, category=category, text=q, offset=offset, limit=limit)
    return ArticlePage(items=[_out(a) for a in items], total=total)


@router.post("/articles", response_model=ArticleOut, status_code=201)
def create_article(data: ArticleIn, session: DbSession, now: Now, principal: Principal = Depends(EDITORS)) -> ArticleOut:
    return _out(service.create(session, data, actor=principal.actor, now=now))


@router.get("/articles/{article_id}", response_model=ArticleOut)
def get_article(article_id: int, session: DbSession, _: Principal = Depends(EDITORS)) -> ArticleOut:
    return _out(service.get(session, article_id))


@router.patch("/articles/{article_id}", response_model=ArticleOut)
def update_article(
    article_id: int, patch: ArticlePatch, session: DbSession, now: Now, principal: Principal = Depends(EDITORS)
) -> ArticleOut:
    article = service.get(session, article_id)
    return _out(service.update(session, article, patch, actor=principal.actor, now=now))


@router.post("/articles/{article_id}/submit", response_model=ArticleOut)
def submit_article(article_id: int, session: DbSession, now: Now, principal: Principal = Depends(EDITORS)) -> ArticleOut:
    return _out(service.submit(session, service.get(session, article_id), actor=principal.actor, now=now))


@router.post("/articles/{article_id}/publish", response_model=VersionOut)
def publish_article(
    article_id: int, session: DbSession, now: Now, review: ReviewIn | None = None,
    principal: Principal = Depends(REVIEWERS),
) -> VersionOut:
    article = service.get(session, article_id)
    version = service.publish(session, article, actor=principal.actor, now=now, note=review.note if review else "")
    return VersionOut.model_validate(version)


@router.post("/articles/{article_id}/reject", response_model=ArticleOut)
def reject_article(
    article_id: int, review: ReviewIn, session: DbSession, now: Now, principal: Principal = Depends(REVIEWERS)
) -> ArticleOut:
    article = service.get(session, article_id)
    return _out(service.reject(session, article, actor=principal.actor, now=now, note=review.note))


@router.post("/articles/{article_id}/archive", response_model=ArticleOut)
def archive_article(article_id: int, session: DbSession, now: Now, principal: Principal = Depends(REVIEWERS)) -> ArticleOut:
    return _out(service.archive(session, service.get(session, article_id), actor=principal.actor, now=now))


@router.get("/articles/{article_id}/versions", response_model=list[VersionOut])
def article_versions(article_id: int, session: DbSession, _: Principal = Depends(EDITORS)) -> list[VersionOut]:
    return [VersionOut.model_validate(v) for v in service.versions(session, service.get(session, article_id))]


@router.get("/articles/{article_id}/diff", response_model=DiffOut)
def article_diff(
    article_id: int, session: DbSession,
    from_version: int = Query(..., ge=1, alias="from"),
    to_version: int | None = Query(None, ge=1, alias="to", description="Leave out to compare with the working copy"),
    _: Principal = Depends(EDITORS),
) -> DiffOut:
    article = service.get(session, article_id)
    text = service.diff(session, article, from_version=from_version, to_version=to_version)
    return DiffOut(article_id=article_id, from_version=f"v{from_version}",
                   to_version=f"v{to_version}" if to_version else "draft", diff=text)


@router.get("/answers/{article_id}", response_model=AnswerOut)
def read_answer(article_id: int, session: DbSession, now: Now, principal: Principal = Depends(READERS)) -> AnswerOut:
    return search_service.read_answer(session, article_id, audience=_audience(principal), now=now)


@router.get("/search", response_model=SearchOut)
def search(
    session: DbSession, now: Now, q: str = "", limit: int = Query(5, ge=1, le=20),
    audience: Literal["agent", "public"] | None = Query(None, description="Staff may preview what subscribers see"),
    principal: Principal = Depends(READERS),
) -> SearchOut:
    return search_service.search(
        session, q, audience=_audience(principal, audience), now=now, limit=limit, actor=principal.actor
    )


@router.get("/suggest", response_model=list[SearchHitOut])
def suggest(
    session: DbSession, now: Now, q: str = "", limit: int = Query(8, ge=1, le=20),
    _: Principal = Depends(STAFF_ONLY),
) -> list[SearchHitOut]:
    return search_service.suggest(session, q, now=now, limit=limit)


@router.post("/feedback", status_code=204)
def feedback(data: FeedbackIn, session: DbSession, now: Now, principal: Principal = Depends(READERS)) -> Response:
    search_service.feedback(session, data, actor=principal.actor, now=now)
    return Response(status_code=204)


@router.get("/metrics", response_model=MetricsOut)
def metrics(
    session: DbSession, now: Now, days: int = Query(30, ge=1, le=366), _: Principal = Depends(FIGURES)
) -> MetricsOut:
    return search_service.metrics(session, now=now, days=days)


@router.get("/export")
def export(
    session: DbSession, format: Literal["json", "csv", "md"] = "json", _: Principal = Depends(EDITORS)
) -> Response:
    media = {"json": "application/json", "csv": "text/csv", "md": "text/markdown"}[format]
    return Response(
        transfer.export_articles(session, format), media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="kb-articles.{format}"'},
    )


class ImportIn(BaseModel):
    format: Literal["json", "csv", "md"]
    content: str = Field(max_length=20_000_000)
    publish: bool = False


@router.post("/import", response_model=ImportResult)
def import_articles(data: ImportIn, session: DbSession, now: Now, principal: Principal = Depends(EDITORS)) -> ImportResult:
    if data.publish and not principal.has_any({Role.SUPERVISOR}):
        raise PermissionDenied(
            "只有班组长或管理员可以直接发布导入的条目；请不勾选发布，导入为草稿后提交审核",
            "Only a supervisor or admin may publish on import; import as drafts and submit them for review",
        )
    try:
        rows = formats.parse(data.content, data.format)
    except formats.FormatError as exc:
        raise InvalidInput(f"文件无法读取：{exc}", f"The file cannot be read: {exc}", code="kb_bad_file") from None
    count = transfer.import_articles(session, rows, actor=principal.actor, now=now, publish=data.publish)
    return ImportResult(imported=count, published=data.publish)
