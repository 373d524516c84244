"""Clinician-grade pages: cite this page (BibTeX and RIS that parse back), print a protocol on at
most two A4 pages with its parameters, stop rules and address, and machine-readable markup."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

from cryokb.read.model import KINDS, plain_text
from cryokb.render.cite import CITED_KINDS
from cryokb.render.structured_data import is_trial
from cryokb.rules.check import check_dir
from tests.conftest import ROOT

KB, _ = check_dir(ROOT / "data")


def _title(e: Any) -> str:
    return KB.references[e.id].get("title") if e.kind == "study" else e["name"]


@pytest.mark.parametrize("kind", CITED_KINDS)
def test_cite_downloads_parse_back_with_the_right_fields(
    site: Path, base_url: str, kind: str
) -> None:
    for e in KB.of(kind):
        folder = KINDS[kind]
        url = f"{base_url}{folder}/{e.id}/"
        bib = bibtexparser.parse_string(
            (site / "cite" / folder / f"{e.id}.bib").read_text(),
            append_middleware=[SeparateCoAuthors(), SplitNameParts()],
        )
        assert not bib.failed_blocks and len(bib.entries) == 1
        fields = {f.key: f.value for f in bib.entries[0].fields}
        # One author, an organisation kept whole: no given name 'cryokb', no surname 'editors'.
        (author,) = fields["author"]
        assert (author.first, author.von, author.last, author.jr) == (
            [],
            [],
            ["{cryokb editors}"],
            [],
        )
        assert fields["url"] == url
        assert re.sub(r"\\(.)", r"\1", fields["title"]) == _title(e).replace("{", "").replace(
            "}", ""
        )
        assert "data version" in fields["howpublished"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", fields["urldate"])
        (entry,) = rispy.loads((site / "cite" / folder / f"{e.id}.ris").read_text())
        assert entry["type_of_reference"] == "ELEC" and entry["urls"] == [url]
        assert entry["authors"] == ["cryokb editors"]  # no comma: RIS reads it as one surname
        assert entry["title"] == _title(e) and entry["year"] == e["reviewed"]["date"][:4]
        assert entry["edition"] in fields["howpublished"] and entry["access_date"]
        page = (site / folder / e.id / "index.html").read_text()
        assert 'id="cite"' in page and f"{e.id}.bib" in page and f"{e.id}.ris" in page
        assert entry["edition"] in page  # the data version on the page


@pytest.mark.browser
@pytest.mark.parametrize("protocol", [p.id for p in KB.of("protocol")])
def test_a_protocol_prints_on_at_most_two_a4_pages(page: Any, base_url: str, protocol: str) -> None:
    from pypdf import PdfReader

    page.goto(f"{base_url}protocols/{protocol}/")
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    assert len(pdf.pages) <= 2
    width, height = (float(x) for x in pdf.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    flat = text.replace(" ", "")
    entity = KB.get("protocol", protocol)
    for param in entity["parameters"]:
        assert " ".join(param["label"].split()) in text, param["id"]
    unmarked = re.sub(r"\s*\[\d+\]\s*(?=[,.;)])|\s*\[\d+\]", "", text)  # no markers
    for rule in entity["when_to_stop"]:
        assert plain_text(rule)[:40] in unmarked, rule
    assert f"{base_url}protocols/{protocol}/".replace(" ", "") in flat  # the page's address
    assert "data version" in text and "reviewed" in text
    assert "Reasons not to use it" in text
    for hidden in ("Cite this page", "Search", "Change history"):
        assert hidden not in text
    targets = page.eval_on_selector_all(
        ".cryokb-refs a[href^='https://']", "links => links.map((a) => a.href)"
    )
    assert all(t in flat for t in targets)  # each reference's link target is printed


@pytest.mark.browser
def test_printed_references_show_their_link_targets(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}protocols/whole-body-cryotherapy-neck-back/")
    page.emulate_media(media="print")
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    flat = "".join(p.extract_text() for p in pdf.pages).replace("\n", "").replace(" ", "")
    assert "https://doi.org/10.1002/14651858.CD010789.pub2" in flat  # Costello 2015, cited here


def test_jsonld_expands_against_a_bundled_context_and_matches_the_page(site: Path) -> None:
    """The schema.org markup, expanded by pyld with no network, says what the page shows."""
    from pyld import jsonld

    context = {"@vocab": "https://schema.org/"}  # bundled: no document is ever fetched

    def loader(url: str, options: Any = None) -> Any:
        raise AssertionError(f"pyld tried to fetch {url}")

    checked = trials = 0
    for e in KB.pages():
        html = (site / KINDS[e.kind] / e.id / "index.html").read_text()
        (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
        data = json.loads(block)
        data["@context"] = context
        expanded = jsonld.expand(data, {"documentLoader": loader})
        page = expanded[0]
        assert page["@type"] == ["https://schema.org/MedicalWebPage"]
        reviewed = page["https://schema.org/lastReviewed"][0]["@value"]
        assert reviewed == e["reviewed"]["date"]
        assert f"Page last reviewed:</strong> {int(reviewed[8:])} " in html
        about = page["https://schema.org/about"][0]
        if e.kind == "modality":
            names = {
                c["https://schema.org/name"][0]["@value"]
                for c in about["https://schema.org/contraindication"]
            }
            for c in e["contraindications"]:
                name = KB.get("contraindication", c["id"])["name"]
                assert (name in names) == (c["level"] != "no-known-reason")
                assert name in html
            effects = {
                s["https://schema.org/name"][0]["@value"]
                for s in about["https://schema.org/adverseOutcome"]
            }
            assert effects == {KB.get("side-effect", s)["name"] for s in e["side_effects"]}
        (lang,) = re.findall(r'<html lang="([^"]+)"', html)
        assert page["https://schema.org/inLanguage"][0]["@value"] == lang
        if e.kind == "study":  # a trial is a MedicalTrial, described by its article
            trial = is_trial(e["design"])
            kind = "MedicalTrial" if trial else "MedicalScholarlyArticle"
            assert about["@type"] == [f"https://schema.org/{kind}"]
            article = about["https://schema.org/subjectOf"][0] if trial else about
            assert article["@type"] == ["https://schema.org/MedicalScholarlyArticle"]
            headline = article["https://schema.org/headline"][0]["@value"]
            assert headline == KB.references[e.id].get("title")
            trials += trial
            # each graded finding's GRADE table made it through Markdown as a real table
            graded = [f for f in e["findings"] if "not_graded" not in f["grade"]]
            assert html.count("<caption>How sure, step by step (") == len(graded)
            assert html.count('<th scope="row">Publication bias</th>') == len(graded)
            assert 'markdown="span"' not in html
        checked += 1
    assert checked == len(list(KB.pages()))
    assert 0 < trials < len(KB.entities["study"])  # both kinds of study are checked


def test_the_data_version_is_in_every_footer_and_on_every_citation(site: Path) -> None:
    from cryokb.read.history import version

    expected = version(ROOT / "data")
    pages = list(site.rglob("index.html"))
    assert len(pages) > 60
    for html in pages:
        if "/data/" in str(html):
            continue
        assert f"Data version {expected}" in html.read_text(), html
    bib = (site / "cite" / "protocols" / "ice-pack-neck-back.bib").read_text()
    assert expected in bib
