"""Rich text an officer writes (an opportunity's description): sanitised to an allow-list
with nh3 before it is stored, so a page may show it as HTML and nothing in it runs. Script,
style, event handlers, `javascript:` links and every tag not listed are taken away; links get
`rel="noopener noreferrer"`."""

from __future__ import annotations

import re

import nh3

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}

_TAG = re.compile(r"<[^>]*>")


def clean(html: str) -> str:
    """The HTML with only the allowed tags, attributes and link schemes left."""
    return nh3.clean(
        html or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def plain(html: str) -> str:
    """The text of sanitised HTML, for search, feeds and lengths."""
    text = _TAG.sub(" ", html or "")
    for entity, char in (
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", '"'),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ):
        text = text.replace(entity, char)
    return " ".join(text.split())
