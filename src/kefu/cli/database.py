"""migrate, serve, worker."""

from __future__ import annotations

import typer
from rich.console import Console

from kefu.cli.context import context
from kefu.migrate import upgrade

console = Console()


def migrate() -> None:
    ctx = context()
    upgrade(ctx.engine)
    console.print(f"[green]数据库已是最新 / database is up to date[/green] ({ctx.settings.database_url})")


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    migrate_first: bool = typer.Option(True, "--migrate/--no-migrate", help="Upgrade the schema first."),
) -> None:
    import uvicorn

    from kefu.app import create_app

    ctx = context()
    if migrate_first:
        upgrade(ctx.engine)
    app = create_app(ctx.settings, engine=ctx.engine)
    console.print(f"kefu 客服 → http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="info")


def worker() -> None:
    from kefu.worker.runner import Worker

    ctx = context()
    runner = Worker(ctx.factory, settings=ctx.settings, clock=ctx.clock)
    console.print(f"worker {runner.worker_id} — Ctrl+C to stop")
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        runner.stop()
