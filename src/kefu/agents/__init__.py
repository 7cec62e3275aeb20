"""Agents: the people who answer — skills with levels, groups (seats 专席) with service
hours and capacity per channel, and presence (签入/示闲/通话/整理/小休/签出).

Owns: agent_profiles, agent_skills, agent_groups, agent_group_members, presence_log.
Publishes: AgentPresenceChanged.
Reacts to: nothing. Identity users are linked by plain id (same layer, no import).
"""
