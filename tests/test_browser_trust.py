"""Report a problem, the editorial policy and the header's search, in Debian's Chromium, on the
fixture site served under a project path (/cryokb/) at its site_url, so instant navigation is
on: the report link follows the page, the search form works with and without JavaScript and by
keyboard alone, and axe-core finds nothing on the pages these touch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import free_port, serve
from tests.gates import PHONE, Visit, measure, start
from tests.test_trust import REPO, build_fixture

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def subpath(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site at http://127.0.0.1:<port>/cryokb/, built for that address."""
    port, folder = free_port(), tmp_path_factory.mktemp("trust-browser")
    site = build_fixture(folder, f"http://127.0.0.1:{port}/cryokb/", REPO)
    (folder / "root").mkdir()
    site.rename(folder / "root" / "cryokb")
    with serve(folder / "root", port) as url:
        yield url + "cryokb/"


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport=PHONE)
    yield ctx
    ctx.close()


def _query(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def test_the_report_link_carries_the_page_it_is_on(context: Any, subpath: str) -> None:
    """After instant navigation too; following it asks GitHub for the form and sends this site
    nothing (the request is answered here, not sent)."""
    page = context.new_page()
    opened: list[str] = []
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.method) if r.url.startswith(subpath) else None)
    context.route(
        "https://github.com/**",
        lambda route: (opened.append(route.request.url), route.fulfill(body="form"))[-1],
    )
    page.goto(subpath)
    page.evaluate("window.__kept = true")  # gone if a click loads a whole new document
    page.locator("article a[href$='conditions/sore-neck/']").first.click()
    page.wait_for_url(subpath + "conditions/sore-neck/")
    page.locator("h1", has_text="Sore neck").wait_for()
    assert page.evaluate("window.__kept === true")  # instant navigation swapped the page
    link = page.get_by_role("link", name="Report a problem with this page")
    query = _query(link.get_attribute("href") or "")
    assert query["page-url"] == subpath + "conditions/sore-neck/" == page.url
    assert query["title"] == "Error on page: Sore neck"
    assert query["template"] == "page-error.yml"
    link.click()
    page.wait_for_url("https://github.com/**")
    assert len(opened) == 1 and _query(opened[0])["page-url"] == subpath + "conditions/sore-neck/"
    assert set(sent) == {"GET"}  # nothing posted to the site


def test_the_header_search_works_without_javascript(browser: Any, subpath: str) -> None:
    ctx = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(subpath + "conditions/sore-neck/")
    page.get_by_role("searchbox", name="Search this site").fill("chamber neck")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(subpath + "search/?q=chamber+neck")
    assert "Search needs JavaScript" in page.inner_text("article")
    ctx.close()


def test_the_header_search_works_with_javascript_after_instant_navigation(
    context: Any, subpath: str
) -> None:
    """The header stays as it is from page to page under instant navigation, so its form must
    not point at a relative address."""
    page = context.new_page()
    page.goto(subpath)  # the home page, one level above the page we go to
    page.locator("article a[href$='conditions/sore-neck/']").first.click()
    page.wait_for_url(subpath + "conditions/sore-neck/")
    page.locator("h1", has_text="Sore neck").wait_for()
    page.get_by_role("searchbox", name="Search this site").fill("chamber")
    page.keyboard.press("Enter")
    page.wait_for_url(subpath + "search/?q=chamber")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15_000)
    hrefs = page.locator(".pagefind-ui__result-link").evaluate_all("l => l.map(a => a.href)")
    assert hrefs and all(h.startswith(subpath) for h in hrefs)


def test_the_header_search_by_keyboard_alone(context: Any, subpath: str) -> None:
    page = context.new_page()
    page.goto(subpath + "editorial-policy/")
    for _ in range(12):  # the skip link, the menu, then the search field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "cryokb-header-q":
            break
    assert page.evaluate("document.activeElement.id") == "cryokb-header-q"
    page.keyboard.type("cold")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Search"
    page.keyboard.press("Enter")
    page.wait_for_url(subpath + "search/?q=cold")
    for selector in ("#cryokb-header-q", ".cryokb-header-search__submit"):
        box = page.locator(selector).bounding_box()
        assert box and box["width"] >= 24 and box["height"] >= 24, selector


@pytest.mark.parametrize("path", ["", "editorial-policy/", "conditions/sore-neck/", "search/"])
def test_axe_finds_nothing_on_the_pages_this_changes(context: Any, subpath: str, path: str) -> None:
    import axe_playwright_python

    page = context.new_page()
    page.goto(subpath + path, wait_until="load")
    start(page, (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text())
    v = Visit(path)
    measure(page, context, v)
    assert (v.violations, v.small, v.overflow) == ([], [], False)
