"""GRADE as data: a finding's starting level, its five domains and reasons to rate up, and the
certainty that follows from them (serious = -1, very serious = -2, each reason to rate up +1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# The five reasons to rate down, in GRADE's order: data field -> label.
DOMAINS: dict[str, str] = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
}
# Reasons to rate up: factor -> (label, levels).
UPGRADES: dict[str, tuple[str, int]] = {
    "large-effect": ("Large effect", 1),
    "very-large-effect": ("Very large effect", 2),
    "dose-response": ("Dose-response", 1),
    "plausible-confounding": ("Plausible confounding", 1),
}
STEPS = {"no-concern": 0, "serious": 1, "very-serious": 2}  # levels a judgement rates down
RATING_LABEL = {
    "no-concern": "not downgraded",
    "serious": "serious",
    "very-serious": "very serious",
}
LEVELS = ["very-low", "low", "moderate", "high"]  # index = GRADE points - 1
# A design that says clearly where it starts: randomised trials (and reviews of only them) start
# high; observational designs start low. Anything else must record `start`.
_HIGH = re.compile(
    r"^(double-blind |open-label )?randomi[sz]ed( crossover)? trial\b"
    r"|systematic review of randomi[sz]ed trials$",
    re.IGNORECASE,
)
_LOW = re.compile(
    r"\b(non-randomi[sz]ed|not randomi[sz]ed|uncontrolled|historically controlled|observational"
    r"|case series|cohort)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Judgement:
    """One domain: its field, label, rating and the reason in words ('' when none is given)."""

    field: str
    label: str
    rating: str
    reason: str

    @property
    def steps(self) -> int:
        return STEPS.get(self.rating, 0)


def design_start(design: Any) -> str | None:
    """'high' or 'low' when the study's design says so clearly, else None."""
    if not isinstance(design, str):
        return None
    if _HIGH.search(design.strip()):
        return "high"
    if _LOW.search(design):
        return "low"
    return None


def start(study: dict[str, Any], grade: dict[str, Any]) -> str | None:
    """The starting level: the one recorded, else the one the design clearly implies."""
    given = grade.get("start")
    return given if given in ("high", "low") else design_start(study.get("design"))


def judgement(field: str, value: Any) -> Judgement:
    """A domain's judgement from its data: `no-concern`, or {rating, reason}."""
    if isinstance(value, dict):
        rating, reason = value.get("rating"), value.get("reason")
    else:
        rating, reason = value, None
    return Judgement(
        field,
        DOMAINS[field],
        rating if isinstance(rating, str) else "",
        reason if isinstance(reason, str) else "",
    )


def judgements(grade: dict[str, Any]) -> list[Judgement]:
    """The domains the grade records, in GRADE's order."""
    return [judgement(f, grade[f]) for f in DOMAINS if f in grade]


def upgrades(grade: dict[str, Any]) -> list[tuple[str, int, str]]:
    """Each reason to rate up: (label, levels, reason in words)."""
    out = []
    for item in grade.get("rate_up") or []:
        if isinstance(item, dict) and item.get("factor") in UPGRADES:
            label, levels = UPGRADES[item["factor"]]
            out.append((label, levels, str(item.get("reason", ""))))
    return out


def derived(study: dict[str, Any], grade: dict[str, Any]) -> str | None:
    """The certainty the start, the downgrades and the upgrades give, clamped to very low..high;
    None when the start is unknown."""
    first = start(study, grade)
    if first is None:
        return None
    points = (4 if first == "high" else 2) - sum(j.steps for j in judgements(grade))
    points += sum(levels for _, levels, _ in upgrades(grade))
    return LEVELS[min(max(points, 1), 4) - 1]


def sum_up(study: dict[str, Any], grade: dict[str, Any]) -> str:
    """The arithmetic in words, with minus signs: 'start high, imprecision (minus) 2 = low'."""
    parts = [f"start {start(study, grade) or 'unknown'}"]
    parts += [f"{j.label.lower()} \u2212{j.steps}" for j in judgements(grade) if j.steps]
    parts += [f"{label.lower()} +{levels}" for label, levels, _ in upgrades(grade)]
    result = derived(study, grade)
    return ", ".join(parts) + f" = {result.replace('-', ' ') if result else 'unknown'}"


def table(study: dict[str, Any], grade: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The grade as rows a page shows: (what, judgement, why). In a grade adopted from the
    source, a domain recorded as no-concern says 'Not read', not 'Not downgraded'."""
    first = start(study, grade)
    why = "Recorded: the design alone does not say." if "start" in grade else "From the design."
    kind = "randomised trials" if first == "high" else "observational studies"
    rows = [("Starting level", f"{(first or 'unknown').capitalize()} ({kind})", why)]
    adopted = "adopted" in grade  # the source's own grade: a domain it was not read for
    for j in judgements(grade):
        rating = "not read" if adopted and not j.steps else RATING_LABEL.get(j.rating, j.rating)
        judged = f"{rating} (\u2212{j.steps})" if j.steps else rating
        rows.append((j.label, judged.capitalize(), j.reason))
    rows += [
        (f"Rated up: {label}", f"Rated up (+{levels})", why)
        for label, levels, why in upgrades(grade)
    ]
    return rows
