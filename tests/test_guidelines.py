"""Condition pages show the guidelines side by side, newest first, each with its date and whether
it is current, all from the data; a condition that cites nothing says what was searched."""

from __future__ import annotations

import calendar
import html
import re
from pathlib import Path

import pytest

from cryokb.read.model import KnowledgeBase
from cryokb.rules.check import check_dir

ROOT = Path(__file__).resolve().parent.parent
STATUS = {"yes": "Current.", "no": "Out of date.", "unclear": "Not known whether current."}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    kb, _ = check_dir(ROOT / "data")
    return kb


def _words(published: str) -> str:
    """A date as a page gives it: '4 April 2017', 'November 2016' or '2023'."""
    parts = published.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {calendar.month_name[int(parts[1])]} {parts[0]}"
    if len(parts) == 2:
        return f"{calendar.month_name[int(parts[1])]} {parts[0]}"
    return parts[0]


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _section(page: Path, anchor: str) -> str:
    """The HTML of one section, from its heading to the next."""
    source = page.read_text(encoding="utf-8")
    start = source.index(f'id="{anchor}"')
    end = source.find("<h2", start)
    return source[start : end if end > 0 else len(source)]


def test_guidelines_are_newest_first_with_their_date_and_status(
    site: Path, kb: KnowledgeBase
) -> None:
    shown = 0
    for c in kb.of("condition"):
        recs = [
            (g, r)
            for g in kb.of("guideline")
            for r in g["recommendations"]
            if r["condition"] == c.id
        ]
        section = _section(site / "conditions" / c.id / "index.html", "guidelines")
        rows = re.findall(r"<tr>(.*?)</tr>", section, re.S)[1:]  # the header row first
        if not recs:
            assert not rows and "None of the guidelines" in _text(section), c.id
            continue
        by_id = sorted(recs, key=lambda p: p[0].id)  # stable: a guideline's own order kept
        expected = sorted(by_id, key=lambda p: str(p[0]["published"]), reverse=True)
        assert len(rows) == len(expected), c.id
        dates = []
        for row, (g, r) in zip(rows, expected, strict=True):
            text = _text(row)
            assert f"/guidelines/{g.id}/" in row, (c.id, g.id)
            month = _words(str(g["published"])[:7])  # the table gives the month, the page the day
            assert f"{month}. {STATUS[g['current']]}" in text, (c.id, text)
            assert r["strength"] in text and r["treatment"] in text, (c.id, text)
            dates.append(str(g["published"]))
        assert dates == sorted(dates, reverse=True), c.id
        shown += len(rows)
    assert shown >= 5  # the guidelines a clinician looks for first are on the pages


def test_guideline_pages_give_the_date_and_status(site: Path, kb: KnowledgeBase) -> None:
    assert len(kb.of("guideline")) >= 5
    for g in kb.of("guideline"):
        text = _text((site / "guidelines" / g.id / "index.html").read_text(encoding="utf-8"))
        assert f"Published: {_words(str(g['published']))}. {STATUS[g['current']]}" in text, g.id


def test_a_condition_citing_nothing_says_what_was_searched(site: Path, kb: KnowledgeBase) -> None:
    linked = {
        *(x for s in kb.of("study") for x in s.get("conditions", [])),
        *(f["condition"] for s in kb.of("study") for f in s["findings"] if "condition" in f),
        *(r["condition"] for g in kb.of("guideline") for r in g["recommendations"]),
        *(x for p in kb.of("protocol") for x in p["conditions"]),
    }
    unlinked = [c for c in kb.of("condition") if c.id not in linked]
    for c in kb.of("condition"):
        text = _text(_section(site / "conditions" / c.id / "index.html", "evidence"))
        cites_nothing = f"This site cites no study, guideline or protocol about {c['name'].lower()}"
        assert (cites_nothing in text) == (c in unlinked), c.id
        if "evidence_search" in c.data:
            said = re.sub(r"\[@[\w:-]+\]", "", c["evidence_search"]["text"])
            first = " ".join(said.split()).split(". ")[0]
            assert f"What we searched for {c['name'].lower()}" in text and first in text, c.id
        else:
            assert c not in unlinked, c.id


# Where a guideline's record may have been read: its publisher or issuer, PubMed, PubMed Central,
# NCBI Bookshelf or the Cochrane Library (methodology, "What counts").
PRIMARY = re.compile(
    r"\bread on (?:the |its |NICE's )?(?:publisher|NCBI Bookshelf|PubMed|Cochrane|NICE)", re.I
)


def test_at_least_five_verified_guidelines_are_each_on_every_condition_page_they_cover(
    site: Path, kb: KnowledgeBase
) -> None:
    """Issue 20, "Done when": each guideline's record was read on a primary page (its note says
    where), whatever could not be confirmed shows on its page, and it appears in "What guidelines
    say" on each condition page it has a recommendation for."""
    verified = set()
    for g in kb.of("guideline"):
        ref = kb.references[g.id]
        assert ref.get("doi") or ref.get("url"), g.id
        assert PRIMARY.search(ref.get("note")), (g.id, ref.get("note"))
        page = _text((site / "guidelines" / g.id / "index.html").read_text(encoding="utf-8"))
        if ref.unconfirmed:
            said = " ".join(re.findall(r"\w+", ref.unconfirmed)[:8])
            assert "Not yet verified" in page and said in " ".join(re.findall(r"\w+", page)), g.id
        for c in sorted({r["condition"] for r in g["recommendations"]}):
            section = _section(site / "conditions" / c / "index.html", "guidelines")
            assert f"/guidelines/{g.id}/" in section, (g.id, c)
        verified.add(g.id)
    assert len(verified) >= 5, verified


def test_every_condition_page_links_its_evidence_or_says_from_the_data_why_none(
    site: Path, kb: KnowledgeBase
) -> None:
    """Issue 20, "Done when": a page links each study, guideline and protocol that names its
    condition; a page with none gives its `evidence_search` words instead."""
    for c in kb.of("condition"):
        linked = {
            *(f"/studies/{s.id}/" for s in kb.of("study") if c.id in s.get("conditions", [])),
            *(
                f"/studies/{s.id}/"
                for s in kb.of("study")
                if any(f.get("condition") == c.id for f in s["findings"])
            ),
            *(
                f"/guidelines/{g.id}/"
                for g in kb.of("guideline")
                if any(r["condition"] == c.id for r in g["recommendations"])
            ),
            *(f"/protocols/{p.id}/" for p in kb.of("protocol") if c.id in p["conditions"]),
        }
        page = (site / "conditions" / c.id / "index.html").read_text(encoding="utf-8")
        missing = {href for href in linked if href not in page}
        assert not missing, (c.id, missing)
        if not linked:
            said = re.sub(r"\[@[\w:-]+\]", "", c["evidence_search"]["text"])
            assert " ".join(said.split())[:60] in _text(page), c.id
