"""The real site: every entity has a page, links resolve both ways, anchors are stable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cryokb.read.model import CITE, KINDS, KnowledgeBase, walk
from cryokb.render.figures import effect, quantity
from cryokb.render.links import Index, served
from cryokb.rules.check import check_dir
from cryokb.rules.urls import STABLE
from tests.htmlscan import page_url, resolve, scan, scan_site

ROOT = Path(__file__).resolve().parent.parent

# Anchors clinicians link to; changing any of them breaks their links. Protocol and condition
# anchors are pinned in the URL manifest too (generator/urls.py).
ANCHORS = {
    **STABLE,
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
    "guideline": ["recommendations", "references"],
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    kb, problems = check_dir(ROOT / "data")
    assert not [p for p in problems if p.is_error]
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
    assert count == sum(len(kb.entities[k]) for k in KINDS) >= 50
    for folder in [*KINDS.values(), "references", "questionnaire"]:
        assert (site / folder / "index.html").is_file(), folder


def test_protocol_parameter_rows_have_anchors(site: Path, kb: KnowledgeBase) -> None:
    for p in kb.of("protocol"):
        ids = scan(_html(site, "protocol", p.id)).ids
        assert {param["id"] for param in p["parameters"]} <= ids


def _graph(site: Path) -> dict[str, set[str]]:
    """Each page's links; a paged list's later pages (`<page>/page/<n>/`) count as its page."""
    graph: dict[str, set[str]] = {}
    for html in site.rglob("index.html"):
        url = page_url(site, html)
        targets = set()
        for href in scan(html).links:
            hit = resolve(site, url, href)
            if hit:
                targets.add(page_url(site, hit[0]) if hit[0].name == "index.html" else "")
        graph.setdefault(re.sub(r"page/\d+/$", "", url), set()).update(targets)
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
    index = Index(kb)  # a page that cites a source, and the source's "Cited on" where it lives
    for key, citers in index.citers.items():
        home = "/" + served(index.home[key]).split("#")[0]
        pairs |= {(u(e.kind, e.id), home) for e in citers if u(e.kind, e.id) != home}
    for s in kb.of("study"):  # also studies with no graded finding
        for f in s["findings"]:
            if "modality" in f:
                pairs.add((u("study", s.id), u("modality", f["modality"])))
            if "condition" in f:
                pairs.add((u("study", s.id), u("condition", f["condition"])))
        pairs |= {(u("study", s.id), u("condition", c)) for c in s.get("conditions", [])}
        pairs |= {(u("study", s.id), u("modality", m)) for m in s.get("modalities", [])}
    for g in kb.of("guideline"):
        for r in g["recommendations"]:
            pairs.add((u("guideline", g.id), u("condition", r["condition"])))
            if "modality" in r:
                pairs.add((u("guideline", g.id), u("modality", r["modality"])))
    for p in kb.of("protocol"):  # a condition links the treatments that apply to it
        pairs |= {(u("condition", c), u("modality", p["modality"])) for c in p["conditions"]}
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
    scans = scan_site(site)  # each page parsed once
    for url, page in scans.items():
        for href in page.all_links:
            hit = resolve(site, url, href)
            if hit is None:
                continue
            path, fragment = hit
            assert path.exists(), f"{url}: broken link {href}"
            if fragment and path.suffix == ".html":
                assert fragment in scans[page_url(site, path)].ids, f"{url}: missing {href}"
            checked += 1
    assert checked > 1000


def _home(site: Path, kb: KnowledgeBase, key: str) -> tuple[Path, str]:
    """The page that describes a source, and the anchor of its entry there."""
    path, _, anchor = served(Index(kb).home[key]).partition("#")
    return site / path / "index.html", anchor


def test_every_citation_appears_in_the_bibliography(site: Path, kb: KnowledgeBase) -> None:
    cited = set()
    for e in kb.all():
        for path, value in walk(e.data):
            if isinstance(value, str):
                cited |= set(CITE.findall(value)) | ({value} if path[-1:] == ("ref",) else set())
    assert cited and cited <= set(kb.references)
    for key in kb.references:  # each source is described on its study's or guideline's page,
        html, anchor = _home(site, kb, key)  # or on References
        assert anchor in scan(html).ids, key
    listed = scan(site / "references" / "index.html").ids
    assert {k for k in kb.references if k not in {e.id for e in kb.pages()}} <= listed
    # the in-text marker itself links to where the source is described
    modality = scan(_html(site, "modality", "whole-body-cryotherapy"))
    assert "../../studies/lombardi2017wbc/#reference" in modality.links


def test_references_have_doi_pubmed_and_unverified_marks(site: Path, kb: KnowledgeBase) -> None:
    unverified = 0
    for key, ref in kb.references.items():
        page = scan(_home(site, kb, key)[0])
        if ref.get("doi"):
            assert f"https://doi.org/{ref.get('doi')}" in page.links, key
        if ref.get("pmid"):
            assert f"https://pubmed.ncbi.nlm.nih.gov/{ref.get('pmid')}/" in page.links, key
        elif ref.type == "article":
            assert "PubMed ID: not verified" in page.text, key
            unverified += 1
        if ref.unconfirmed:
            assert "Not verified" in page.text or "Not yet verified" in page.text, key
    assert unverified > 0


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


def test_neck_and_back_pain_pages_show_the_evidence_on_them(site: Path, kb: KnowledgeBase) -> None:
    """Graded findings with effect sizes, guideline advice, self-care and warning signs."""
    for cid in ("neck-pain", "back-pain"):
        page = scan(_html(site, "condition", cid))
        findings = [
            (s, f) for s in kb.of("study") for f in s["findings"] if f.get("condition") == cid
        ]
        assert findings, cid
        for s, f in findings:
            assert f["plain"].split()[0] in page.text and f"/studies/{s.id}/" in " ".join(
                page.links
            )
            if "effect" in f:  # with the figures' source markers taken out
                words = re.sub(r"\s+", "", re.sub(r"\[\d+\]", "", page.text))
                assert re.sub(r"\s+", "", f["effect"]["words"]) in words
        recs = [
            r for g in kb.of("guideline") for r in g["recommendations"] if r["condition"] == cid
        ]
        assert recs and all(r["strength"] in page.text for r in recs), cid
        assert {"self-care", "guidelines", "evidence-gap"} <= page.ids
        assert "When to get help quickly" in page.text
        assert all(s["text"] in page.text for s in kb.get("condition", cid)["urgent_help"])


def test_untested_treatments_are_listed_from_the_data(site: Path, kb: KnowledgeBase) -> None:
    """The "not yet tested" sentence names exactly the treatments with no finding."""
    for c in kb.of("condition"):
        text = scan(_html(site, "condition", c.id)).text
        tested = {
            f["modality"]
            for s in kb.of("study")
            for f in s["findings"]
            if f.get("condition") == c.id and "modality" in f
        }
        gap = text[text.index("What is not yet tested") :]
        gap = gap[
            : gap.index("Studies about") if "Studies about" in gap else gap.index("What guidelines")
        ]
        for m in kb.of("modality"):
            assert (m["name"].lower() in gap) == (m.id not in tested), (c.id, m.id)


SOURCE = r'href="[./]*(references/#[\w:-]+|(?:studies|guidelines)/[\w-]+/#reference)"'


def test_every_page_lists_every_source_it_cites(site: Path) -> None:
    """A page's References section holds each source cited anywhere on the page."""
    checked = 0
    for html in site.rglob("*/index.html"):
        raw = html.read_text()
        if 'id="references"' not in raw or "/references/index.html" in str(html):
            continue
        body, refs = raw.split('id="references"', 1)
        cited = set(re.findall(SOURCE, body))
        listed = set(re.findall(SOURCE, refs))
        assert cited <= listed, (html, cited - listed)
        checked += 1
    assert checked > 50


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


