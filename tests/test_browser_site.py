"""The site in real headless Chromium, served at its site_url with instant navigation on."""

from __future__ import annotations

from typing import Any

import pytest

from cryokb.rules.check import check_dir
from tests.conftest import ROOT, search_results

pytestmark = pytest.mark.browser


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"))


def test_condition_evidence_cards_render_on_a_phone(page: Any, base_url: str) -> None:
    page.goto(base_url + "conditions/muscle-soreness-after-exercise/")
    cards = page.locator("#summary-of-findings ~ .cryokb-finding")
    cards.first.wait_for()
    kb, _ = check_dir(ROOT / "data")
    expected = sum(
        1
        for s in kb.of("study")
        for f in s["findings"]
        if f.get("condition") == "muscle-soreness-after-exercise"
    )
    assert cards.count() == expected >= 5
    text = " ".join(cards.all_inner_texts())
    assert "Low" in text and "Very low" in text
    first = cards.first.inner_text()
    assert first.index("Certainty") > 0  # what it means comes first, the detail after
    assert _no_horizontal_scroll(page)
    assert all(r.startswith(base_url) for r in page.requests)


def test_protocol_parameters_render_with_both_units(page: Any, base_url: str) -> None:
    page.goto(base_url + "protocols/whole-body-cryotherapy-neck-back/#parameters")
    table = page.locator("#parameters ~ div table").first
    table.wait_for()
    text = table.inner_text()
    assert "-135 to -110 °C (-211 to -166 °F)" in text
    assert "up to 4 minutes" in text
    assert table.locator("tbody tr").count() == 5
    links = table.locator("tbody a[href*='references/#']")
    assert links.count() >= 5  # each number links to its source
    assert _no_horizontal_scroll(page)


def test_patient_reaches_condition_evidence_and_protocol_in_three_clicks(
    page: Any, base_url: str
) -> None:
    page.goto(base_url, wait_until="networkidle")  # instant navigation needs the sitemap
    page.evaluate("window.__sameDocument = true")
    clicks = 0
    page.get_by_role("link", name="Neck pain", exact=True).first.click()
    clicks += 1
    page.locator("#evidence-gap").wait_for()  # only condition pages have it
    assert page.locator("#evidence").is_visible()
    text = page.locator("article").inner_text()
    assert "Summary of findings" in text and "When to get help quickly" in text
    page.get_by_role("link", name="Ice pack for neck and back pain").click()
    clicks += 1
    page.locator("#parameters").wait_for()
    assert page.url == base_url + "protocols/ice-pack-neck-back/"
    assert clicks <= 3
    # served at its site_url, instant navigation swapped pages without a full reload
    assert page.evaluate("window.__sameDocument === true")
    # ... and the head's schema.org markup followed the page
    about = page.evaluate("""[...document.querySelectorAll('script[type="application/ld+json"]')]
      .map((s) => JSON.parse(s.textContent).about.name)""")
    assert about == ["Ice pack for neck and back pain"]
    assert all(r.startswith(base_url) for r in page.requests)


def test_protocols_print_without_site_chrome(page: Any, base_url: str) -> None:
    page.goto(base_url + "protocols/ice-pack-neck-back/")
    page.emulate_media(media="print")
    assert page.locator(".md-header").is_hidden()
    assert page.locator(".md-sidebar--primary").is_hidden()
    for anchor in ("parameters", "steps", "precautions", "when-to-stop", "contraindications"):
        assert page.locator(f"#{anchor}").is_visible()
    assert "up to 20 minutes" in page.locator("#parameters ~ div table").first.inner_text()


def test_search_finds_a_study_by_title_author_doi_and_condition(page: Any, base_url: str) -> None:
    kb, _ = check_dir(ROOT / "data")
    study = kb.get("study", "bleakley2012cwi")
    ref = kb.references[study.id]
    url = f"/studies/{study.id}/"
    assert url in search_results(page, base_url, "cold-water immersion preventing muscle soreness")
    assert url in search_results(page, base_url, ref.get("author").split(",")[0])  # first author
    assert search_results(page, base_url, ref.get("doi"))[0] == url
    condition = kb.get("condition", "neck-pain")
    assert search_results(page, base_url, condition["name"])[0] == "/conditions/neck-pain/"
    assert all(r.startswith(base_url) for r in page.requests)  # no third party


def test_search_by_instant_navigation_when_pagefind_runs_last(page: Any, base_url: str) -> None:
    from tests.test_browser_questionnaire import _late

    _late(page, "pagefind-ui.js")
    page.goto(base_url, wait_until="networkidle")  # instant navigation needs the sitemap
    page.evaluate("window.__sameDocument = true")
    page.locator("a.md-nav__link[href$='/search/']").first.dispatch_event("click")
    page.wait_for_function("location.pathname.endsWith('/search/')")
    assert page.evaluate("window.__sameDocument === true")  # instant navigation, no reload
    ui = page.locator("#cryokb-search")  # Pagefind's box, not the header's form
    box = ui.get_by_role("searchbox").or_(ui.get_by_role("textbox")).first
    box.fill("ice pack")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=10000)


def test_search_by_keyboard_with_an_address_query_passes_axe(page: Any, base_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from tests.gates import WCAG

    page.goto(base_url + "search/?q=ice%20pack")  # a shareable search link
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=10000)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert [x["id"] for x in results.response["violations"]] == []
    page.keyboard.press("Tab")
    for _ in range(40):  # Tab from the top of the page reaches the box, then the results
        if page.evaluate("document.activeElement.classList.contains('pagefind-ui__result-link')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "/search/" not in u)


def test_an_old_reference_link_finds_the_study_page(page: Any, base_url: str) -> None:
    """Study references moved from /references/ to their study pages; old links follow them."""
    page.goto(base_url + "references/#bleakley2012cwi")
    page.wait_for_url(base_url + "studies/bleakley2012cwi/#reference")
    page.goto(base_url + "references/#qaseem2017acp")
    page.wait_for_url(base_url + "guidelines/qaseem2017acp/#reference")
    page.goto(base_url + "references/#seed-article")  # still on References: it stays
    page.wait_for_timeout(500)
    assert page.url == base_url + "references/#seed-article"
    assert all(r.startswith(base_url) for r in page.requests)
