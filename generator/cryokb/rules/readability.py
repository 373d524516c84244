"""Plain language for patient text: sentence length, jargon, and the Flesch-Kincaid grade.

Computed offline: syllables come from pyphen's hyphenation dictionary (as textstat 0.7.3 does),
so no corpus download is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

import pyphen

from cryokb.read.model import Entity, plain_text, shape
from cryokb.read.problems import Problem
from cryokb.read.yamlio import Path_
from cryokb.rules.schema import dotted

# Fields a patient reads first, per kind ("*" is any list index).
PATIENT: dict[str, list[Path_]] = {
    "condition": [("summary",)],
    "modality": [("summary",)],
    "protocol": [("summary",)],
    "contraindication": [("summary",), ("why",), ("what_to_do",)],
    "side-effect": [("summary",), ("what_to_do",), ("get_help",)],
    "study": [("summary",)],
}
MAX_WORDS = 25  # words in one sentence (NHS style aims for about 15)
MAX_GRADE = 9.0  # Flesch-Kincaid grade; reading age 9 to 11 is roughly grades 4 to 6
JARGON = re.compile(
    r"\b(vasoconstriction|contraindicat\w*|analgesi\w*|cryoglobulin\w*|intramuscular|"
    r"edema|oedema|metabolic)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*|\d+(?:[.,]\d+)?")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


@cache
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def syllables(word: str) -> int:
    """Syllables in one word, as pyphen's hyphenation points count them (at least 1)."""
    return 1 if word[0].isdigit() else _syllables(word.lower())


@lru_cache(maxsize=1 << 16)  # texts share most of their words
def _syllables(word: str) -> int:
    hyphenated: str = _dictionary().inserted(word)
    return max(1, hyphenated.count("-") + 1)


def sentences(text: str) -> list[str]:
    """The text's sentences, with citation markers and link targets removed."""
    clean = _LINK.sub(r"\1", plain_text(text))
    return [s for s in _SENTENCE.split(clean.strip()) if s]


def grade(text: str) -> float:
    """Flesch-Kincaid grade: 0.39 x words/sentence + 11.8 x syllables/word - 15.59."""
    parts = sentences(text)
    words = [w for s in parts for w in _WORD.findall(s)]
    if not words:
        return 0.0
    count = sum(syllables(w) for w in words)
    return 0.39 * len(words) / len(parts) + 11.8 * count / len(words) - 15.59


def patient_texts(entity: Entity) -> Iterator[tuple[Path_, str]]:
    """Every patient-facing text of an entity, with its path."""
    patterns = set(PATIENT.get(entity.kind, []))
    for path, value in entity.nodes if patterns else []:
        if isinstance(value, str) and shape(path) in patterns:
            yield path, value


def problems(entity: Entity) -> Iterator[Problem]:
    """Long sentences and jargon are errors; a grade above MAX_GRADE is a warning."""
    for path, text in patient_texts(entity):
        field = dotted(path)
        for sentence in sentences(text):
            n = len(sentence.split())
            if n > MAX_WORDS:
                yield entity.doc.problem(
                    path,
                    f"{field}: a sentence of {n} words; patient text keeps to {MAX_WORDS} "
                    "(split it)",
                    needle=sentence.split()[0],
                )
            if m := JARGON.search(sentence):
                yield entity.doc.problem(
                    path,
                    f"{field}: '{m.group(0)}' is jargon in patient text (say it plainly)",
                    needle=m.group(0),
                )
        score = grade(text)
        if score > MAX_GRADE:
            yield entity.doc.problem(
                path,
                f"{field}: reading grade {score:.1f} (Flesch-Kincaid) is above {MAX_GRADE:g}; "
                "use shorter words and sentences",
                severity="warning",
            )
