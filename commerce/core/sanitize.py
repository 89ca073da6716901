"""Rich text from users (product descriptions, rich-text attributes) made safe to render.

One allow-list for the whole project: the tags and attributes a product
description needs, nothing that runs code (no ``script``, ``style``, event
handlers, ``javascript:`` links, images or frames). Text is sanitised on the way
in (imports, the dashboard form, the admin) and again when rendered, so rows
stored before the rule came in are safe too.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li",
        "h2", "h3", "h4", "a", "blockquote",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Elements dropped with everything inside them, not just their tags.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript"})


# Built once: configuring a cleaner costs several times what cleaning a short text does.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(value: str | None) -> str:
    """``value`` with only allow-listed markup left; links get ``rel="noopener noreferrer"``."""
    if not value:
        return value or ""
    return _CLEANER.clean(value)


def safe_html(value: str | None) -> SafeString:
    """Sanitised markup, marked safe for a template."""
    return mark_safe(sanitize_html(value))  # noqa: S308 - sanitised by the allow-list above
