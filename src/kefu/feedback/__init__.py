"""Feedback (服务评价): the customer's satisfaction rating of a handled ticket.

Owns: satisfaction_ratings.
Publishes: nothing (the rating is written into the ticket's history through
kefu.tickets.service.record_satisfaction, so staff see it on the ticket).
Reacts to: nothing.
"""
