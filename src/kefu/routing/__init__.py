"""Routing (ACD): queues selected by expressions over agent attributes, workflows that
widen over time, offers with timeouts, wrap-up and capacity, online transfer to
specialist seats and callback appointments (C5, seed 004).

Owns: routing_queues, routing_workflows, routing_contacts, routing_callback_results,
chat_messages (web chat transcripts, chat.py), chat_typing, chat_offer_streaks,
chat_customer_sockets (chat_upkeep.py) and cti_calls (the switch's calls, cti.py).
Publishes: ContactOffered, ContactAssigned, ContactEnded, CallbackRegistered, CallbackAttempted,
CallbackFinished (the SLA clock of an appointment starts and stops on these, see kefu.wiring).
Offer timeout and callback policy are workflow data (settings.py), versioned with it.
Reacts to: sla.SlaClockStepped of a callback (service.callback_sla_step raises its priority).
The engine (engine.py, core.py) is pure and in memory; service.py builds it for each
dispatch from the tables (claiming rows with FOR UPDATE SKIP LOCKED on PostgreSQL) and
from engine_cache.py (parsed workflow, compiled queues, agents' memberships, kept
between ticks and keyed by what they were computed from).
"""
