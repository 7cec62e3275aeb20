"""Knowledge base: articles with review and versions, and Chinese search over them (C6).

Owns: kb_articles, kb_article_versions, kb_index_state, kb_search_logs.
Publishes: nothing yet (the index version counter tells other processes of a change).
Reacts to: nothing; its periodic job reminds owners of articles about to expire.
Knows nothing of users or roles: entrypoints check roles and pass an `actor` string.
"""
