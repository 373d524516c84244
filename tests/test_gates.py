"""Quality gates over every page of the served site, in Debian's Chromium at 360 x 740.

Accessibility (axe-core, WCAG 2.0/2.1/2.2 A and AA), privacy (no other origin, no cookie, no
storage, no console error), phones (no horizontal scroll, targets of at least 24 px) and links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.gates import COUNT_WRITES, PHONE, STYLED, Visit, measure, start, visit_all

pytestmark = [pytest.mark.browser, pytest.mark.heavy]


@pytest.fixture(scope="module")
def visits(browser: Any, base_url: str, site: Path) -> list[Visit]:
    """Every page on a 360 x 740 phone."""
    visits = visit_all(browser, base_url, site, PHONE)
    assert len(visits) >= 50
    return visits


def test_no_accessibility_violations_on_a_phone(visits: list[Visit]) -> None:
    failures = {v.url: v.violations for v in visits if v.violations}
    assert failures == {}


def test_no_request_to_another_origin_no_cookie_no_storage(visits: list[Visit]) -> None:
    assert {v.url: v.foreign for v in visits if v.foreign} == {}
    assert [v.url for v in visits if v.cookies or v.storage] == []


def test_no_console_errors(visits: list[Visit]) -> None:
    assert {v.url: v.errors for v in visits if v.errors} == {}


def test_phone_width_has_no_horizontal_scroll(visits: list[Visit]) -> None:
    assert [v.url for v in visits if v.overflow] == []


def test_tap_targets_are_at_least_24px(visits: list[Visit]) -> None:
    assert {v.url: v.small for v in visits if v.small} == {}


def test_each_gate_fails_on_a_broken_page(browser: Any, base_url: str) -> None:
    """The gates can fail: a page with known faults trips every one of them."""
    import axe_playwright_python

    # the page's Content-Security-Policy would stop the planted style and request first; the
    # gates themselves are under test here (tests/test_browser_policy.py tests the policy)
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    context.add_init_script(COUNT_WRITES)
    page = context.new_page()
    v = Visit("broken")
    page.on("request", lambda r: None if r.url.startswith(base_url) else v.foreign.append(r.url))
    page.goto(base_url + "disclaimer/")
    seen = set(page.evaluate(STYLED))  # as if the page had been checked already ...
    page.evaluate("""() => {
      const a = document.querySelector('article');
      a.insertAdjacentHTML('beforeend', '<img src="/nothing.png"><div style="width:900px">x</div>'
        + '<button style="width:10px;height:10px;padding:0;border:0"></button>'
        + '<p class="planted" style="color:#eee">Faint text</p>');
      localStorage.setItem('x', '1');
      localStorage.removeItem('x');
      document.cookie = 'tracked=1';
      fetch('http://127.0.0.2:9/leak').catch(() => {});
    }""")
    start(page, (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(), seen)
    measure(page, context, v)
    assert any(x.startswith("color-contrast") for x in v.violations)  # ... but for new styling
    assert any(x.startswith("image-alt") for x in v.violations)
    assert any(x.startswith("button-name") for x in v.violations)
    assert v.overflow and v.small and v.storage and v.cookies
    page.wait_for_timeout(200)
    assert v.foreign == ["http://127.0.0.2:9/leak"]
    context.close()
