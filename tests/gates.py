"""What the quality gates measure on a page in Debian's Chromium: axe-core (WCAG 2.0/2.1/2.2 A
and AA), other origins, cookies, storage, console errors, horizontal scroll and target sizes.
Shared by tests/test_gates.py (every page on a phone) and tests/test_gates_desktop.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.htmlscan import page_url

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

SMALL_TARGETS = """() => {
  // WCAG 2.5.8: targets at least 24 x 24 px, except links inline in a sentence or list text.
  const inline = (el) => el.tagName === 'A' && el.closest('p, li, td, th, dd, dt, blockquote')
      && !el.closest('nav, .md-header, .md-footer, .md-tabs');
  const bad = [];
  const all = 'a[href], button, input, select, textarea, label[for]';
  for (const el of document.querySelectorAll(all)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (el.closest('[hidden], .md-sidebar, .md-search')) continue;
    if (inline(el)) continue;
    if (el.tagName === 'INPUT' && el.type === 'checkbox' && style.opacity === '0') continue;
    const name = `${el.tagName} ${el.textContent.trim().slice(0, 30)}`;
    if (r.width < 24 || r.height < 24) bad.push(`${name} ${r.width}x${r.height}`);
  }
  return bad;
}"""


@dataclass
class Visit:
    url: str
    violations: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    cookies: int = 0
    storage: int = 0
    errors: list[str] = field(default_factory=list)
    overflow: bool = False
    small: list[str] = field(default_factory=list)


def _urls(site: Path) -> list[str]:
    return sorted(page_url(site, p) for p in site.rglob("index.html"))


def one_of_each_kind(urls: list[str]) -> list[str]:
    """The first page of each section and of each section's entity pages, and every top-level
    page: one page of each template. A desktop differs from a phone by layout (the theme's
    sidebars and tabs), which the template decides; the data's text is checked at phone width
    on every page."""
    seen: dict[tuple[str, bool], str] = {}
    for url in urls:
        parts = url.strip("/").split("/")
        key = (parts[0], len(parts) > 1 and not parts[1].isdigit())
        seen.setdefault(key, url)
    return sorted(seen.values())


PHONE = {"width": 360, "height": 740}
# Counts every write to web storage or document.cookie, even one undone before we look.
COUNT_WRITES = """
window.__writes = 0;
for (const name of ['setItem', 'removeItem', 'clear']) {
  const original = Storage.prototype[name];
  Storage.prototype[name] = function (...args) {
    window.__writes += 1;
    return original.apply(this, args);
  };
}
const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
Object.defineProperty(Document.prototype, 'cookie', {
  get() { return cookie.get.call(this); },
  set(value) { window.__writes += 1; cookie.set.call(this, value); },
});
"""


SETTLED = "() => document.getAnimations().every(a => a.playState !== 'running')"
AXE = """(options) => { window.__cryokbAxe = axe.run(document, options); }"""
AXE_RESULT = """() => window.__cryokbAxe.then((r) => r.violations.map((v) =>
  `${v.id}: ${v.help} ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`))"""
# What decides an element's colours: its tag and classes, and those of every ancestor (the site's
# stylesheet selects on nothing else; data text carries no style or class, tests/test_injection).
STYLED = """() => {
  const key = (el) => el.tagName + [...el.classList].sort().map((c) => '.' + c).join('');
  const out = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const path = [];
    for (let e = el; e && e !== document.body; e = e.parentElement) path.push(key(e));
    out.add(path.join(' < '));
  }
  return [...out];
}"""


def start(page: Any, axe_source: str, seen: set[str] | None = None) -> None:
    """Start axe-core on the loaded page; it runs in the page's renderer while we go on.

    With `seen` (the styled text of the pages checked before), colour contrast, axe's slowest
    rule by far, runs only when this page shows text styled in a way no earlier page did; every
    other rule runs on every page."""
    page.wait_for_function(SETTLED)  # the theme's transitions end before anything is measured
    options: dict[str, Any] = {"runOnly": {"type": "tag", "values": WCAG}}
    if seen is not None:
        styled = set(page.evaluate(STYLED))
        if styled <= seen:
            options["rules"] = {"color-contrast": {"enabled": False}}
        seen |= styled
    page.evaluate(axe_source)
    page.evaluate(AXE, {**options, "resultTypes": ["violations"]})


def measure(page: Any, context: Any, v: Visit) -> None:
    """Collect axe-core's result and run every other per-page gate."""
    v.violations = page.evaluate(AXE_RESULT)
    v.cookies = len(context.cookies())
    v.storage = page.evaluate(
        "localStorage.length + sessionStorage.length + (window.__writes || 0)"
    )
    v.overflow = page.evaluate("document.scrollingElement.scrollWidth > window.innerWidth")
    v.small = page.evaluate(SMALL_TARGETS)


DESKTOP = {"width": 1280, "height": 900}


def visit_all(
    browser: Any,
    base_url: str,
    site: Path,
    viewport: dict[str, int],
    which: Callable[[list[str]], list[str]] = lambda urls: urls,
) -> list[Visit]:
    """Visit each page, two at a time: axe-core runs in each page's own renderer process, so the
    two runs share the machine's cores. Each of the two tabs, in a browser context of its own,
    goes from page to page, its cookies and storage emptied after each (a fresh context or tab
    per page costs more than the page: a new renderer loads the theme's files again)."""
    import axe_playwright_python

    axe_source = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    tabs: list[tuple[Any, Any, list[Visit]]] = []
    for _ in range(2):
        context = browser.new_context(viewport=viewport)
        context.add_init_script(COUNT_WRITES)
        page, now = context.new_page(), [Visit("")]  # now[0]: the visit the tab is on

        def foreign(r: Any, now: list[Visit] = now) -> None:
            if not (r.url.startswith(base_url) or r.url.startswith("data:")):
                now[0].foreign.append(r.url)

        page.on("request", foreign)
        page.on("console", lambda m, now=now: m.type == "error" and now[0].errors.append(m.text))
        page.on("pageerror", lambda e, now=now: now[0].errors.append(str(e)))
        tabs.append((page, context, now))
    out: list[Visit] = []
    seen: set[str] = set()
    open_: list[tuple[Any, Any, Visit]] = []
    for i, url in enumerate([*which(_urls(site)), None]):
        if url is not None:
            page, context, now = tabs[i % 2]
            v = now[0] = Visit(url)
            page.goto(base_url + url.lstrip("/"), wait_until="load")
            start(page, axe_source, seen)
            open_.append((page, context, v))
        while open_ and (len(open_) == 2 or url is None):
            page, context, v = open_.pop(0)
            measure(page, context, v)
            out.append(v)
            page.evaluate("localStorage.clear(); sessionStorage.clear()")
            context.clear_cookies()
    for _, context, _ in tabs:
        context.close()
    return out
