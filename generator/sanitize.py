"""The last line of defence: the HTML of a page built from data (a generated page, or a
hand-written one whose markers were filled, see markers.py) keeps only an allowlist of tags and
attributes.

`cryokb check` rejects raw HTML and script URLs in data, and the templates escape data; this
sanitizer (nh3, bindings to the Ammonia crate) makes sure that even data which got past both can
add no script, event handler, style, frame or `javascript:` link to a page.
"""

from __future__ import annotations

import nh3

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
