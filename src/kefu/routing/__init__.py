"""Routing (ACD): queues selected by expressions over agent attributes, workflows that
widen over time, offers with timeouts, wrap-up and capacity, online transfer to
specialist seats and callback appointments (C5, seed 004).

Owns: routing_queues, routing_workflows, routing_contacts, routing_callback_results,
chat_messages (web chat transcripts, chat.py) and cti_calls (the switch's calls, cti.py).
Publishes: ContactOffered, ContactAssigned, ContactEnded, CallbackRegistered, CallbackAttempted.
Reacts to: nothing yet (channels/tickets call `service.receive_contact`).
The engine (engine.py, core.py) is pure and in memory; service.py rebuilds it from the
tables for each dispatch, claiming rows with FOR UPDATE SKIP LOCKED on PostgreSQL.
"""
