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


def start(page: Any, axe_source: str) -> None:
    """Start axe-core on the loaded page; it runs in the page's renderer while we go on."""
    page.wait_for_function(SETTLED)  # the theme's transitions end before anything is measured
    page.evaluate(axe_source)
    page.evaluate(AXE, {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})


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
    """Visit each page in a fresh context, two at a time: axe-core runs in each page's own
    renderer process, so the two runs share the machine's cores."""
    import axe_playwright_python

    axe_source = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    out: list[Visit] = []
    open_: list[tuple[Any, Any, Visit]] = []
    for url in [*which(_urls(site)), None]:
        if url is not None:
            context = browser.new_context(viewport=viewport)
            context.add_init_script(COUNT_WRITES)
            page = context.new_page()
            v = Visit(url)
            page.on(
                "request",
                lambda r, v=v: (
                    None
                    if r.url.startswith(base_url) or r.url.startswith("data:")
                    else v.foreign.append(r.url)
                ),
            )
            page.on(
                "console", lambda m, v=v: v.errors.append(m.text) if m.type == "error" else None
            )
            page.on("pageerror", lambda e, v=v: v.errors.append(str(e)))
            page.goto(base_url + url.lstrip("/"), wait_until="load")
            start(page, axe_source)
            open_.append((page, context, v))
        while open_ and (len(open_) == 2 or url is None):
            page, context, v = open_.pop(0)
            measure(page, context, v)
            out.append(v)
            context.close()
    return out
