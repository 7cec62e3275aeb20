"""The service robot: a text robot for the app, WeChat, web and portal chat (C6).

Owns: robot_conversations, robot_turns.
Publishes: nothing; a hand-over opens a ticket through kefu.tickets.service.
Reacts to: nothing.
Answers from published public knowledge articles (kefu.knowledge), and over the logged-in
subscriber's own data (kefu.customers, kefu.tickets): bills, usage, plan recommendation,
fault reports and ticket progress. `dialogue` and `recommend` are pure rules; `service`
runs a turn; `metrics` gives the figures editors and supervisors act on.
"""
