"""`kefu` — serve, worker, migrate, demo, import, users and tokens."""

from __future__ import annotations

import logging

import typer
from rich.console import Console

from kefu.cli import accounts, database, demo_cmd, importing, kb, nlp, sla
from kefu.cli import simulate as simulate_cli

app = typer.Typer(help="kefu 客服 — customer-service operations platform", no_args_is_help=True)
console = Console()

app.command("migrate", help="Create or upgrade the database schema (Alembic).")(database.migrate)
app.command("serve", help="Serve web UI + API on http://127.0.0.1:8000 with the worker in-process.")(
    database.serve
)
app.command("worker", help="Run a background worker process (for PostgreSQL deployments).")(database.worker)
app.command("simulate", help="Simulate the centre with the real routing engine; compare with Erlang C.")(
    simulate_cli.simulate
)
app.command("demo", help="Load a demo operator (subscribers, bills, staff logins) into an empty database.")(
    demo_cmd.demo
)
app.add_typer(accounts.user_app, name="user")
app.add_typer(accounts.token_app, name="token")
app.add_typer(kb.app, name="kb")
app.add_typer(nlp.app, name="nlp")
app.add_typer(importing.app, name="import")
app.add_typer(sla.app, name="sla")


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug output.")) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")


if __name__ == "__main__":
    app()
