"""A dispatcher process for the multi-process test: in a loop, routes what waits (the
worker's routing tick) and has every offered agent accept, each step its own unit of
work, as separate `kefu worker` processes on PostgreSQL do. Each process has its own
engine cache. Usage: dispatch_worker.py URL NOW_ISO ROUNDS"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

from kefu.agents import service as agents
from kefu.core.db import make_engine, make_sessionmaker, unit_of_work
from kefu.routing import service
from kefu.routing.errors import OfferNoLongerValid


def main() -> None:
    url, start, rounds = sys.argv[1], datetime.fromisoformat(sys.argv[2]), int(sys.argv[3])
    factory = make_sessionmaker(make_engine(url))
    accepted = 0
    for i in range(rounds):
        at = start + timedelta(seconds=i)
        with unit_of_work(factory) as session:
            service.routing_tick(session, at)
        with unit_of_work(factory) as session:
            offers = [(c.id, c.agent_id, c.offer_seq) for c in service.waiting(session) if c.state == "offered"]
        for contact_id, agent_id, seq in offers:
            try:
                with unit_of_work(factory) as session:
                    service.accept(session, contact_id, agent=agents.get_agent(session, agent_id), offer_seq=seq,
                                   now=at)
                accepted += 1
            except OfferNoLongerValid:
                pass  # another process accepted it first
    print(f"accepted {accepted}", flush=True)


if __name__ == "__main__":
    main()
