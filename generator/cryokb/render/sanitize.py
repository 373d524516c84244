"""The last line of defence: the HTML of a page built from data (a generated page, or a
hand-written one whose markers were filled, see markers.py) keeps only an allowlist of tags and
attributes.

`cryokb check` rejects raw HTML and script URLs in data, and the templates escape data; this
sanitizer (nh3, bindings to the Ammonia crate) makes sure that even data which got past both can
add no script, event handler, style, frame or `javascript:` link to a page.
"""

from __future__ import annotations

import re

import nh3
from markupsafe import Markup, escape

# Charts are inline SVG built by generator/charts.py: shapes and text only, no links or scripts.
SVG = {"svg", "g", "rect", "line", "text", "title", "desc"}
TAGS = (set(nh3.ALLOWED_TAGS) - {"img", "map", "area"}) | SVG
SERIES = {f"data-{k}" for k in ("id", "t-low", "t-high", "d-low", "d-high", "d-limit", "t-limit")}
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "hidden"},
    "a": {"href"},
    "div": {"data-questionnaire"},
    "nav": {"aria-label"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
    "svg": {"viewBox", "viewbox", "role", "aria-labelledby", "xmlns"},
    "g": SERIES,
    "rect": {"x", "y", "width", "height"},
    "line": {"x1", "x2", "y1", "y2"},
    "text": {"x", "y", "text-anchor"},
}


def clean(html: str) -> str:
    """`html` with anything outside the allowlist removed; links only http(s), mailto, relative."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


# Python-Markdown's backslash escapes; `{` and `}` also stop attribute lists ({: #id }).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()>#+\-.!|~])")


def literal(text: str) -> Markup:
    """`text` shown as it is written: HTML escaped and every Markdown mark escaped, so text from
    outside the data (a git commit subject) can make no link, emphasis, id or attribute."""
    return escape(_MARKDOWN.sub(r"\\\1", text))  # marks first: entities keep their #


def inert(markdown: str) -> str:
    """Escaped data text (`md`) with what Markdown would turn into attributes, ids or images
    made literal: attribute lists, a leading heading mark, the `!` of an image."""
    out = markdown.replace("{", "\\{").replace("}", "\\}").replace("![", "\\![")
    return "\\" + out if out.lstrip().startswith("#") else out
