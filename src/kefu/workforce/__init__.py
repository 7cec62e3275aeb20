"""Workforce: contact-volume forecasts, staffing by Erlang C / Erlang A, and a
simulation of the centre that drives the real routing engine on a virtual clock.

Owns: nothing yet (pure calculations).
Reads: every module (L6 read side).
"""
