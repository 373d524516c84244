"""Quality gates that need one page of each template, not every page: a desktop's layout and
the dark palette (axe-core), and a crawl of every internal link and anchor over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.gates import DESKTOP, WCAG, one_of_each_kind, visit_all

pytestmark = [pytest.mark.browser, pytest.mark.heavy]


def test_no_accessibility_violations_on_a_desktop(browser: Any, base_url: str, site: Path) -> None:
    visits = visit_all(browser, base_url, site, DESKTOP, one_of_each_kind)
    assert len(visits) >= 12
    assert {v.url: v.violations for v in visits if v.violations} == {}
    assert {v.url: v.errors for v in visits if v.errors} == {}


def test_dark_palette_is_accessible_too(browser: Any, base_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 360, "height": 740}, color_scheme="dark")
    page = context.new_page()
    for url in [
        "",
        "conditions/neck-pain/",
        "decide/back-pain/",
        "changes/",
        "questionnaire/",
        "references/",
        "modalities/",
        "modalities/ice-pack/",
        "evidence/",
        "search/?q=ice",
    ]:  # charts, the matrix and search results in dark mode too
        page.goto(base_url + url, wait_until="networkidle")
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
        assert [x["id"] for x in results.response["violations"]] == [], url
    context.close()


def test_crawler_finds_every_link_and_anchor_on_the_served_site(page: Any, base_url: str) -> None:
    """Follow every internal link from the home page over HTTP; check each anchor exists."""
    import urllib.request
    from html.parser import HTMLParser
    from urllib.parse import urldefrag, urljoin

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hrefs: list[str] = []
            self.ids: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if a.get("id"):
                self.ids.add(a["id"] or "")
            if tag == "a" and a.get("href"):
                self.hrefs.append(a["href"] or "")

    pages: dict[str, Links] = {}
    todo = [base_url]
    wanted: list[tuple[str, str, str]] = []
    while todo:
        url = todo.pop()
        if url in pages:
            continue
        with urllib.request.urlopen(url) as response:
            assert response.status == 200, url
            body = response.read().decode()
        parsed = Links()
        parsed.feed(body)
        pages[url] = parsed
        if not url.endswith("/"):
            continue
        for href in parsed.hrefs:
            target, fragment = urldefrag(urljoin(url, href))
            if not target.startswith(base_url):
                continue
            wanted.append((url, target, fragment))
            todo.append(target)
    assert len(pages) >= 50
    missing = [(u, t, f) for u, t, f in wanted if f and t.endswith("/") and f not in pages[t].ids]
    assert missing == []
