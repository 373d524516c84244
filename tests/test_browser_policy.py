"""The Content-Security-Policy in real Chromium (issue #19): the site works under it with no
violation, and a script that got into a page's content does not run."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cryokb.cli import build
from tests.conftest import ROOT, free_port, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def watched(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page, and every policy violation the browser reports on it (console and event)."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    found: list[str] = []
    page.on(
        "console",
        lambda m: found.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    yield page, found
    context.close()


def _violations(page: Any, found: list[str]) -> list[str]:
    return found + list(page.evaluate("window.__csp || []"))


def test_every_kind_of_page_carries_the_policy_first_in_its_head(site: Path) -> None:
    pages = [site / "index.html", site / "404.html", site / "studies" / "index.html"]
    pages += sorted(site.glob("*/*/index.html"))[:5]
    for path in pages:
        head = path.read_text(encoding="utf-8").split("</head>")[0]
        assert head.count('http-equiv="Content-Security-Policy"') == 1, path
        assert head.index("Content-Security-Policy") < head.find("<script"), path
        assert "'unsafe-inline'" not in head and "'unsafe-eval'" not in head, path


def test_the_site_works_under_its_policy_with_no_violation(
    watched: tuple[Any, list[str]], base_url: str
) -> None:
    page, found = watched
    page.goto(base_url)
    page.get_by_role("link", name="Neck pain", exact=True).first.click()  # instant navigation
    page.locator("#evidence-gap").wait_for()
    page.goto(base_url + "search/?q=cold")
    page.locator(".pagefind-ui__result").first.wait_for(timeout=15_000)
    page.goto(base_url + "questionnaire/")
    page.locator("#cryokb-questionnaire form").wait_for()
    for radio in page.locator("input[type=radio][value=no]").all():
        if radio.is_visible():  # follow-up questions stay hidden after "no"
            radio.check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="See the results").click()
    page.locator(".cq-result section").first.wait_for()
    page.goto(base_url + "protocols/ice-pack-neck-back/#maximum-time")
    page.locator("#maximum-time").wait_for(state="attached")
    page.goto(base_url + "nowhere/")  # the 404 page
    assert _violations(page, found) == []


@pytest.fixture(scope="module")
def scripted_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real site with a hand-written page holding an inline script and an inline handler
    (hand-written pages are not sanitized: the policy is what stops them)."""
    tmp = tmp_path_factory.mktemp("csp")
    project = tmp / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    for name in ("generator", "content", "overrides", "includes", "data"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    about = project / "content" / "about.md"
    about.write_text(
        about.read_text()
        + '\n\n<script>window.__pwned = 1</script>\n\n<p><img src="x.png" onerror="'
        + 'window.__pwned = 2"></p>\n'
    )
    port = free_port()
    out = tmp / "site"
    url = f"http://127.0.0.1:{port}/"
    assert build(project / "mkdocs.yml", project / "data", out, site_url=url) == 0
    with serve(out, port) as served:
        yield served


def test_a_script_in_page_content_does_not_run(
    watched: tuple[Any, list[str]], scripted_site: str
) -> None:
    page, found = watched
    page.goto(scripted_site + "about/")
    page.wait_for_load_state("load")
    assert page.evaluate("window.__pwned") is None
    violations = _violations(page, found)
    assert any("script-src" in v or "inline" in v for v in violations), violations
