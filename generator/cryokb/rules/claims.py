"""No hand-written page says what the evidence shows: `cryokb check` reads content/*.md.

A hand-written sentence such as "none of the studies tested people with back pain" goes stale
the day a study is added, and nothing checks it against the data. So the check reports, by file
and line, each phrase that claims what studies show, and each marker it cannot fill; the page
takes such words from the data with a marker instead (markers.py). What the check skips: the
markers themselves, quoted words (the source article's claims, or the wording a label stands
for), code, and HTML comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from cryokb.read.problems import Problem
from cryokb.render import markers

_STUDY = r"(?:stud(?:y|ies)|trials?|reviews?|meta-analys[ie]s|research|evidence|data)"
_SHOW = (
    r"(?:show(?:s|ed|n)?|found|finds?|suggest(?:s|ed)?|prove[sdn]?|confirm(?:s|ed)?|indicate[sd]?)"
)
# Each pattern, words apart by any space or line break, case ignored.
PATTERNS = [
    r"(?:nobody|no one) knows",
    rf"none of the {_STUDY}",
    rf"\b{_STUDY} (?:(?:has|have|had) )?(?:also )?{_SHOW}",
    rf"\bno {_STUDY}(?: \w+){{0,5}}? (?:measured|tested|looked|compared|{_SHOW}|support(?:s|ed)?)",
    rf"\b(?:a|an|the|one|this|that|each|every|two|three) (?:\w+ ){{0,3}}?{_STUDY}"
    rf"(?:,? \w+){{0,4}}?,? (?:found|showed|shows|proved|suggests|concluded)",
    r"\b(?:result|results|finding|findings) (?:\w+ ){0,4}?(?:favou?rs?|showed|shows)\b",
    r"\b(?:most|many|few|all) (?:of (?:them|the \w+) )?(?:tested|studied|measured|found|showed)\b",
    r"\b(?:too little|little|no|strong|moderate|weak|good|limited|insufficient|clear|conclusive)"
    r" evidence\b",
    r"\b(?:has|have|was|were|is|are) (?:not |never )?(?:yet )?(?:been )?(?:proven|shown) to\b",
    r"\b(?:is|are) (?:not )?(?:proven|effective|ineffective)\b",
    r"\b(?:did|does|do|works?|helped|helps) (?:about )?(?:as well|better|worse|equally)\b",
]
CLAIM = re.compile("|".join(p.replace(" ", r"\s+") for p in PATTERNS), re.IGNORECASE)
# Skipped, kept the same length so lines stay where they are: "quoted", `code`, <!-- comments -->.
SKIP = re.compile(r"\"[^\"\n]*(?:\n[^\"\n]+)*\"|“[^”]*”|`[^`\n]*`|<!--.*?-->", re.DOTALL)
FIX = "take the words from the data with a marker, e.g. <!-- cryokb: what-we-know -->"


def _blank(m: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def page_problems(text: str, name: str, conditions: set[str]) -> Iterator[Problem]:
    """The hand-written evidence claims and the markers that cannot be filled in one page."""
    for line, message in markers.problems(text, conditions):
        yield Problem(name, line, 1, message)
    plain = SKIP.sub(_blank, text)
    for m in CLAIM.finditer(plain):
        line = plain.count("\n", 0, m.start()) + 1
        column = m.start() - plain.rfind("\n", 0, m.start())
        said = " ".join(m.group(0).split())
        yield Problem(name, line, column, f"hand-written evidence claim '{said}': {FIX}")


def problems(content: Path, conditions: set[str]) -> Iterator[Problem]:
    """Every problem in the hand-written pages of `content` (none when there is no folder)."""
    for path in sorted(content.rglob("*.md")) if content.is_dir() else []:
        yield from page_problems(path.read_text(encoding="utf-8"), str(path), conditions)
