"""Customers (C1): subscribers, accounts, the product catalogue, subscriptions, monthly
usage, bills with line items, payments, account adjustments (credits and refunds), points.

Owns: service_providers, products, accounts, subscribers, subscriptions, usage_months,
bills, bill_lines, payments, account_adjustments.
Publishes: AccountCredited, PlanChanged, SubscriptionEnded, LineSuspended, LineResumed.
Use cases: service.py (reads, imports) and changes.py (re-exported by service).
Knows nothing of tickets: the 360 view takes their summary from the caller.
"""
