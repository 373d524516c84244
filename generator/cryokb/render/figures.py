"""Numbers as pages show them: quantities in both units, and effect estimates."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from cryokb.read.model import Entity

# GRADE certainty: (label, symbol, what it means); direction of an effect in words.
CERTAINTY = {
    "high": ("High", "⊕⊕⊕⊕", "We are very confident the true effect is close to this."),
    "moderate": ("Moderate", "⊕⊕⊕◯", "The true effect is probably close to this."),
    "low": ("Low", "⊕⊕◯◯", "The true effect may be quite different."),
    "very-low": ("Very low", "⊕◯◯◯", "We have very little confidence in this."),
    "not-verified": ("Not yet verified", "?", "cryokb has not yet checked this result."),
}
DIRECTION = {
    "benefit": "Helped",
    "no-difference": "No clear difference",
    "harm": "Harmed",
    "favours-comparator": "The comparison did better",
    "unclear": "Unclear",
}
MEASURE = {
    "mean difference": "MD",
    "standardised mean difference": "SMD",
    "weighted mean difference": "WMD",
    "effect size": "effect size",  # as the source names it (e.g. a standardised effect)
}
# What a source says about which size matters (a finding's `effect.importance`), as a card
# labels it beside the effect.
IMPORTANCE = {
    "minimal-important-difference": "Smallest change that matters, as the source gives it",
    "absolute-effect": "In people, as the source gives it",
    "planned-difference": "The difference the trial was planned to find",
    "size-rule": "How the source rates sizes",
}
UNITS = {
    "minutes": ("minute", "minutes"),
    "hours": ("hour", "hours"),
    "weeks": ("week", "weeks"),
    "sessions-per-day": ("session a day", "sessions a day"),
    "sessions-per-week": ("session a week", "sessions a week"),
    "seconds": ("second", "seconds"),
    "days": ("day", "days"),
    "sessions": ("session", "sessions"),
}


def _number(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x % 1 else f"{x:.0f}"


def _range(low: float | None, high: float, approx: bool, unit: str) -> str:
    text = (
        f"{_number(low)} to {_number(high)}" if low is not None and low != high else _number(high)
    )
    if low is None and not approx and unit not in ("°C", "°F"):
        text = f"up to {text}"
    return ("about " if approx else "") + text


def quantity(q: dict[str, Any]) -> str:
    """`-135 to -110 °C (-211 to -166 °F)`; a difference converts without the 32° offset."""
    low, high, unit = q.get("min"), q["max"], q["unit"]
    approx = bool(q.get("approximate"))
    if unit in ("celsius", "celsius-difference"):
        scale, offset = 9 / 5, (32 if unit == "celsius" else 0)
        c = _range(low, high, approx, "°C")
        f_low = None if low is None else round(low * scale + offset)
        f = _range(f_low, round(high * scale + offset), approx, "°F")
        prefix = "" if low is not None else ("at most " if unit == "celsius" else "up to ")
        return f"{prefix}{c} °C ({f} °F)"
    one, many = UNITS[unit]
    word = one if low in (None, high) and high == 1 else many
    return f"{_range(low, high, approx, unit)} {word}"


def _num(x: float) -> str:
    return f"{x:g}".replace("-", "\u2212")


def effect(e: dict[str, Any]) -> str:
    """The effect estimate in numbers, as the source reports it."""
    measure = e["measure"]
    if measure in MEASURE:
        low, high = e["ci"]
        level = e.get("ci_level", 95)
        text = f"{MEASURE[measure]} {_num(e['value'])} ({level}% CI {_num(low)} to {_num(high)})"
    elif measure == "group means":
        text = f"means {_num(e['groups'][0])} and {_num(e['groups'][1])}"
    elif measure == "percent change":
        text = f"changes of {_num(e['groups'][0])}% and {_num(e['groups'][1])}%"
    else:
        text = "no size given"
    if "p" in e:
        text += f", p {e['p']}"
    return f"{text}; {e['scale']}; {e['when']}"


def review_span(entities: list[Entity]) -> dict[str, str]:
    """Earliest and latest review dates, and the earliest next review, of a list of pages."""
    reviewed = sorted(e["reviewed"]["date"] for e in entities)
    return {
        "first": reviewed[0],
        "last": reviewed[-1],
        "next": min(e["next_review"] for e in entities),
    }


@cache  # a few dates recur on every page
def day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"
