"""`kefu import subscribers FILE` and `kefu import catalogue FILE` (CSV or .xlsx).

All or nothing: any bad row rejects the file and every problem is listed."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kefu.cli.context import context
from kefu.core.errors import KefuError
from kefu.customers import service
from kefu.customers.errors import ImportRejected

app = typer.Typer(help="导入用户与产品目录 / Import subscribers and the catalogue (CSV or .xlsx).", no_args_is_help=True)
console = Console()
SHOWN = 100

FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV (UTF-8) or Excel .xlsx file.")
ENCODING = typer.Option(None, "--encoding", help="Read a CSV in this encoding, e.g. gbk (default: UTF-8 only).")


def _show_problems(exc: ImportRejected) -> None:
    errors = exc.details.get("errors", [])
    console.print(f"[red]{exc.zh}[/red]\n[red]{exc.en}[/red]")
    table = Table("行 line", "列 field", "问题", "problem", show_lines=False)
    for error in errors[:SHOWN]:
        table.add_row(str(error["line"] or "—"), error["field"] or "—", error["message"], error["message_en"])
    console.print(table)
    if len(errors) > SHOWN:
        console.print(f"… 另有 {len(errors) - SHOWN} 处错误 / {len(errors) - SHOWN} more problems")


def _run(kind: str, file: Path, encoding: str | None) -> None:
    ctx = context()
    data = file.read_bytes()
    try:
        with ctx.session() as session, Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        ) as bar:
            task = bar.add_task("写入 / writing", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            if kind == "subscribers":
                report = service.import_subscribers(
                    session, data, filename=file.name, now=ctx.clock.now(), encoding=encoding, progress=progress
                )
            else:
                report = service.import_catalogue(session, data, filename=file.name, now=ctx.clock.now(), encoding=encoding)
    except ImportRejected as exc:
        _show_problems(exc)
        raise typer.Exit(2) from None
    except KefuError as exc:
        console.print(f"[red]{exc.zh} / {exc.en}[/red]")
        raise typer.Exit(2) from None
    console.print(
        f"[green]导入完成：新增 {report.created}，更新 {report.updated} / "
        f"imported: {report.created} created, {report.updated} updated[/green]"
    )


@app.command("subscribers")
def subscribers(file: Path = FILE, encoding: str | None = ENCODING) -> None:
    """Subscribers with their account and plan. Columns: number, name, id_number, city,
    plan_code (required); district, segment, vip_level, birth_year, joined_on, plan_start,
    charged_fee_yuan, account_no, balance_yuan, credit_limit_yuan, points."""
    _run("subscribers", file, encoding)


@app.command("catalogue")
def catalogue(file: Path = FILE, encoding: str | None = ENCODING) -> None:
    """Products (an existing code is updated). Columns: code, name, kind, monthly_fee_yuan
    (required); data_mb, voice_minutes, sms, bandwidth_mbps, sp_code, sp_name, description, active."""
    _run("catalogue", file, encoding)