def test_an_effect_shows_its_confidence_level(site: Path) -> None:
    """A 95% interval unless the source reports another level (Abaidia 2017 gives 90%)."""
    base = {"value": -0.5, "ci": [-1, 0], "scale": "soreness", "when": "at 1 day"}
    assert "(95% CI " in effect({"measure": "standardised mean difference", **base})
    assert "effect size \u22120.5 (90% CI \u22121 to 0)" in effect(
        {"measure": "effect size", "ci_level": 90, **base}
    )
    page = scan(site / KINDS["study"] / "abaidia2017recovery" / "index.html").text
    level = r"%\s*(?:\[\d+\]\s*)?CI"  # a source marker may follow the number
    assert re.search("90" + level, page) and not re.search("95" + level, page)


def test_section_and_reference_pages_show_review_dates_and_notice(site: Path) -> None:
    for folder in [*KINDS.values(), "references"]:
        text = scan(site / folder / "index.html").text
        assert "Pages last reviewed:" in text and "Next review due:" in text, folder
        assert "Not medical advice" in text, folder


def test_fhir_questionnaire_is_published(site: Path, kb: KnowledgeBase) -> None:
    import json

    from cryokb.render.questionnaire_export import fhir

    published = json.loads((site / "questionnaire" / "questionnaire.fhir.json").read_text())
    base = published["url"].removesuffix("questionnaire/questionnaire.fhir.json")
    assert base.startswith("http://127.0.0.1:")  # the canonical URL follows the site's address
    assert published == fhir(kb, base)


def test_mkdocs_itself_refuses_to_build_bad_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Plain `mkdocs build` (as `mkdocs serve` runs it) goes through the hook's check too."""
    import hashlib
    import shutil

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    monkeypatch.setenv("CRYOKB_DATA", str(data))
    out = tmp_path / "site"
    build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(out)))  # a good site first

    def digest() -> dict[str, str]:
        files = sorted(p for p in out.rglob("*") if p.is_file())
        return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    before = digest()
    assert len(before) > 50
    bad = data / "side-effects" / "numbness.yaml"
    bad.write_text(bad.read_text().replace("serious: false", "serious: no\nsevere: true"))
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(out))
    with pytest.raises(Abort):
        build(config)
    assert "numbness.yaml:5:1: error: severe: unknown field" in caplog.text
    assert digest() == before  # MkDocs never cleaned the folder: the check runs first
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
        shown = re.sub(r"\s+", "", scan(_html(site, e.kind, e.id)).text)
        assert re.sub(r"\s+", "", about.get("name") or about["headline"]) in shown
        if e.kind == "modality":
            listed = [c for c in e["contraindications"] if c["level"] != "no-known-reason"]
            assert len(about["contraindication"]) == len(listed)


def test_every_page_is_a_whole_document(site: Path) -> None:
    """Every page written is a finished page, theme and all, never a bare fragment."""
    pages = list(site.rglob("*.html"))
    assert len(pages) > 50
    bare = [
        str(p.relative_to(site))
        for p in pages
        if not p.read_text("utf-8").lstrip().lower().startswith("<!doctype html>")
    ]
    assert bare == []
