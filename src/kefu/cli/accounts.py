"""Staff users and API tokens."""

from __future__ import annotations

import typer
from rich.console import Console

from kefu.cli.context import context
from kefu.core.errors import KefuError
from kefu.identity import service as identity

console = Console()
user_app = typer.Typer(help="Staff users.", no_args_is_help=True)
token_app = typer.Typer(help="API bearer tokens.", no_args_is_help=True)


@user_app.command("create")
def create_user(
    username: str = typer.Argument(..., help="Login name."),
    roles: str = typer.Option(..., "--roles", help="Comma-separated roles, e.g. agent,supervisor."),
    display_name: str = typer.Option("", "--name", help="Name shown to colleagues."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    department: str = typer.Option("", help="Department code (billing, network, hall …)."),
) -> None:
    ctx = context()
    try:
        with ctx.session() as session:
            identity.create_user(
                session,
                username=username,
                display_name=display_name or username,
                password=password,
                roles=[r for r in roles.split(",") if r.strip()],
                department=department or None,
                now=ctx.clock.now(),
            )
    except KefuError as exc:
        console.print(f"[red]{exc.zh} / {exc.en}[/red]")
        raise typer.Exit(2) from None
    console.print(f"[green]已创建用户 {username} / user created[/green]")


@token_app.command("create")
def create_token(
    user: str = typer.Option(..., "--user", help="Username the token acts as."),
    name: str = typer.Option("cli", help="What the token is for."),
) -> None:
    ctx = context()
    try:
        with ctx.session() as session:
            token = identity.create_api_token(
                session, username=user, name=name, now=ctx.clock.now(), days=ctx.settings.api_token_days
            )
    except KefuError as exc:
        console.print(f"[red]{exc.zh} / {exc.en}[/red]")
        raise typer.Exit(2) from None
    # Printed bare so scripts can capture it: TOKEN=$(kefu token create --user admin)
    print(token)
