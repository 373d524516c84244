"""Trace every number: each figure shown carries a marker that links to the source behind it.

A number in a text is sourced by a `[@key]` citation in its own sentence, by the `sources` of the
object the text sits in (a quantity, a statement, a contraindication cell), or, on a study's or
a guideline's page, by that study or guideline itself. `cryokb check` rejects a number with none
of these; the renderer puts a marker right after each one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cryokb.read.model import CITE, Entity
from cryokb.read.problems import Problem
from cryokb.read.yamlio import Path_
from cryokb.rules.schema import dotted

UNIT = (
    r"(?:\s?(?:°C|°F|%)|(?:\s|-)(?:minutes?|hours?|seconds?|days?|weeks?|months?|sessions?"
    r"(?: a (?:day|week))?|people|men|women|adults|patients|participants|trials?|studies|mm"
    r"|points?))"
)
NUMBER = r"[\u2212-]?\d+(?:\.\d+)?"
# A figure: a number or a range, with its unit when it has one; never part of a word or an id.
QUANTITY = re.compile(
    rf"(?<![\w.#/@\[\u2212-])(?:{NUMBER}(?:\s?(?:to|and|\u2013)\s?{NUMBER})?{UNIT}?)(?![\w/])"
)
YEAR = re.compile(r"^(1[89]|20)\d\d$")
SENTENCE = re.compile(r"(?<=[.!?])\s+")
NOT_TEXT = {"id", "name", "label", "date", "next_review", "ref", "unit", "version", "code"}
SELF_SOURCED = ("study", "guideline")


PHONE = ("call", "phone", "ring")


def _after_phone_word(text: str, start: int) -> bool:
    """Whether `call`, `phone` or `ring` and then spaces come right before `start`. Looks back
    only over those spaces and one word: a search of all the text before each number made the
    figure scan quadratic in a long run of numbers."""
    i = start
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i < start and text[max(0, i - 5) : i].lower().endswith(PHONE)


def is_figure(m: re.Match[str]) -> bool:
    """A figure, not a year or a phone number ("call 999")."""
    return not YEAR.match(m.group(0)) and not _after_phone_word(m.string, m.start())


def figures(sentence: str) -> list[re.Match[str]]:
    """The figures in a sentence, years and phone numbers left out."""
    return [m for m in QUANTITY.finditer(sentence) if is_figure(m)]


def _enclosing(data: Any, path: Path_) -> str:
    """The first `sources` key of the nearest object around `path` (not the entity itself)."""
    for depth in range(len(path) - 1, 0, -1):
        node = data
        for part in path[:depth]:
            node = node[part]
        if isinstance(node, dict) and isinstance(node.get("sources"), list) and node["sources"]:
            first = node["sources"][0]
            if isinstance(first, dict) and isinstance(first.get("ref"), str):
                return str(first["ref"])
    return ""


def problems(entity: Entity) -> Iterator[Problem]:
    """A number whose sentence cites nothing and whose object names no source."""
    if entity.kind in SELF_SOURCED or entity.kind == "questionnaire":
        return
    for path, value in entity.nodes:
        if not isinstance(value, str) or not path or path[-1] in NOT_TEXT:
            continue
        if "sources" in path or "reviewed" in path or _enclosing(entity.data, path):
            continue
        for sentence in SENTENCE.split(value):
            found = figures(CITE.sub("", sentence))
            if found and not CITE.search(sentence):
                yield entity.doc.problem(
                    path,
                    f"{dotted(path)}: '{found[0].group(0)}' has no source: cite it in its "
                    "sentence with [@key]",
                    needle=found[0].group(0),
                )
