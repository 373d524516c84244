"""The knowledge base as FHIR R5: a Bundle of Evidence (one per finding) and Citation resources.

Certainty codes come from FHIR R5's own code systems (http://hl7.org/fhir/certainty-type and
certainty-rating: Overall, the five GRADE domains as subcomponents, the reasons to rate up);
variable-role, attribute-estimate-type and statistic-type from HL7 Terminology (THO). A measure
without a THO code is given as text only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from cryokb.read import grade
from cryokb.read.bib import Reference
from cryokb.read.model import Entity, KnowledgeBase, plain_text
from cryokb.render.figures import IMPORTANCE

PATH = "data/cryokb-evidence.fhir.json"
THO = "http://terminology.hl7.org/CodeSystem/"
R5 = "http://hl7.org/fhir/"  # R5's certainty-type and certainty-rating (THO's are R4B's)
RATINGS = {  # the finding's certainty -> its certainty-rating code and display
    "high": "High quality",
    "moderate": "Moderate quality",
    "low": "Low quality",
    "very-low": "Very low quality",
}
DOMAIN_TYPES = {  # a GRADE domain -> its certainty-type code
    "risk_of_bias": "RiskOfBias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "PublicationBias",
}
CONCERNS = {  # a judgement -> its certainty-rating code and display
    "no-concern": ("no-concern", "no serious concern"),
    "serious": ("serious-concern", "serious concern"),
    "very-serious": ("very-serious-concern", "very serious concern"),
}
UPGRADE_TYPES = {  # a reason to rate up -> its certainty-type code and display
    "large-effect": ("LargeEffect", "Large effect"),
    "very-large-effect": ("LargeEffect", "Large effect"),
    "dose-response": ("DoseResponseGradient", "Dose response gradient"),
    "plausible-confounding": ("PlausibleConfounding", "Plausible confounding"),
}
STATISTIC_TYPES = {  # a measure -> its statistic-type code and display, where THO has one
    "standardised mean difference": ("0000100", "Standardized Mean Difference"),
}
DOI_SYSTEM = "https://doi.org"
PMID_SYSTEM = "https://pubmed.ncbi.nlm.nih.gov"
NOT_ID = re.compile(r"[^A-Za-z0-9.-]+")


def fhir_id(key: str) -> str:
    """A FHIR id (letters, digits, '-' and '.', at most 64) for a key or an id."""
    return NOT_ID.sub("-", key)[:64]


def canonical(base_url: str, kind: str, id_: str) -> str:
    """A resource's canonical URL under the site, or a URN when the site has no URL."""
    return f"{base_url}fhir/{kind}/{id_}" if base_url else f"urn:cryokb:{kind.lower()}:{id_}"


def _code(system: str, code: str, display: str, base: str = THO) -> dict[str, Any]:
    return {"coding": [{"system": base + system, "code": code, "display": display}]}


def _variable(role: str, display: str, text: str) -> dict[str, Any]:
    return {"description": plain_text(text), "variableRole": _code("variable-role", role, display)}


def citation(ref: Reference, base_url: str, version: str) -> dict[str, Any]:
    """A Citation of one bibliography record, with its DOI and PMID as identifiers."""
    identifiers = [
        {"system": system, "value": ref.get(field)}
        for field, system in (("doi", DOI_SYSTEM), ("pmid", PMID_SYSTEM))
        if ref.get(field)
    ]
    artifact: dict[str, Any] = {"title": [{"text": ref.get("title") or ref.key}]}
    if identifiers:
        artifact["identifier"] = identifiers
    if ref.get("url"):
        artifact["webLocation"] = [{"url": ref.get("url")}]
    id_ = fhir_id(ref.key)
    return {
        "resourceType": "Citation",
        "id": id_,
        "url": canonical(base_url, "Citation", id_),
        "version": version,
        "title": ref.get("title") or ref.key,
        "status": "active",
        "summary": [{"text": ref.citation}],
        "citedArtifact": artifact,
    }


