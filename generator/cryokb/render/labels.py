"""The words pages use for the data's codes: section titles, contraindication levels,
guideline stances and CEBM levels."""

from __future__ import annotations

SECTIONS = {
    "condition": "Conditions",
    "modality": "Treatments",
    "protocol": "Protocols",
    "contraindication": "Reasons not to use cold",
    "side-effect": "Side effects",
    "study": "Studies",
    "guideline": "Guidelines",
}
# Contraindication level for one treatment: (label, what it means for a patient)
LEVEL = {
    "do-not-use": (
        "Do not use",
        "Do not use it unless a doctor who knows your health says you can.",
    ),
    "ask-first": (
        "Ask a clinician first",
        "Talk to a doctor or physiotherapist before you try it.",
    ),
    "take-care": ("Take care", "Use it only with extra care, and stop if anything feels wrong."),
    "no-known-reason": (
        "No known reason",
        "The sources below give no reason to avoid it for this.",
    ),
}
STANCE = {
    "for": "recommended",
    "consider": "may be considered",
    "against": "recommended against",
    "no-recommendation": "no recommendation",
}
CEBM = {
    1: "Systematic review of randomised trials",
    2: "Randomised trial",
    3: "Non-randomised controlled study",
    4: "Case series or before-and-after study",
    5: "Reasoning from how the body works (mechanism) or expert review",
}
