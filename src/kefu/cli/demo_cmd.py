"""`kefu demo`: load the demo operator (subscribers, bills, staff logins) into an empty database."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kefu.cli.context import context
from kefu.demo.errors import NotEmpty
from kefu.demo.generate import (
    DEFAULT_MONTHS,
    DEFAULT_SEED,
    DEFAULT_SUBSCRIBERS,
    DemoResult,
    generate,
    is_empty,
)
from kefu.demo.staff import DEMO_PASSWORD
from kefu.identity.roles import ROLE_LABELS_ZH, Role
from kefu.migrate import upgrade

console = Console()


def demo(
    subscribers: int = typer.Option(
        DEFAULT_SUBSCRIBERS, "--subscribers", "-n", min=1, max=5_000_000, help="How many subscribers (lines)."
    ),
    seed: int = typer.Option(DEFAULT_SEED, help="Random seed: the same seed gives the same operator."),
    months: int = typer.Option(DEFAULT_MONTHS, min=1, max=36, help="Months of usage and bills before this one."),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Do nothing (and say so) when the database already has subscribers."
    ),
) -> None:
    ctx = context()
    upgrade(ctx.engine)
    if not is_empty(ctx.factory):
        if if_empty:
            console.print("数据库中已有用户数据，未生成演示数据 / the database already has subscribers: demo data not loaded")
            return
        _refuse(NotEmpty())
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("生成演示运营商 / generating the demo operator", total=subscribers)
        try:
            result = generate(
                ctx.factory, subscribers=subscribers, seed=seed, months=months, now=ctx.clock.now(),
                on_progress=lambda done: progress.advance(task, done),
            )
        except NotEmpty as exc:
            _refuse(exc)
    _report(result)


def _refuse(exc: NotEmpty) -> NoReturn:
    console.print(f"[red]{exc.zh}\n{exc.en}[/red]")
    raise typer.Exit(2)


def _report(result: DemoResult) -> None:
    rows = Table(title=f"演示数据 / demo data — {result.seconds:.1f} s")
    rows.add_column("表 / table")
    rows.add_column("行数 / rows", justify="right")
    for name, count in result.rows.items():
        rows.add_row(name, f"{count:,}")
    console.print(rows)

    logins = Table(title=f"员工登录 / staff logins — 密码 / password: {DEMO_PASSWORD}")
    for column in ("用户名 / username", "姓名 / name", "岗位 / post", "角色 / roles", "部门 / department"):
        logins.add_column(column)
    for login in result.logins:
        name = login.display_name if login.created else f"{login.display_name}（已存在，密码未改 / existed, unchanged）"
        post = ROLE_LABELS_ZH[Role(login.roles[0])]
        logins.add_row(login.username, name, post, ", ".join(login.roles), login.department)
    console.print(logins)

    people = Table(title="用户门户 / subscriber portal: 号码 + 短信验证码 / number + one-time code")
    for column in ("号码 / number", "姓名 / name", "情况 / story"):
        people.add_column(column)
    for character in result.characters:
        people.add_row(character.number, character.name, character.story_zh)
    console.print(people)
    if result.tickets is not None and result.tickets.cases is not None:
        cases = result.tickets.cases
        console.print(
            f"工单 / tickets: 李德贵 {cases.pensioner}（方案待确认 / remedy proposed）, "
            f"陈秀兰 {cases.sp_victim}（已解决 / resolved）, 赵永强 {cases.cross_region}（已派单济南 / dispatched to Jinan）; "
            f"知识库新增 / KB articles added: {result.tickets.articles}"
        )
    console.print("演示模式下验证码不发短信 / demo mode sends no SMS: the code is kept in the outbound messages.")
