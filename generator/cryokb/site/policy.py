"""Defence in depth for every page: a Content-Security-Policy, and `rel` on external links.

GitHub Pages sets no headers, so the policy travels in a `<meta http-equiv>` element, first in
the head. It allows this site's own scripts, styles, images and fonts, and of inline scripts only
those the theme writes outside the page's content, each by its SHA-256 hash: a script that got
into a page's content (past the check and the sanitizer) does not run, and the browser reports
it. WebAssembly is allowed for the search (Pagefind).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from urllib.parse import urlsplit

from cryokb.render import sanitize

_INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
_DATA_TYPE = re.compile(r"""\btype=["']?application/(?:ld\+)?json""")
_LINK = re.compile(r"<a\s[^>]*>", re.I)
_HREF = re.compile(r"""\bhref=(["'])(?P<url>[^"']*)\1""", re.I)
_REL = re.compile(r"\brel=", re.I)
DIRECTIVES = (
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def csp(page: str, content: str = "") -> str:
    """The policy for the finished `page`: its inline scripts that are not in `content`."""
    hashes = sorted(
        {
            _hash(m.group("body"))
            for m in _INLINE.finditer(page)
            if not _DATA_TYPE.search(m.group("attrs")) and m.group("body") not in content
        }
    )
    script = " ".join(["script-src 'self' 'wasm-unsafe-eval'", *hashes])
    return "; ".join([DIRECTIVES[0], script, *DIRECTIVES[1:]])


def protect(page: str, content: str = "") -> str:
    """The finished `page` with its policy early in its head, before any script."""
    policy = html.escape(csp(page, content), quote=False)  # no quotes in a policy
    meta = f'\n<meta http-equiv="Content-Security-Policy" content="{policy}">'
    at = max(page.find(">", page.find("<meta charset")), page.find("<head>") + 5)
    return page if page.find("<head>") < 0 else page[: at + 1] + meta + page[at + 1 :]


def external(content: str, site_url: str = "") -> str:
    """`rel="noopener"` on each link that leaves the site and has no `rel` of its own."""
    own = urlsplit(site_url).netloc

    def rel(m: re.Match[str]) -> str:
        tag = m.group(0)
        href = _HREF.search(tag)
        if not href or _REL.search(tag):
            return tag
        parts = urlsplit(html.unescape(href.group("url")))
        if parts.scheme not in ("http", "https") or (own and parts.netloc == own):
            return tag
        return tag[:-1] + ' rel="noopener">'

    return _LINK.sub(rel, content)


def on_template(output: str, **_: object) -> str:
    """A page MkDocs makes from a template alone (404.html), with its policy."""
    return protect(output)


def content(html: str, generated: bool, site_url: str) -> str:
    """A page's converted content: sanitized when the page was made from data (every such
    page: entities, lists, evidence, page N), and its external links given `rel`."""
    return external(sanitize.clean(html) if generated else html, site_url)
