"""create_app(settings): the FastAPI application with its engine, sessions and worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kefu.api import errors as api_errors
from kefu.core.clock import Clock, SystemClock
from kefu.core.db import make_engine, make_read_sessionmaker, make_sessionmaker
from kefu.identity.service import TokenCache
from kefu.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock | None = None, engine=None) -> FastAPI:
    settings = settings or Settings()
    engine = engine or make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = None
        if settings.run_worker:
            from kefu.worker.runner import Worker

            worker = Worker(app.state.sessionmaker, settings=settings, clock=app.state.clock)
            worker.start_thread()
        # Intake classification loads its model and the jieba segmenter on first use (~1.6 s of
        # CPU): do it now, off the event loop, so the first agent's keystroke does not pay for it.
        import threading

        from kefu.api.intake import intake_nlp
        from kefu.tickets.service import warm_up

        threading.Thread(target=warm_up, args=(intake_nlp(settings),), name="nlp-warm-up", daemon=True).start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            engine.dispose()

    app = FastAPI(
        title="kefu 客服",
        version="0.1.0",
        description="Customer-service operations platform for telecom operators.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.read_sessionmaker = make_read_sessionmaker(engine)
    app.state.clock = clock or SystemClock()
    app.state.token_cache = TokenCache()

    api_errors.install(app)

    from kefu import web
    from kefu.api import routes as api_routes

    for router in api_routes.routers():
        app.include_router(router)
    web.install(app)
    return app
