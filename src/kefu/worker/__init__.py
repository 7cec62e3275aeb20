"""The worker: delivers outbox events to handlers and runs periodic jobs.

A thread inside `kefu serve` (SQLite, one machine) or `kefu worker` processes (PostgreSQL,
many machines); rows are claimed so no two workers do the same work.
"""
