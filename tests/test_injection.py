"""Bad data cannot hurt a reader: script-injection payloads in every kind of text field.

`cryokb check` rejects each payload at its file and line; and with the check bypassed, the pages
built from the same data execute nothing in Chromium (no script, no dialog, no navigation).
"""

from __future__ import annotations

import copy
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import cryokb.rules.check
from cryokb.cli import build
from cryokb.read import load as loader
from cryokb.read.model import walk
from cryokb.rules.check import check_dir
from tests.conftest import ROOT, _Quiet, config_for, fixture_config, free_port

pytestmark = pytest.mark.heavy

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
P = "window.__pwned=1"
PAYLOADS = [
    f"<script>{P}</script>",
    f"<sCrIpT>{P}</ScRiPt>",
    "<script src=//127.0.0.2:9/x.js></script>",
    f"<img src=x onerror={P}>",
    f'<img src="x" ONERROR="{P}">',
    f"<svg onload={P}>",
    f"<svg><animate onbegin={P} attributeName=x dur=1s>",
    f"<body onload={P}>",
    f'<iframe src="javascript:{P}"></iframe>',
    f'<a href="javascript:{P}">x</a>',
    f"[click](javascript:{P})",
    f"[click](JaVaScRiPt:{P})",
    f"[click]( javascript:{P})",
    f"[click](java\tscript:{P})",
    f"[click](&#106;avascript:{P})",
    f"[click](&#x6A;avascript:{P})",
    f"[click](javascript&colon;{P})",
    f"[click](<javascript:{P}>)",
    f"[click][r]\n\n[r]: javascript:{P}",
    f"![img](javascript:{P})",
    f'![x](x" onerror="{P})',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f"![x](data:image/svg+xml,<svg onload={P}>)",
    f"<details open ontoggle={P}>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={P}>",
    "<style>body{display:none}</style>",
    f'<object data="javascript:{P}">',
    f'<embed src="javascript:{P}">',
    f'<form action="javascript:{P}"><button>x</button></form>',
    f"<input autofocus onfocus={P}>",
    f"<video><source onerror={P}>",
    f"<marquee onstart={P}>",
    '<base href="javascript:/">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{P}">',
    "<link rel=import href=x>",
    f"&lt;script&gt;{P}&lt;/script&gt;",
    f"&#60;script&#62;{P}&#60;/script&#62;",
    f"%3Cscript%3E{P}%3C/script%3E",
    f"<scr<script>ipt>{P}</script>",
    f"<!--><script>{P}</script>",
    f"<![CDATA[<script>{P}</script>]]>",
    f'<?xml version="1.0"?><script>{P}</script>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[x](vbscript:msgbox(1))",
    f"[x](livescript:{P})",
    f'<div style="background:url(javascript:{P})">',
    f'"><script>{P}</script>',
    f"'><svg/onload={P}>",
    f"</textarea><script>{P}</script>",
    f"{{{{ 7*7 }}}}<script>{P}</script>",
    f"<x onclick={P}>click",
    f'<a href=" &#14;  javascript:{P}">x</a>',
    f'<https://example.org/"onmouseover="{P}>',
    f"javascript:{P}",
    f"<img src=x:x onerror&#x3D;{P}>",
    f"Text then onmouseover={P} in prose",
]
# text fields per file of the minimal fixture (paths with "*" for every list item)
TEXT_FIELDS: dict[str, list[tuple[str | int, ...]]] = {
    "conditions/sore-neck.yaml": [("name",), ("summary",), ("evidence_gap",), ("reviewed", "by")],
    "contraindications/heart-disease.yaml": [("name",), ("summary",), ("why",), ("what_to_do",)],
    "side-effects/tingling.yaml": [("name",), ("summary",), ("what_to_do",), ("get_help",)],
    "modalities/chamber.yaml": [("name",), ("summary",), ("how_it_works",)],
    "protocols/chamber-neck.yaml": [
        ("name",),
        ("summary",),
        ("steps", 0),
        ("precautions", 0),
        ("when_to_stop", 0),
        ("parameters", 0, "label"),
        ("sources", 0, "detail"),
    ],
    "studies/trial2020.yaml": [
        ("design",),
        ("population",),
        ("intervention",),
        ("comparator",),
        ("findings", 0, "outcome"),
        ("findings", 0, "grade", "imprecision", "reason"),
    ],
    "questionnaire.yaml": [
        ("title",),
        ("intro",),
        ("questions", 0, "text"),
        ("outcomes", "relative"),
    ],
}


