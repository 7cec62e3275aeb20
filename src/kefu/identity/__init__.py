"""Identity: staff users and their roles, passwords, API tokens, web sessions, and the
one-time codes subscribers log in with.

Owns: users, user_roles, api_tokens, web_sessions, otp_codes.
Knows nothing of subscribers' records: entrypoints look the number up in customers first.
"""
