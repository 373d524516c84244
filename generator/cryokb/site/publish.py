"""Publishing: the site's address, edit links, redirects for renamed pages, robots.txt.

Plain functions over strings, no MkDocs: the hook hands them what MkDocs knows.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryokb.read.model import KnowledgeBase
from cryokb.render.links import Site
from cryokb.rules import urls
from cryokb.site import policy

LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", ""}


def data_root(config_file: Path) -> Path:
    """The data folder: $CRYOKB_DATA when set, else `data/` beside mkdocs.yml."""
    return Path(os.environ.get("CRYOKB_DATA") or config_file.parent / "data").resolve()


def site(site_url: str | None, extra: Mapping[str, Any], language: str = "en") -> Site:
    """The Site from MkDocs' `site_url`, the `extra` settings `repo` and `repo_branch`, and the
    theme's language."""
    repo, branch = extra.get("repo") or "", extra.get("repo_branch") or "main"
    return Site(site_url or "", repo, branch, language or "en")


def release_problem(site_url: str) -> str:
    """Why `site_url` cannot be published, or '' when it can."""
    parts = urlsplit(site_url or "")
    if not site_url:
        return "site_url is empty: set CRYOKB_SITE_URL to the published address"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"site_url '{site_url}' is not an absolute http(s) address"
    if (parts.hostname or "") in LOCAL_HOSTS or (parts.hostname or "").startswith("127."):
        return f"site_url '{site_url}' points at this machine: set CRYOKB_SITE_URL"
    if not site_url.endswith("/"):
        return f"site_url '{site_url}' must end with '/'"
    return ""


def redirect_page(target: str) -> str:
    """A page that sends the browser to `target` (relative), keeping the #anchor."""
    url = html.escape(target, quote=True)
    script = json.dumps(target)
    return policy.protect(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<title>Moved</title><link rel="canonical" href="{url}">'
        f'<meta http-equiv="refresh" content="0; url={url}">'
        f"<script>location.replace({script} + location.hash)</script></head>"
        f'<body><p>This page has moved to <a href="{url}">its new address</a>.</p></body>'
        "</html>\n"
    )


def redirects(kb: KnowledgeBase) -> dict[str, str]:
    """`<folder>/<old id>/index.html` -> redirect page, for every alias of every entity."""
    return {
        f"{old.strip('/')}/index.html": redirect_page(f"../{new.rstrip('/').rsplit('/', 1)[1]}/")
        for old, new in urls.redirected(kb).items()
    }


def robots(site_url: str) -> str:
    """robots.txt: everything may be crawled; the sitemap's address when it is known."""
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url.rstrip('/')}/sitemap.xml")
    return "\n".join(lines) + "\n"


def extras(kb: KnowledgeBase, site_url: str) -> dict[str, str]:
    """The files a build adds beside the pages: redirects for renamed pages, robots.txt."""
    return {**redirects(kb), "robots.txt": robots(site_url)}
