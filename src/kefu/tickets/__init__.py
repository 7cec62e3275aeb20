"""Tickets: work orders for every contact, the complaint lifecycle, first-contact
ownership, tasks to departments, investigation, remedies with consent, repeat
complaints, links, problem records, attachments and the append-only history.

Owns: tickets, ticket_events, ticket_tasks, ticket_findings, ticket_remedies,
ticket_links, problems, problem_tickets, ticket_attachments, ticket_idempotency_keys,
ticket_counters.
Publishes: TicketOpened, TicketResponded, TicketFeedbackGiven, TicketWaitingOnCustomer,
TicketCustomerReplied, TicketStatusChanged, TicketResolved, TicketReturnVisited,
TicketClosed, TicketReopened, TicketCancelled, TicketEscalated.
Reacts to: nothing yet. Calls customers' service to check subscribers, read bills and
write credits, and kefu.nlp to classify what the customer said at intake (category,
department, emotion, urgency, automatic dispatch above the threshold, similar texts for
repeat complaints; agents' corrections go back to nlp as training feedback — see
classification.py, reclassify.py, suggest.py). Knows nothing of SLA clocks or routing:
those modules react to its events.
"""
