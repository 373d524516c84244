"""schema.org JSON-LD for each entity page: what the page visibly shows, for machines."""

from __future__ import annotations

from typing import Any

from cryokb.read.grade import design_start
from cryokb.read.model import KINDS, Entity, KnowledgeBase, plain_text

ABOUT = {
    "condition": "MedicalCondition",
    "modality": "MedicalTherapy",
    "protocol": "MedicalTherapy",
    "contraindication": "MedicalContraindication",
    "side-effect": "MedicalSignOrSymptom",
    "study": "MedicalScholarlyArticle",  # or MedicalTrial, when the study is a trial
    "guideline": "MedicalGuideline",
}


# Words in a trial's design -> its schema.org MedicalTrialDesign.
TRIAL_DESIGNS = {
    "randomi": "RandomizedTrial",
    "double-blind": "DoubleBlindedTrial",
    "open label": "OpenTrial",
    "open-label": "OpenTrial",
}


def is_trial(design: str) -> bool:
    """A trial by its design's own words: a trial, not a review of trials."""
    words = design.lower()
    return "trial" in words and "review" not in words.split("trial")[0]


def _article(e: Entity, kb: KnowledgeBase) -> dict[str, Any]:
    """The study's publication: a MedicalScholarlyArticle with its title, year and DOI."""
    ref = kb.references[e.id]
    out: dict[str, Any] = {
        "@type": "MedicalScholarlyArticle" if e.kind == "study" else "MedicalGuideline",
        "headline": ref.get("title"),
        "datePublished": ref.get("year"),
    }
    if ref.doi_url:
        out["sameAs"] = ref.doi_url
    return out


def _study(e: Entity, kb: KnowledgeBase) -> dict[str, Any]:
    """A trial as a MedicalTrial described by its article; any other study as its article."""
    article = _article(e, kb)
    design = str(e.get("design", ""))
    if not is_trial(design):
        return article
    trial: dict[str, Any] = {"@type": "MedicalTrial", "name": article["headline"]}
    kinds = sorted({v for k, v in TRIAL_DESIGNS.items() if k in design.lower()})
    if design_start(design) != "high":
        kinds = [k for k in kinds if k != "RandomizedTrial"]
    if kinds:
        trial["trialDesign"] = [f"https://schema.org/{k}" for k in kinds]
    trial["subjectOf"] = article
    return trial


def _reviewers(reviewed: dict[str, Any]) -> Any:
    """Who reviewed the page: the editors, and the clinician who signed it off, if one did."""
    editors = {"@type": "Organization", "name": plain_text(reviewed["by"])}
    clinician = reviewed.get("clinician")
    if not isinstance(clinician, dict):
        return editors
    person = {
        "@type": "Person",
        "name": plain_text(clinician["name"]),
        "jobTitle": plain_text(clinician["role"]),
    }
    return [editors, person]


def jsonld(
    e: Entity, kb: KnowledgeBase, base_url: str = "", language: str = "en"
) -> dict[str, Any]:
    """A MedicalWebPage in the site's language with its address, review dates, audience and the
    thing it is about."""
    about: dict[str, Any] = {"@type": ABOUT[e.kind]}
    if e.kind == "study":
        about = _study(e, kb)
    elif e.kind == "guideline":
        about = _article(e, kb)
    if "name" in e.data:
        about["name"] = plain_text(e["name"])
    if e.kind == "modality":
        about["contraindication"] = [
            {
                "@type": "MedicalContraindication",
                "name": plain_text(kb.get("contraindication", c["id"])["name"]),
            }
            for c in e["contraindications"]
            if c["level"] != "no-known-reason"
        ]
        about["adverseOutcome"] = [
            {"@type": "MedicalEntity", "name": plain_text(kb.get("side-effect", s)["name"])}
            for s in e["side_effects"]
        ]
    summary = e.get("summary")
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "inLanguage": language,
        "lastReviewed": e["reviewed"]["date"],
        "reviewedBy": _reviewers(e["reviewed"]),
        "medicalAudience": [
            {"@type": "MedicalAudience", "audienceType": "Patient"},
            {"@type": "MedicalAudience", "audienceType": "Clinician"},
        ],
        **({"description": plain_text(summary)} if isinstance(summary, str) else {}),
        **({"url": f"{base_url}{KINDS[e.kind]}/{e.id}/"} if base_url else {}),
        "about": about,
    }
