"""The evidence as a FHIR R5 Bundle: valid by fhir.resources' R5 models, one Evidence per finding,
one Citation per reference studies and guidelines use, and the data's numbers back out of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.citation import Citation
from fhir.resources.evidence import Evidence

from cryokb.read import grade
from cryokb.read.model import KnowledgeBase, cited
from cryokb.render import evidence_fhir
from cryokb.render.links import Site
from cryokb.render.pages import render
from cryokb.rules.check import check_dir

ROOT = Path(__file__).parent.parent
BASE = "https://cryokb.test/"
DATA = {"fixture": ROOT / "tests" / "fixtures" / "minimal", "real": ROOT / "data"}


@pytest.fixture(scope="module", params=sorted(DATA))
def kb(request: pytest.FixtureRequest) -> KnowledgeBase:
    kb, problems = check_dir(DATA[request.param])
    assert problems == []
    return kb


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _findings(kb: KnowledgeBase) -> list[tuple[str, dict[str, Any]]]:
    return [(s.id, f) for s in kb.of("study") for f in s["findings"]]


def test_every_resource_validates_as_fhir_r5(kb: KnowledgeBase) -> None:
    bundle = evidence_fhir.bundle(kb, BASE, "2026-03-01-abc1234")
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    for entry in parsed.entry or []:
        resource = entry.resource
        assert isinstance(resource, (Evidence, Citation))
        again = type(resource).model_validate(resource.model_dump())
        assert again.url == entry.fullUrl
        assert again.version == "2026-03-01-abc1234"
        assert str(again.url).startswith(BASE + "fhir/")
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))


def test_one_evidence_per_finding_and_one_citation_per_reference(kb: KnowledgeBase) -> None:
    """Every finding and every reference of the bibliography is in the Bundle, with its DOI and
    PMID; the references the studies and guidelines cite are among them."""
    bundle = evidence_fhir.bundle(kb, BASE, "v")
    assert len(_resources(bundle, "Evidence")) == len(_findings(kb))
    citations = _resources(bundle, "Citation")
    assert len(citations) == len(kb.references)
    keys = {evidence_fhir.fhir_id(k): k for k in kb.references}
    assert {c["id"] for c in citations} == set(keys)
    used = {
        key
        for kind in ("study", "guideline")
        for e in kb.of(kind)
        for key in {e.id} | cited(e.data)
        if key in kb.references
    }
    assert used < set(kb.references)  # not only theirs: the safety pages' sources too
    for c in citations:
        ref = kb.references[keys[c["id"]]]
        ids = {i["system"]: i["value"] for i in c["citedArtifact"].get("identifier", [])}
        assert ids.get(evidence_fhir.DOI_SYSTEM, "") == ref.get("doi")
        assert ids.get(evidence_fhir.PMID_SYSTEM, "") == ref.get("pmid")


def test_each_evidence_cites_its_study_citation(kb: KnowledgeBase) -> None:
    bundle = evidence_fhir.bundle(kb, BASE, "v")
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    for (study, _), ev in zip(_findings(kb), _resources(bundle, "Evidence"), strict=True):
        cited = by_url[ev["citeAsReference"]["reference"]]
        assert cited["resourceType"] == "Citation"
        assert cited["id"] == evidence_fhir.fhir_id(study)


def test_round_trip_gives_the_data_numbers(kb: KnowledgeBase) -> None:
    """Value, CI bounds and level, certainty and its GRADE domains, read back through the R5
    models."""
    parsed = Bundle.model_validate(evidence_fhir.bundle(kb, BASE, "v"))
    evidences = [e.resource for e in parsed.entry or [] if isinstance(e.resource, Evidence)]
    for (study, finding), ev in zip(_findings(kb), evidences, strict=True):
        certainty = (ev.certainty or [])[0]
        assert certainty.type.coding[0].code == "Overall"
        assert certainty.type.coding[0].system == "http://hl7.org/fhir/certainty-type"
        rating = certainty.rating.coding[0].code if certainty.rating else "not-verified"
        assert rating == finding["certainty"]
        assert _grade_back(certainty) == _grade_of(kb.get("study", study).data, finding)
        effect = finding.get("effect")
        if effect is None:
            assert ev.statistic is None
            continue
        statistic = (ev.statistic or [])[0]
        value = statistic.quantity.value if statistic.quantity else None
        assert (None if value is None else float(value)) == effect.get("value")
        estimates = statistic.attributeEstimate or []
        if "ci" in effect:
            ci = estimates[0]
            assert [float(ci.range.low.value), float(ci.range.high.value)] == effect["ci"]
            assert float(ci.level) * 100 == pytest.approx(effect.get("ci_level", 95))
        else:
            assert estimates == []


# certainty-type code -> GRADE domain; certainty-rating code -> judgement
DOMAIN_OF = {code: field for field, code in evidence_fhir.DOMAIN_TYPES.items()}
JUDGEMENT_OF = {code: judged for judged, (code, _) in evidence_fhir.CONCERNS.items()}


def _grade_back(certainty: Any) -> dict[str, Any]:
    """The GRADE data as read from FHIR alone: start, domains with reasons, levels rated up."""
    out: dict[str, Any] = {"up": []}
    if certainty.description and certainty.description.startswith("GRADE, starting level: "):
        out["start"] = certainty.description.removeprefix("GRADE, starting level: ").rstrip(".")
    for sub in certainty.subcomponent or []:
        code = sub.type.coding[0].code
        rated = sub.rating.coding[0].code
        reason = " ".join(n.text for n in sub.note or [])
        if code in DOMAIN_OF:
            out[DOMAIN_OF[code]] = (JUDGEMENT_OF[rated], reason)
        else:
            out["up"].append((code, int(rated.removeprefix("upcode")), reason))
    return out


def _grade_of(study: dict[str, Any], finding: dict[str, Any]) -> dict[str, Any]:
    """The same, from the data: what the round trip must give back."""
    data = finding["grade"]
    out: dict[str, Any] = {"up": []}
    if "not_graded" in data:
        return out
    out["start"] = grade.start(study, data)
    if "adopted" in data:  # the source's own grade, whose domains were not read
        return out
    for j in grade.judgements(data):
        out[j.field] = (j.rating, " ".join(j.reason.split()))
    for item in data.get("rate_up", []):
        code = evidence_fhir.UPGRADE_TYPES[item["factor"]][0]
        out["up"].append((code, grade.UPGRADES[item["factor"]][1], item["reason"]))
    return out


def test_the_round_trip_reads_every_domain_and_upgrade() -> None:
    """Not vacuous: a serious, a very serious and a no-concern domain, and a reason to rate up
    (added here: the data has none yet), each come back with its reason."""
    kb, _ = check_dir(DATA["fixture"])
    finding = kb.get("study", "trial2020")["findings"][0]
    finding["grade"]["risk_of_bias"] = {"rating": "serious", "reason": "Open label."}
    finding["grade"]["rate_up"] = [{"factor": "very-large-effect", "reason": "Huge."}]
    ev = Evidence.model_validate(evidence_fhir.evidence(kb, "trial2020", 1, BASE, "v"))
    back = _grade_back((ev.certainty or [])[0])
    assert back["risk_of_bias"] == ("serious", "Open label.")
    assert back["imprecision"] == ("very-serious", "Ten people.")
    assert back["inconsistency"] == ("no-concern", "")
    assert back["up"] == [("LargeEffect", 2, "Huge.")]
    assert back["start"] == "high"
    assert back == _grade_of(kb.get("study", "trial2020").data, finding)


def test_real_data_has_numbers_to_round_trip() -> None:
    """The round trip is not vacuous: the real data has estimates with CIs and every rating."""
    kb, _ = check_dir(DATA["real"])
    findings = [f for _, f in _findings(kb)]
    assert sum("ci" in f.get("effect", {}) for f in findings) >= 2
    assert {f["certainty"] for f in findings} >= {"low", "very-low"}
    judged = {
        grade.judgement(d, f["grade"][d]).rating
        for f in findings
        for d in f["grade"]
        if d in grade.DOMAINS
    }
    assert judged == {"no-concern", "serious", "very-serious"}


def test_the_bundle_is_an_open_data_file() -> None:
    kb, _ = check_dir(DATA["fixture"])
    pages = render(kb, site=Site(BASE), version="v7")
    published = json.loads(pages[evidence_fhir.PATH].content)
    assert published == evidence_fhir.bundle(kb, BASE, "v7")
    page = (ROOT / "content" / "open-data.md").read_text(encoding="utf-8")
    assert evidence_fhir.PATH in page


def _within(example: Any, real: Any) -> bool:
    """Whether the page's shortened example is part of the real resource: every key it gives has
    the same value, every list item matches an item of the real list, and a '...' address ends
    the real one."""
    if isinstance(example, dict):
        return isinstance(real, dict) and all(
            k in real and _within(v, real[k]) for k, v in example.items()
        )
    if isinstance(example, list):
        return isinstance(real, list) and all(any(_within(x, r) for r in real) for x in example)
    if isinstance(example, str) and example.startswith("..."):
        return isinstance(real, str) and real.endswith(example.removeprefix("..."))
    return bool(example == real)


def test_the_open_data_page_documents_the_bundle_with_a_true_example() -> None:
    """The example on the open-data page is valid JSON and is, shortened, the fixture's own
    Evidence: its statistic, CI, overall certainty, a domain with its reason and its citation."""
    import re

    page = (ROOT / "content" / "open-data.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```json\n(.*?)```", page, re.S) if '"Evidence"' in b]
    example = json.loads(block)
    assert example["resourceType"] == "Evidence"
    kb, _ = check_dir(DATA["fixture"])
    real = evidence_fhir.evidence(kb, "trial2020", 1, BASE, "v")
    assert _within(example, real)
    assert not _within({**example, "title": "Something else"}, real)  # the check can fail
    for code in ("Overall", "RiskOfBias", "Inconsistency", "Indirectness", "Imprecision"):
        assert f"`{code}`" in page or f'"{code}"' in page
