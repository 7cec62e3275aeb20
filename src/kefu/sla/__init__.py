"""SLA (时效): business calendars, versioned policies, per-ticket clocks (and the clocks of
routing's callback appointments), warnings and escalation.

Owns: sla_calendars, sla_policies, sla_clocks, sla_escalations, sla_results.
Publishes: SlaClockStepped for non-ticket subjects (escalations reach tickets through
tickets.service.escalate and people through core.outbound).
Reacts to: tickets.TicketOpened, TicketResponded, TicketFeedbackGiven,
TicketWaitingOnCustomer, TicketCustomerReplied, TicketResolved, TicketReturnVisited,
TicketReopened, TicketClosed, TicketCancelled, TicketDeleted.
Never polls tickets: the worker scans its own clocks by next_check_at.
"""