def test_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 50 and len(set(PAYLOADS)) == len(PAYLOADS)


def _set(data: Any, path: tuple[str | int, ...], value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _poisoned(target: Path, payload: str) -> Path:
    """A copy of the minimal fixture with `payload` in every listed text field."""
    shutil.copytree(MINIMAL, target)
    for rel, paths in TEXT_FIELDS.items():
        path = target / rel
        data = yaml.safe_load(path.read_text())
        for p in paths:
            _set(data, p, payload)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return target


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_check_rejects_every_payload_in_every_field(tmp_path: Path, payload: str) -> None:
    data = _poisoned(tmp_path / "data", payload)
    kb, problems = check_dir(data)
    reported = {(Path(p.file).name, p.line) for p in problems if "not allowed" in p.message}
    expected = set()
    for e in kb.all():
        rel = e.file.split("data/", 1)[-1]
        for field in TEXT_FIELDS.get(rel, []):
            expected.add((Path(e.file).name, e.doc.where(field)[0]))
    assert len(expected) == sum(len(v) for v in TEXT_FIELDS.values())
    assert expected <= reported, sorted(expected - reported)


def _multi_payload_data(target: Path) -> Path:
    """One data folder: for each payload, a copy of every entity with the payload in its text."""
    shutil.copytree(MINIMAL, target)
    originals = {rel: yaml.safe_load((MINIMAL / rel).read_text()) for rel in TEXT_FIELDS}
    bib = (MINIMAL / "references.bib").read_text()
    questionnaire = originals["questionnaire.yaml"]
    for i, payload in enumerate(PAYLOADS):
        suffix = f"-p{i}"
        for rel, data in originals.items():
            if rel == "questionnaire.yaml":
                continue
            copy_ = copy.deepcopy(data)
            for p in TEXT_FIELDS[rel]:
                _set(copy_, p, payload)
            copy_["id"] += suffix
            for key in ("modality",):
                if key in copy_:
                    copy_[key] += suffix
            for path, value in list(walk(copy_)):
                if path[:1] in {("conditions",), ("side_effects",)} and isinstance(value, str):
                    _set(copy_, path, value + suffix)
                if path[-1:] in {("condition",), ("modality",)} and path[:1] == ("findings",):
                    _set(copy_, path, value + suffix)
                if path[:1] == ("contraindications",) and path[-1:] == ("id",):
                    _set(copy_, path, value + suffix)
            folder, name = rel.split("/")
            (target / folder / f"{name[:-5]}{suffix}.yaml").write_text(yaml.safe_dump(copy_))
        bib += f"\n@misc{{trial2020{suffix},\n  title = {{Copy {i}}}\n}}\n"
        questionnaire["questions"].append(
            {
                "id": f"q{suffix}",
                "text": payload,
                "help": payload,
                "raises": [f"heart-disease{suffix}"],
            }
        )
        questionnaire["modalities"].append(f"chamber{suffix}")
    questionnaire["intro"] = PAYLOADS[0]
    (target / "questionnaire.yaml").write_text(yaml.safe_dump(questionnaire))
    (target / "references.bib").write_text(bib)
    return target


@pytest.fixture(scope="module")
def poisoned_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The site built from the poisoned data with `cryokb check` bypassed, served locally."""
    data = _multi_payload_data(tmp_path_factory.mktemp("poison") / "data")
    _, problems = check_dir(data)
    assert len(problems) > 500  # the check sees them all ...
    port = free_port()
    out = tmp_path_factory.mktemp("poison-site") / "site"
    real = cryokb.rules.check.check_dir
    cryokb.rules.check.check_dir = lambda root, **_: (loader.load(root)[0], [])  # ... bypassed
    content = tmp_path_factory.mktemp("poison-content") / "content"
    shutil.copytree(ROOT / "content", content)  # the home page's marker: every condition's words
    home = content / "index.md"
    home.write_text(home.read_text().replace("what-we-know neck-pain back-pain", "what-we-know"))
    try:
        # not strict: the hand-written home page links to real entities the fixture lacks
        url = f"http://127.0.0.1:{port}/"
        assert build(config_for(content), data, out, strict=False, site_url=url) == 0
    finally:
        cryokb.rules.check.check_dir = real
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/", out
    server.shutdown()
    server.server_close()


AUDIT = """() => {
  const article = document.querySelector('article');
  if (!article) return ['no article: ' + document.title];
  // the page's own scripts, which the theme template (not the data) puts after the content
  const OURS = ['/assets/cryokb/questionnaire-logic.js', '/assets/cryokb/questionnaire.js',
    '/assets/cryokb/references.js'];
  const ours = (el) => el.tagName === 'SCRIPT' && el.parentElement === article
      && OURS.includes(new URL(el.src || 'x:', location.href).pathname);
  const bad = [];
  for (const el of article.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'style', 'form', 'input', 'base', 'meta',
         'link', 'img', 'video', 'math', 'details', 'marquee', 'x'].includes(tag)
        && !el.closest('#cryokb-questionnaire') && !ours(el)) bad.push(tag);
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) bad.push(`${tag}[${attr.name}]`);
      if (/^\\s*(javascript|vbscript|data|livescript):/i.test(attr.value)
          && ['href', 'src', 'action', 'data'].includes(attr.name)) bad.push(tag + attr.name);
    }
  }
  return bad;
}"""


@pytest.mark.browser
def test_poisoned_pages_execute_nothing(browser: Any, poisoned_site: tuple[str, Path]) -> None:
    base_url, site = poisoned_site
    pages = sorted(
        "/" + p.relative_to(site).as_posix().removesuffix("index.html")
        for p in site.rglob("index.html")
        if p.parent.name.endswith(tuple(f"-p{i}" for i in range(len(PAYLOADS))))
        or p.parent.name in ("questionnaire", "references", "source-article")
    )
    assert len(pages) >= 6 * len(PAYLOADS)
    pages.append("/")  # the home page and the source article page take words from the data
    home = (site / "index.html").read_text()
    assert sum(f"conditions/sore-neck-p{i}/" in home for i in range(len(PAYLOADS))) > 40
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    failures = {}
    for url in pages:
        page.goto(base_url + url.lstrip("/"))
        page.wait_for_timeout(20)
        problems = page.evaluate(
            f"() => [...({AUDIT})(), ...(window.__pwned === 1 ? ['script ran'] : [])]"
        )
        if page.url != base_url + url.lstrip("/"):
            problems.append(f"navigated to {page.url}")
        if problems:
            failures[url] = problems
    # the questionnaire renders payloads as text: run it and look again
    page.goto(base_url + "questionnaire/")
    page.locator("#cryokb-questionnaire form").wait_for()
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="See the results").click()
    page.locator(".cq-result section").first.wait_for()
    assert page.evaluate("window.__pwned === undefined")
    assert failures == {} and dialogs == []
    context.close()


# Markdown that passes no script but would change what a reader sees (issue #19): ids that take
# over the questionnaire's mount point or a stable anchor, a page-wide overlay, a third-party
# image, a search result pointing elsewhere, a link opening a window without `rel`.
MARKUP: dict[str, list[tuple[tuple[str | int, ...], str]]] = {
    "questionnaire.yaml": [(("intro",), "Answer each question. { #cryokb-questionnaire }")],
    "protocols/chamber-neck.yaml": [
        (("summary",), "A few minutes in the cold. { #session-length }")
    ],
    "conditions/sore-neck.yaml": [
        (
            ("summary",),
            'A neck that hurts.{: style="position:fixed;inset:0;z-index:9999;background:red" }',
        ),
        (("details",), "Trials are small. ![x](http://127.0.0.2:9/pixel.png)"),
    ],
    "modalities/chamber.yaml": [
        (("summary",), "A cold room. [More](https://example.org/){target=_blank}")
    ],
    "studies/trial2020.yaml": [
        (("population",), 'Ten adults.{data-pagefind-meta="url:https://evil.example/"}')
    ],
}
MARKUP_AUDIT = """() => {
  const bad = [], ids = {};
  for (const el of document.querySelectorAll('[id]')) ids[el.id] = (ids[el.id] || 0) + 1;
  for (const [id, n] of Object.entries(ids)) if (n > 1) bad.push('id ' + id + ' twice');
  for (const el of document.querySelectorAll('article *')) {
    if (el.hasAttribute('style')) bad.push('style on ' + el.tagName);
    if (el.hasAttribute('target')) bad.push('target on ' + el.tagName);
    if (el.tagName === 'IMG') bad.push('img ' + el.getAttribute('src'));
    for (const a of el.attributes) {  // the theme marks the article for the index, no more
      if (a.name.startsWith('data-pagefind') && a.name !== 'data-pagefind-body') bad.push(a.name);
    }
  }
  for (const a of document.querySelectorAll('a[href^="http"]')) {
    const out = new URL(a.href).origin !== location.origin;
    if (out && !(a.rel || '').includes('noopener')) bad.push('no rel on ' + a.href);
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def markup_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The fixture with MARKUP in its text, checked (every payload refused), then built with the
    check bypassed and served."""
    data = tmp_path_factory.mktemp("markup") / "data"
    shutil.copytree(MINIMAL, data)
    for rel, edits in MARKUP.items():
        path = data / rel
        doc = yaml.safe_load(path.read_text())
        for field, value in edits:
            _set(doc, field, value)
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    _, problems = check_dir(data)
    refused = {(Path(p.file).name, p.message.split(":")[0]) for p in problems}
    for rel, edits in MARKUP.items():
        for field, _ in edits:
            assert (Path(rel).name, ".".join(map(str, field))) in refused, (rel, field)
    port = free_port()
    out = tmp_path_factory.mktemp("markup-site") / "site"
    real = cryokb.rules.check.check_dir
    cryokb.rules.check.check_dir = lambda root, **_: (loader.load(root)[0], [])
    try:
        url = f"http://127.0.0.1:{port}/"
        config = fixture_config(tmp_path_factory.mktemp("markup-content"))
        assert build(config, data, out, strict=False, site_url=url) == 0
    finally:
        cryokb.rules.check.check_dir = real
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield url, out
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_markup_in_data_changes_nothing_a_reader_sees(
    browser: Any, markup_site: tuple[str, Path]
) -> None:
    base_url, site = markup_site
    urls = sorted(
        base_url + p.relative_to(site).as_posix().removesuffix("index.html")
        for p in site.rglob("index.html")
        if not p.relative_to(site).as_posix().startswith(("data/", "cite/"))
    )
    assert len(urls) > 15
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    failures = {}
    for url in urls:
        page.goto(url)
        if problems := page.evaluate(MARKUP_AUDIT):
            failures[url] = problems
    assert failures == {}
    assert [r for r in requests if not r.startswith(base_url)] == []
    page.goto(base_url + "questionnaire/")  # its mount point is still the questionnaire's
    page.locator("#cryokb-questionnaire form").wait_for()
    page.goto(base_url + "protocols/chamber-neck/#session-length")  # and the anchor the row's
    assert page.locator("#session-length").evaluate("e => e.closest('table') !== null")
    context.close()
