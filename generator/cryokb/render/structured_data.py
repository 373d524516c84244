"""schema.org JSON-LD for each entity page: what the page visibly shows, for machines."""

from __future__ import annotations

from typing import Any

from cryokb.read.model import KINDS, Entity, KnowledgeBase, plain_text

ABOUT = {
    "condition": "MedicalCondition",
    "modality": "MedicalTherapy",
    "protocol": "MedicalTherapy",
    "contraindication": "MedicalContraindication",
    "side-effect": "MedicalSignOrSymptom",
    "study": "ScholarlyArticle",
    "guideline": "MedicalGuideline",
}


def jsonld(e: Entity, kb: KnowledgeBase, base_url: str = "") -> dict[str, Any]:
    """A MedicalWebPage with its address, review dates, audience and the thing it is about."""
    about: dict[str, Any] = {"@type": ABOUT[e.kind]}
    if e.kind in ("study", "guideline"):
        ref = kb.references[e.id]
        about.update(headline=ref.get("title"), datePublished=ref.get("year"))
        if ref.doi_url:
            about["sameAs"] = ref.doi_url
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
        "lastReviewed": e["reviewed"]["date"],
        "reviewedBy": {"@type": "Organization", "name": plain_text(e["reviewed"]["by"])},
        "medicalAudience": [
            {"@type": "MedicalAudience", "audienceType": "Patient"},
            {"@type": "MedicalAudience", "audienceType": "Clinician"},
        ],
        **({"description": plain_text(summary)} if isinstance(summary, str) else {}),
        **({"url": f"{base_url}{KINDS[e.kind]}/{e.id}/"} if base_url else {}),
        "about": about,
    }
