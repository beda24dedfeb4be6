"""Markdown descriptions rendered once, then sanitised with nh3 (no raw HTML survives)."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "h5",
    "blockquote",
    "code",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "html": False escapes any raw HTML in the source before nh3 even sees it.
    return MarkdownIt("commonmark", {"html": False}).disable("image")


def render_markdown(source: str) -> str:
    """Safe HTML for a listing description; headings shift down two levels (## → h4)."""
    html = _parser().render(source or "")
    for level in (3, 2, 1):  # h1/h2/h3 belong to the page, not to a description
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
