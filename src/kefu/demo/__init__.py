"""Demo operator: a deterministic, realistic telecom operator for trying kefu (`kefu demo`).

Owns: nothing — it writes into the customers tables (service providers, catalogue,
accounts, subscribers, subscriptions, usage, bills, payments) and creates staff users
through identity.service.
Publishes: nothing. Reacts to: nothing.
Same seed → same operator: every random draw comes from one seeded random.Random.
"""
