"""Core: database plumbing, events and outbox, errors, clock, i18n, masking, audit, outbound messages.

Imports no domain module.
"""
