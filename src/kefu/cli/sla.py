"""`kefu sla` — the SLA board, a ticket's clocks, policies, a due-time calculator, and a
catch-up scan (what the worker does every few seconds)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from kefu.cli.context import context
from kefu.core.clock import local
from kefu.core.errors import KefuError
from kefu.sla import service

app = typer.Typer(help="SLA clocks, board, policies 时效", no_args_is_help=True)
console = Console()


def _when(at: datetime | None) -> str:
    return local(at).strftime("%Y-%m-%d %H:%M") if at else "-"


def _left(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 3600}h{seconds % 3600 // 60:02d}m"


@app.command("board")
def board(
    within: int = typer.Option(60, help="Minutes ahead counted as due soon."),
    department: str | None = typer.Option(None, help="Only this department."),
) -> None:
    """Clocks due soon, breached clocks still open, and counts per department."""
    ctx = context()
    with ctx.session() as session:
        out = service.board(session, now=ctx.clock.now(), within=timedelta(minutes=within), department=department)
    for title, rows in (("即将到期 due soon", out.due_soon), ("已超时 breached", out.breached)):
        table = Table(title=title)
        for column in ("ticket", "target", "department", "due", "left (business)", "level"):
            table.add_column(column)
        for c in rows:
            table.add_row(str(c.ticket_id), c.target_label, c.department, _when(c.due_at), _left(c.remaining_seconds),
                          str(c.escalation_level))
        console.print(table)
    table = Table(title="按部门 by department")
    for column in ("department", "running", "paused", "due soon", "breached"):
        table.add_column(column)
    for r in out.by_department:
        table.add_row(r.department, str(r.running), str(r.paused), str(r.due_soon), str(r.breached))
    console.print(table)


@app.command("clocks")
def clocks(ticket_id: int) -> None:
    """Every clock of a ticket with business time left."""
    ctx = context()
    with ctx.session() as session:
        rows = service.ticket_clocks(session, ticket_id, now=ctx.clock.now())
    table = Table(title=f"工单 {ticket_id} 时效")
    for column in ("target", "cycle", "state", "due", "left (business)", "policy", "note"):
        table.add_column(column)
    for c in rows:
        note = c.pause_reason or c.warning or ""
        table.add_row(c.target_label, str(c.cycle), c.state, _when(c.due_at), _left(c.remaining_seconds),
                      f"{c.policy_code} v{c.policy_version}", note)
    console.print(table)


@app.command("policies")
def policies() -> None:
    """The active version of every SLA policy."""
    ctx = context()
    with ctx.session() as session:
        rows = service.list_policies(session, now=ctx.clock.now())
    table = Table(title="时效策略 SLA policies")
    for column in ("code", "version", "name", "targets (minutes@calendar)"):
        table.add_column(column)
    for p in rows:
        targets = ", ".join(f"{k} {v['minutes']}@{v['calendar']}" for k, v in p.spec.get("targets", {}).items())
        table.add_row(p.code, str(p.version), p.name, targets)
    console.print(table)


@app.command("holidays")
def holidays(
    year: int = typer.Option(0, "--year", help="Enter this year's arrangement (with --file)."),
    file: Path = typer.Option(None, "--file", help='JSON: {"holidays": {"2027-01-01": "元旦", …}, '
                                                   '"workdays": ["2027-02-14", …], "source": "国办发明电〔…〕"}'),
    actor: str = typer.Option("cli", "--actor", help="Who is recorded as having entered it."),
) -> None:
    """Which years' public holidays the SLA clocks know; with --year and --file, enter a year the
    installed chinese-calendar does not cover yet (from the State Council notice)."""
    ctx = context()
    if year:
        if file is None:
            console.print("[red]请用 --file 给出节假日安排 / give the arrangement with --file[/red]")
            raise typer.Exit(2)
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("holidays"), dict):
                raise ValueError('need an object with "holidays": {date: name}')
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            console.print(f"[red]无法读取 {file}：{exc} / cannot read {file}: {exc}[/red]")
            raise typer.Exit(2) from None
        try:
            with ctx.session() as session:
                service.save_holiday_year(session, year, holidays=data["holidays"], workdays=list(data.get("workdays") or []),
                                          source=str(data.get("source") or ""), by=actor, now=ctx.clock.now())
        except KefuError as exc:
            console.print(f"[red]{exc.zh} / {exc.en}[/red]")
            raise typer.Exit(2) from None
    with ctx.session() as session:
        (first, last), entered = service.holiday_coverage(session)
    years = ", ".join(str(y.year) for y in entered) or "-"
    console.print(f"chinese-calendar: {first}–{last}; 已录入 entered: {years}")
    table = Table(title="法定节假日数据 Public-holiday data")
    for column in ("年份 year", "来源 origin", "节假日 days off", "调休上班 worked weekends", "录入 entered"):
        table.add_column(column)
    table.add_row(f"{first}–{last}", "chinese-calendar", "-", "-", "-")
    for y in entered:
        table.add_row(str(y.year), y.source or "entered", str(len(y.holidays)), str(len(y.workdays)),
                      f"{y.updated_by} {_when(y.updated_at)}")
    console.print(table)


@app.command("due-at")
def due_at(
    start: str = typer.Argument(..., help="Local start time, e.g. '2026-11-20 21:50'."),
    minutes: int = typer.Argument(..., help="Target in business minutes."),
    calendar: str = typer.Option("specialist", help="Calendar code."),
) -> None:
    """When a target started at START falls due on a business calendar."""
    ctx = context()
    with ctx.session() as session:
        tz = ZoneInfo(ctx.settings.timezone)
        at = datetime.fromisoformat(start).replace(tzinfo=tz)
        due = service.due_at(session, at, timedelta(minutes=minutes), calendar=calendar)
    console.print(f"{calendar}: {start} + {minutes} min → {due.astimezone(tz):%Y-%m-%d %H:%M} ({due.astimezone(tz):%A})")


@app.command("scan")
def scan() -> None:
    """Handles every clock that is due now (warnings, breaches, escalations), batch by batch."""
    ctx = context()
    handled = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}"),
                  console=console) as progress:
        task = progress.add_task("SLA scan", total=None)
        while True:
            with ctx.session() as session:
                done = service.scan_due(session, ctx.clock.now())
            if not done:
                break
            handled += done
            progress.update(task, completed=handled)
    console.print(f"handled {handled} clocks")
