"""Article text: what an editor may write, and what a reader is shown.

Answers are stored as the editor wrote them (simple HTML allowed). They are never sent
to a browser raw: `render_html` passes them through nh3 (the Ammonia sanitiser) with a
short allow-list, and `plain_text` strips every tag for search and SMS.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3

ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "a", "code", "table",
                "thead", "tbody", "tr", "th", "td", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "tel", "mailto"}

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def render_html(source: str) -> str:
    """Safe HTML: scripts, styles, event handlers and javascript: links removed."""
    return nh3.clean(
        source, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def plain_text(source: str) -> str:
    """The text a reader sees, no markup (script and style bodies dropped, not shown)."""
    stripped = nh3.clean(source.replace("<br>", "\n").replace("</p>", "</p>\n"), tags=set())
    return html.unescape(stripped).strip()


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def question_key(question: str) -> str:
    """Two questions that differ only in case, width, spaces or punctuation are the same."""
    return _PUNCT.sub("", normalise(question))[:200]
