"""What every command needs: settings, an engine, a session factory, the clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from kefu.core.clock import Clock, SystemClock
from kefu.core.db import make_engine, make_sessionmaker, unit_of_work
from kefu.settings import Settings


@dataclass
class CliContext:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    clock: Clock

    @contextmanager
    def session(self) -> Iterator[Session]:
        with unit_of_work(self.factory) as session:
            yield session


def context(database_url: str | None = None) -> CliContext:
    settings = Settings() if database_url is None else Settings(database_url=database_url)
    engine = make_engine(settings.database_url)
    return CliContext(settings=settings, engine=engine, factory=make_sessionmaker(engine), clock=SystemClock())
