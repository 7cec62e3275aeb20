"""Imports every module that defines tables, so Base.metadata is complete (Alembic, tests)."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    import kefu.agents.models
    import kefu.core.audit
    import kefu.core.events
    import kefu.core.outbound
    import kefu.customers.models
    import kefu.feedback.models
    import kefu.identity.models
    import kefu.knowledge.models
    import kefu.nlp.models
    import kefu.robot.models
    import kefu.routing.chat_models
    import kefu.routing.models
    import kefu.sla.models
    import kefu.tickets.hub_models
    import kefu.tickets.models  # noqa: F401
    from kefu.core.db import Base

    return Base.metadata
