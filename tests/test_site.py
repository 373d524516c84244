"""The real site: every entity has a page, links resolve both ways, anchors are stable."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.check import check_dir
from generator.model import CITE, KINDS, KnowledgeBase, walk
from generator.render import quantity
from tests.htmlscan import page_url, resolve, scan

ROOT = Path(__file__).resolve().parent.parent

# Anchors clinicians link to; changing any of them breaks their links.
ANCHORS = {
    "protocol": [
        "parameters",
        "steps",
        "precautions",
        "when-to-stop",
        "contraindications",
        "side-effects",
        "references",
    ],
    "condition": ["evidence", "evidence-gap", "protocols", "references"],
    "modality": [
        "how-it-works",
        "temperature-and-time",
        "side-effects",
        "contraindications",
        "protocols",
        "evidence",
        "references",
    ],
    "contraindication": ["why", "what-to-do", "modalities", "references"],
    "side-effect": ["what-to-do", "get-help", "modalities", "references"],
    "study": ["design", "findings", "references"],
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    kb, problems = check_dir(ROOT / "data")
    assert not problems
    return kb


def _html(site: Path, kind: str, id_: str) -> Path:
    return site / KINDS[kind] / id_ / "index.html"


def test_every_entity_has_its_page_at_a_stable_url(site: Path, kb: KnowledgeBase) -> None:
    count = 0
    for e in kb.pages():
        page = scan(_html(site, e.kind, e.id))
        missing = [a for a in ANCHORS[e.kind] if a not in page.ids]
        assert not missing, f"/{KINDS[e.kind]}/{e.id}/ lacks anchors {missing}"
        count += 1
    assert count == sum(len(kb.entities[k]) for k in KINDS) == 40
    for folder in [*KINDS.values(), "references", "questionnaire"]:
        assert (site / folder / "index.html").is_file(), folder


def test_protocol_parameter_rows_have_anchors(site: Path, kb: KnowledgeBase) -> None:
    for p in kb.of("protocol"):
        ids = scan(_html(site, "protocol", p.id)).ids
        assert {param["id"] for param in p["parameters"]} <= ids


def _graph(site: Path) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for html in site.rglob("index.html"):
        url = page_url(site, html)
        targets = set()
        for href in scan(html).links:
            hit = resolve(site, url, href)
            if hit:
                targets.add(page_url(site, hit[0]) if hit[0].name == "index.html" else "")
        graph[url] = targets
    return graph


def _expected_pairs(kb: KnowledgeBase) -> set[tuple[str, str]]:
    def u(kind: str, id_: str) -> str:
        return f"/{KINDS[kind]}/{id_}/"

    pairs = set()
    for p in kb.of("protocol"):
        pairs.add((u("protocol", p.id), u("modality", p["modality"])))
        pairs |= {(u("protocol", p.id), u("condition", c)) for c in p["conditions"]}
    for m in kb.of("modality"):
        pairs |= {
            (u("modality", m.id), u("contraindication", c["id"])) for c in m["contraindications"]
        }
        pairs |= {(u("modality", m.id), u("side-effect", s)) for s in m["side_effects"]}
    for e in kb.pages():  # a page that cites a reference, and the bibliography's "Cited on"
        pairs.add((u(e.kind, e.id), "/references/"))
    for s in kb.of("study"):
        for f in s["findings"]:
            pairs.add((u("study", s.id), u("modality", f["modality"])))
            if "condition" in f:
                pairs.add((u("study", s.id), u("condition", f["condition"])))
    return pairs


def test_cross_links_resolve_in_both_directions(site: Path, kb: KnowledgeBase) -> None:
    graph = _graph(site)
    pairs = _expected_pairs(kb)
    assert len(pairs) > 120
    for a, b in sorted(pairs):
        assert b in graph[a], f"{a} does not link to {b}"
        assert a in graph[b], f"{b} does not link back to {a}"


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    checked = 0
    for html in site.rglob("*.html"):
        url = page_url(site, html)
        for href in scan(html).all_links:
            hit = resolve(site, url, href)
            if hit is None:
                continue
            path, fragment = hit
            assert path.exists(), f"{url}: broken link {href}"
            if fragment and path.suffix == ".html":
                assert fragment in scan(path).ids, f"{url}: missing anchor {href}"
            checked += 1
    assert checked > 1000


def test_every_citation_appears_in_the_bibliography(site: Path, kb: KnowledgeBase) -> None:
    cited = set()
    for e in kb.all():
        for path, value in walk(e.data):
            if isinstance(value, str):
                cited |= set(CITE.findall(value)) | ({value} if path[-1:] == ("ref",) else set())
    bib_ids = scan(site / "references" / "index.html").ids
    assert cited and cited <= bib_ids
    assert set(kb.references) <= bib_ids
    # the in-text marker itself links to the bibliography
    modality = scan(_html(site, "modality", "whole-body-cryotherapy"))
    assert "../../references/#lombardi2017wbc" in modality.links


def test_references_have_doi_pubmed_and_unverified_marks(site: Path, kb: KnowledgeBase) -> None:
    page = scan(site / "references" / "index.html")
    for key, ref in kb.references.items():
        if ref.get("doi"):
            assert f"https://doi.org/{ref.get('doi')}" in page.links, key
        if ref.get("pmid"):
            assert f"https://pubmed.ncbi.nlm.nih.gov/{ref.get('pmid')}/" in page.links, key
    assert page.text.count("PubMed ID: not verified") == sum(
        1 for r in kb.references.values() if r.type == "article" and not r.get("pmid")
    )
    assert "Not verified: PMID; issue number (none found)" in page.text


def test_generated_pages_show_review_dates_notice_and_edit_link(
    site: Path, kb: KnowledgeBase
) -> None:
    for e in kb.pages():
        html = _html(site, e.kind, e.id)
        page = scan(html)
        assert "Page last reviewed:" in page.text and "Next review due:" in page.text
        assert "Not medical advice" in page.text
        edit = [h for h in page.all_links if h.endswith(f"data/{KINDS[e.kind]}/{e.id}.yaml")]
        assert edit, f"{e.id}: no edit link to its YAML"
        assert resolve(site, page_url(site, html), edit[0])[0].is_file()  # type: ignore[index]


def test_navigation_holds_only_section_pages(site: Path, kb: KnowledgeBase) -> None:
    nav_sizes = set()
    for e in kb.of("condition") + kb.of("study"):
        html = _html(site, e.kind, e.id).read_text()
        nav = html[html.index('<nav class="md-nav md-nav--primary"') : html.index("</nav>")]
        nav_sizes.add(nav.count('class="md-nav__link'))
        assert f"/{e.id}/" not in nav
    assert len(nav_sizes) == 1  # the same small navigation on every entity page


def test_condition_pages_say_when_no_study_tested_it(site: Path) -> None:
    for cid in ("neck-pain", "back-pain"):
        text = scan(_html(site, "condition", cid)).text
        assert "No studies have tested whether cold treatments help" in text
        assert "None of the studies cited here tested people with neck or back pain" in text


def test_study_pages_show_claim_versus_finding(site: Path, kb: KnowledgeBase) -> None:
    for s in kb.of("study"):
        page = scan(_html(site, "study", s.id))
        assert f"Level {s['cebm']['level']}" in page.text
        if s.get("article_claims"):
            assert "article-claims" in page.ids and "What the study found:" in page.text


def test_no_page_loads_anything_from_another_origin(site: Path, port: int) -> None:
    own = f"http://127.0.0.1:{port}/"
    for html in site.rglob("*.html"):
        for url in scan(html).resources:
            if not url.startswith(own):
                assert not url.startswith(("http:", "https:", "//")), f"{html}: {url}"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ({"min": -135, "max": -110, "unit": "celsius"}, "-135 to -110 °C (-211 to -166 °F)"),
        ({"min": -160, "max": -151.1, "unit": "celsius"}, "-160 to -151.1 °C (-256 to -240 °F)"),
        ({"max": 15, "unit": "celsius"}, "at most 15 °C (59 °F)"),
        ({"min": 3.3, "max": 19.4, "unit": "celsius-difference"}, "3.3 to 19.4 °C (6 to 35 °F)"),
        ({"min": 17.8, "max": 26.1, "unit": "celsius-difference"}, "17.8 to 26.1 °C (32 to 47 °F)"),
        ({"max": 4, "unit": "minutes"}, "up to 4 minutes"),
        ({"max": 5, "unit": "minutes", "approximate": True}, "about 5 minutes"),
        ({"min": 2, "max": 2, "unit": "sessions-per-day"}, "2 sessions a day"),
        ({"min": 1, "max": 1, "unit": "hours"}, "1 hour"),
    ],
)
def test_quantities_show_both_units(q: dict[str, object], expected: str) -> None:
    assert quantity(q) == expected


def test_section_and_reference_pages_show_review_dates_and_notice(site: Path) -> None:
    for folder in [*KINDS.values(), "references"]:
        text = scan(site / folder / "index.html").text
        assert "Pages last reviewed:" in text and "Next review due:" in text, folder
        assert "Not medical advice" in text, folder


def test_fhir_questionnaire_is_published(site: Path, kb: KnowledgeBase) -> None:
    import json

    from generator.questionnaire_export import fhir

    published = json.loads((site / "questionnaire" / "questionnaire.fhir.json").read_text())
    assert published == fhir(kb)


def test_mkdocs_itself_refuses_to_build_bad_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Plain `mkdocs build` (as `mkdocs serve` runs it) goes through the hook's check too."""
    import shutil

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    bad = data / "side-effects" / "numbness.yaml"
    bad.write_text(bad.read_text().replace("serious: false", "serious: no\nsevere: true"))
    monkeypatch.setenv("CRYOKB_DATA", str(data))
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    with pytest.raises(Abort):
        build(config)
    assert "numbness.yaml:5:1: error: severe: unknown field" in caplog.text
    assert not (tmp_path / "site").exists()
    assert "data" in [Path(w).name for w in config["watch"]]  # `mkdocs serve` re-renders on edits


def test_entity_pages_carry_schema_org_markup_matching_the_page(
    site: Path, kb: KnowledgeBase
) -> None:
    import json
    import re

    for e in kb.pages():
        html = _html(site, e.kind, e.id).read_text()
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert len(blocks) == 1, e.id
        data = json.loads(blocks[0])
        assert data["@type"] == "MedicalWebPage"
        assert data["lastReviewed"] == e["reviewed"]["date"]
        about = data["about"]
        shown = scan(_html(site, e.kind, e.id)).text
        assert (about.get("name") or about["headline"]) in shown
        if e.kind == "modality":
            assert len(about["contraindication"]) == len(e["contraindications"])