def _statistic(finding: dict[str, Any], participants: Any) -> dict[str, Any]:
    """The finding's effect as a statistic: its value, confidence interval and notes."""
    effect = finding["effect"]
    measure = effect["measure"]
    kind: dict[str, Any] = {"text": measure}
    if measure in STATISTIC_TYPES:
        code, display = STATISTIC_TYPES[measure]
        kind = {**_code("statistic-type", code, display), "text": measure}
    out: dict[str, Any] = {"description": plain_text(effect["words"]), "statisticType": kind}
    if "value" in effect:
        out["quantity"] = {"value": effect["value"]}
    if "ci" in effect:
        level = effect.get("ci_level", 95)
        out["attributeEstimate"] = [
            {
                "description": f"{level}% confidence interval",
                "type": _code("attribute-estimate-type", "C53324", "Confidence interval"),
                "level": level / 100,
                "range": {"low": {"value": effect["ci"][0]}, "high": {"value": effect["ci"][1]}},
            }
        ]
    notes = [f"Measured: {effect['scale']}, {effect['when']}."]
    if "groups" in effect:
        notes.append(
            f"Group means: treatment {effect['groups'][0]}, comparison {effect['groups'][1]}."
        )
    if "p" in effect:
        notes.append(f"p {effect['p']}.")
    if "importance" in effect:  # what size matters, as the source says (never computed)
        imp = effect["importance"]
        notes.append(f"{IMPORTANCE[imp['kind']]}: {imp['words']}")
    out["note"] = [{"text": plain_text(n)} for n in notes]
    size = {
        "numberOfStudies": finding.get("studies"),
        "numberOfParticipants": finding.get("participants", participants),
    }
    if size := {k: v for k, v in size.items() if v is not None}:
        out["sampleSize"] = size
    return out


