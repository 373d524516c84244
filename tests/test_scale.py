"""The site at scale: built from 650 synthetic studies (bench/synth.py), no page grows with N.

Structure, not timing (bench/ measures speed): no page links to more studies than a list's page
holds, whatever N is (so 650 studies show what 10,000 would), every page stays under 100 KB, long
lists are split into pages that link to each other, the search index is split into small chunks
instead of one file (and into shards that the search page merges), and only the questionnaire
page loads the questionnaire's scripts.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.synth import generate
from cryokb.cli import build
from cryokb.render import pager
from cryokb.site import search
from tests.conftest import free_port, serve
from tests.htmlscan import Scan, page_url, resolve, scan, scan_site

pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parent.parent
STUDIES = 650  # 65 conditions, more than a matrix page's columns (render/pager.py)
SHARD = 350  # pages per Pagefind process here (the site's is 2,000): three shards
LIMIT = 100 * 1024


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    tmp = tmp_path_factory.mktemp("scale")
    data = generate(tmp / "data", STUDIES)
    out = tmp / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD", SHARD)  # the shards' merge, at half the build's cost
        assert build(ROOT / "mkdocs.yml", data, out, site_url="http://127.0.0.1:8000/") == 0
    yield out


@pytest.fixture(scope="module")
def scans(big: Path) -> dict[str, Scan]:
    """Every HTML file of the big site, parsed once."""
    return scan_site(big)


def test_no_page_is_over_100_kb(big: Path) -> None:
    pages = list(big.rglob("*.html"))
    assert len(pages) > STUDIES
    sizes = {page_url(big, p): p.stat().st_size for p in pages}
    assert {url: size for url, size in sizes.items() if size > LIMIT} == {}


def test_no_page_links_to_more_studies_than_a_list_page_holds(scans: dict[str, Scan]) -> None:
    """A page that grew with N would link to ever more studies; none links to more than one
    page of the longest list holds (render/pager.py), the sitemap aside."""
    most = max(pager.SIZE.values())
    counts = {}
    for url, page in scans.items():
        links = {h.rstrip("/").rsplit("/", 1)[-1] for h in page.links}
        counts[url] = sum(bool(re.fullmatch(r"synthetic\d{5}", x)) for x in links)
    assert {url: n for url, n in counts.items() if n > most} == {}
    assert max(counts.values()) >= pager.SIZE["study"]  # the count works: list pages are full


def test_long_lists_are_split_into_linked_pages(big: Path) -> None:
    studies = sorted((big / "studies" / "page").glob("*/index.html"))
    assert len(studies) >= STUDIES // 80  # 80 studies a page
    listed = set()
    first = big / "studies" / "index.html"
    for html in [first, *studies]:
        page = scan(html)
        listed |= {h for h in page.links if re.fullmatch(r"(\.\./)*synthetic\d{5}/", h)}
        for href in page.links:  # the pager's links resolve
            if "page/" in href:
                hit = resolve(big, page_url(big, html), href)
                assert hit is not None and hit[0].exists(), href
    assert len(listed) == STUDIES  # every synthetic study is on one of the pages
    # a treatment's results and the evidence matrix are paged too
    assert list((big / "modalities" / "ice-pack" / "page").glob("*/index.html"))
    # and so are the results of a condition that many studies measured
    assert list((big / "conditions" / "synthetic-condition-0" / "page").glob("*/index.html"))
    assert list((big / "evidence" / "page").glob("*/index.html"))
    for html in [first, big / "modalities" / "ice-pack" / "index.html"]:  # a pager is markup
        text = html.read_text(encoding="utf-8")
        assert 'class="cryokb-pager"' in text and "&lt;nav" not in text


def test_the_search_index_is_split_into_small_chunks(big: Path) -> None:
    assert not (big / "search" / "search_index.json").exists()  # no single whole-site index
    chunks = list((big / "pagefind" / "index").glob("*.pf_index"))
    assert len(chunks) > 10
    assert max(c.stat().st_size for c in chunks) < 200 * 1024
    assert (big / "pagefind" / "pagefind-entry.json").is_file()


def test_only_the_questionnaire_page_loads_its_scripts(scans: dict[str, Scan]) -> None:
    loading = {
        url
        for url, page in scans.items()
        if any("questionnaire" in r and r.endswith(".js") for r in page.resources)
    }
    assert loading == {"/questionnaire/"}


@pytest.mark.browser
def test_search_finds_studies_in_every_shard(big: Path, browser: Any) -> None:
    """Pagefind indexes at most SHARD pages a process; the search page merges the shards."""
    shards = json.loads((big / "pagefind" / "shards.json").read_text())
    assert shards and all((big / s / "pagefind-entry.json").is_file() for s in shards)
    indexed = {
        json.loads((big / s / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]
        for s in ["pagefind", *shards]
    }
    assert max(indexed) <= SHARD
    with serve(big, free_port()) as base:
        page = browser.new_page()
        for n in (0, STUDIES - 1):  # the first and the last study: different shards
            page.goto(f"{base}search/?q=10.5555/bench.{n}")
            links = page.locator(".pagefind-ui__result-link")
            links.first.wait_for(timeout=20000)
            assert f"/studies/synthetic{n:05d}/" in links.evaluate_all(
                "els => els.map(e => e.getAttribute('href'))"
            )
        page.close()
