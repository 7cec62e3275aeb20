"""`kefu kb` — load, export and evaluate the knowledge base."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import track

from kefu.cli.context import context
from kefu.core.errors import KefuError
from kefu.knowledge import evaluation, formats, transfer

app = typer.Typer(help="Knowledge base 知识库: import, export, search evaluation.", no_args_is_help=True)
console = Console()


def _fail(zh: str, en: str, code: int = 2) -> None:
    console.print(f"[red]{zh} / {en}[/red]")
    raise typer.Exit(code)


@app.command("import")
def import_file(
    file: Path = typer.Argument(..., help="Articles as .json, .csv or .md (see kefu.knowledge.formats)."),
    draft: bool = typer.Option(False, "--draft", help="Import as drafts for review instead of publishing."),
    actor: str = typer.Option("cli", "--actor", help="Who is recorded as author and publisher."),
    skip_existing: bool = typer.Option(
        False, "--skip-existing", help="Leave out rows whose standard question is already stored (re-runs)."
    ),
) -> None:
    """Import every article in FILE, or none: a bad row is reported with its number.

    The starter knowledge base ships as src/kefu/knowledge/data/articles.json."""
    try:
        kind = formats.format_of(file.name)
        rows = formats.parse(file.read_text(encoding="utf-8"), kind)
    except (OSError, UnicodeDecodeError, formats.FormatError) as exc:
        _fail(f"无法读取 {file}：{exc}", f"Cannot read {file}: {exc}")
    ctx = context()
    try:
        with ctx.session() as session:
            count = transfer.import_articles(
                session, rows, actor=actor, now=ctx.clock.now(), publish=not draft, skip_existing=skip_existing
            )
    except KefuError as exc:
        console.print(f"[red]{exc.zh} / {exc.en}[/red]")
        for row in exc.details.get("rows", []):
            console.print(f"  第 {row['row']} 行 row {row['row']} ({row.get('question') or '-'}): " + "; ".join(row["errors"]))
        raise typer.Exit(2) from None
    state = "草稿 drafts" if draft else "已发布 published"
    console.print(f"[green]已导入 {count} 条（{state}） / imported {count} article(s)[/green]")


@app.command("export")
def export_file(
    file: Path = typer.Argument(..., help="Where to write: .json, .csv or .md."),
) -> None:
    """Export every article that is not withdrawn (the working copy)."""
    try:
        kind = formats.format_of(file.name)
    except formats.FormatError as exc:
        _fail(f"不支持的文件类型：{exc}", str(exc))
    ctx = context()
    with ctx.session() as session:
        text = transfer.export_articles(session, kind)
    file.write_text(text, encoding="utf-8")
    console.print(f"[green]已导出到 {file} / exported to {file}[/green]")


@app.command("search-eval")
def search_eval(
    file: Path = typer.Argument(..., help='JSON lines: {"query": …, "expected": article id or standard question}.'),
    baseline: bool = typer.Option(False, "--baseline", help="Also score plain BM25 (bm25s, no expansion) to compare."),
    audience: str = typer.Option("agent", help="agent (all published) or public."),
    show_misses: int = typer.Option(0, "--show-misses", help="List this many queries not answered first."),
) -> None:
    """Print top-1 and top-5 accuracy and MRR@10 of the knowledge-base search."""
    try:
        cases, bad = evaluation.parse_cases(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"无法读取 {file}：{exc}", f"Cannot read {file}: {exc}")
    ctx = context()
    with ctx.session() as session:
        runs = [("kefu", evaluation.Evaluator(session, now=ctx.clock.now(), audience=audience))]
        if baseline:
            runs.append(("plain bm25s", evaluation.Evaluator(session, now=ctx.clock.now(), baseline=True)))
        resolved = []
        for case in cases:
            article_id = runs[0][1].resolve(case.expected)
            if article_id is None:
                bad.append((case.line, f"expected article {case.expected!r} is not published"))
            else:
                resolved.append((case, article_id))
        for number, reason in sorted(bad):
            console.print(f"[yellow]第 {number} 行已跳过 line {number} skipped: {reason}[/yellow]")
        for name, evaluator in runs:
            summary = evaluation.Summary()
            for case, article_id in track(resolved, description=f"{name}…", console=console, transient=True):
                summary.add(case, evaluator.rank(case.query, article_id))
            f = summary.figures()
            console.print(
                f"{name}: queries={summary.cases} top1={f['top1']:.3f} top5={f['top5']:.3f} mrr={f['mrr']:.3f}"
            )
            if name == "kefu":
                for case, rank in summary.misses[:show_misses]:
                    console.print(f"  miss line {case.line} rank={rank or '-'}: {case.query} → {case.expected}")