def _subcomponents(study: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each GRADE domain, and each reason to rate up, as a certainty subcomponent."""
    out = []
    for j in grade.judgements(data):
        code, display = CONCERNS.get(j.rating, CONCERNS["no-concern"])
        sub: dict[str, Any] = {
            "type": _code("certainty-type", DOMAIN_TYPES[j.field], j.label, R5),
            "rating": _code("certainty-rating", code, display, R5),
        }
        if j.reason:
            sub["note"] = [{"text": plain_text(j.reason)}]
        out.append(sub)
    for item in data.get("rate_up", []):
        code, display = UPGRADE_TYPES[item["factor"]]
        levels = grade.UPGRADES[item["factor"]][1]
        out.append(
            {
                "type": _code("certainty-type", code, display, R5),
                "rating": _code(
                    "certainty-rating", f"upcode{levels}", f"increase rating: +{levels}", R5
                ),
                "note": [{"text": plain_text(item["reason"])}],
            }
        )
    return out


def _certainty(study: dict[str, Any], finding: dict[str, Any]) -> dict[str, Any]:
    """The finding's overall certainty, rated when cryokb has rated it, with its domains as
    subcomponents; its starting level in the description."""
    data = finding["grade"]
    out: dict[str, Any] = {
        "type": _code("certainty-type", "Overall", "Overall certainty", R5),
        "rater": "cryokb",
    }
    notes = [data[k] for k in ("adopted", "not_graded") if k in data] + data.get("notes", [])
    if finding["certainty"] in RATINGS:
        code = finding["certainty"]
        out["rating"] = _code("certainty-rating", code, RATINGS[code], R5)
        out["description"] = f"GRADE, starting level: {grade.start(study, data)}."
        if "adopted" not in data:  # an adopted grade's domains were not read: none to give
            out["subcomponent"] = _subcomponents(study, data)
    else:
        out["description"] = "Not yet verified: cryokb has not yet checked this result."
    if "source_grade" in finding:
        notes.append("As the source grades it: " + finding["source_grade"])
    if notes:
        out["note"] = [{"text": plain_text(n)} for n in notes]
    return out


def evidence(
    kb: KnowledgeBase, study_id: str, n: int, base_url: str, version: str
) -> dict[str, Any]:
    """The Evidence for the study's finding `n` (from 1)."""
    study = kb.get("study", study_id)
    finding = study["findings"][n - 1]
    if "intervention" in finding:
        exposure = finding["intervention"]
    elif "modality" in finding:
        exposure = kb.get("modality", finding["modality"])["name"]
    else:
        exposure = study["intervention"]
    id_ = fhir_id(f"{study_id}-{n}")
    out: dict[str, Any] = {
        "resourceType": "Evidence",
        "id": id_,
        "url": canonical(base_url, "Evidence", id_),
        "version": version,
        "title": plain_text(f"{finding['outcome']}: {exposure} vs {finding['comparator']}"),
        "status": "active",
        "description": plain_text(finding["plain"]),
        "studyDesign": [{"text": plain_text(study["design"])}],
        "variableDefinition": [
            _variable("population", "population", study["population"]),
            _variable("exposure", "exposure", exposure),
            _variable("referenceExposure", "reference exposure", finding["comparator"]),
            _variable("measuredVariable", "measured variable", finding["outcome"]),
        ],
        "certainty": [_certainty(study.data, finding)],
    }
    if study_id in kb.references:
        out["citeAsReference"] = {
            "reference": canonical(base_url, "Citation", fhir_id(study_id)),
            "display": kb.references[study_id].get("title") or study_id,
        }
    if "effect" in finding:
        out["statistic"] = [_statistic(finding, study.get("participants"))]
    else:
        out["note"] = [{"text": "No estimate: " + plain_text(finding.get("no_estimate", ""))}]
    return out


def _head(base_url: str, version: str) -> dict[str, Any]:
    """The Bundle without its entries."""
    return {
        "resourceType": "Bundle",
        "id": "cryokb-evidence",
        "identifier": {"system": base_url + PATH if base_url else "urn:cryokb", "value": version},
        "type": "collection",
    }


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": resource["url"], "resource": resource}


def _evidence(
    kb: KnowledgeBase, study: Entity, base_url: str, version: str
) -> list[dict[str, Any]]:
    """A study's Evidence resources, one per finding."""
    count = len(study["findings"])
    return [evidence(kb, study.id, n, base_url, version) for n in range(1, count + 1)]


def bundle(kb: KnowledgeBase, base_url: str, version: str) -> dict[str, Any]:
    """A collection Bundle: every finding's Evidence, then the Citations they and guidelines use."""
    resources = [r for s in kb.of("study") for r in _evidence(kb, s, base_url, version)]
    # One Citation per reference of the bibliography, in its order: the studies' and guidelines'
    # own records and every source the other pages cite.
    resources += [citation(ref, base_url, version) for ref in kb.references.values()]
    return {**_head(base_url, version), "entry": [_entry(r) for r in resources]}


def _lines(resources: list[dict[str, Any]]) -> str:
    return ",\n".join(json.dumps(_entry(r), ensure_ascii=False) for r in resources)


def _fresh(_: Entity, make: Callable[[], str]) -> str:
    return make()


def files(
    kb: KnowledgeBase,
    base_url: str,
    version: str,
    each: Callable[[Entity, Callable[[], str]], str] = _fresh,
) -> dict[str, str]:
    """The Bundle as an open data file, by its path under the docs folder: one entry a line, so
    a diff names the resources that changed (and json's C encoder writes it: `indent` would
    take its pure-Python one, 0.8 s of a build at 1,000 studies). `each(study, make)` gives a
    study's lines, `make()` unless a preview reuses them (render/reuse.py)."""

    def lines(study: Entity) -> Callable[[], str]:
        return lambda: _lines(_evidence(kb, study, base_url, version))

    parts = [each(s, lines(s)) for s in kb.of("study")]
    parts.append(_lines([citation(ref, base_url, version) for ref in kb.references.values()]))
    head = json.dumps(_head(base_url, version), ensure_ascii=False)[:-1]  # without its brace
    entries = ",\n".join(part for part in parts if part)
    return {PATH: f'{head}, "entry": [\n{entries}\n]}}\n'}
