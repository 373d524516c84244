"""Rules about the evidence and the safety table: wording, effect sizes, one cell per pair."""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from typing import Any

from cryokb.read.model import Entity, KnowledgeBase, as_list
from cryokb.read.problems import Problem
from cryokb.read.yamlio import Path_
from cryokb.rules.schema import dotted
from cryokb.rules.textsafety import visible

# GRADE certainty -> (pattern the plain sentence must contain, pattern it must not contain)
WORDING: dict[str, tuple[str | None, str | None]] = {
    "high": (None, r"\b(may|might|probably|uncertain)\b"),
    "moderate": (r"\bprobably\b", r"\b(may|might|uncertain)\b"),
    "low": (r"\b(may|might)\b", r"\b(probably|uncertain)\b"),
    "very-low": (r"\buncertain\b", None),
    "not-verified": (r"\bnot (yet )?(been )?(checked|verified)\b", None),
}
# Hand-written claims that evidence is missing go stale when a study is added.
ABSENCE = re.compile(
    r"\b(no (study|studies|trials?|research)|none of the studies|not been (studied|tested))\b",
    re.IGNORECASE,
)


def problems(entity: Entity, kb: KnowledgeBase) -> Iterator[Problem]:
    """Every evidence rule that applies to one entity."""
    data = entity.data
    if entity.kind == "study":
        for i, finding in enumerate(as_list(data.get("findings"))):
            yield from _wording(entity, i, finding)
            yield from _effect(entity, i, finding)
    if entity.kind == "modality":
        yield from _matrix(entity, kb)
    if entity.kind == "condition":
        yield from _linked(entity, kb)
    if entity.kind in ("condition", "modality", "protocol"):
        for path, value in entity.nodes:
            quoting = any(part in ("article_claim", "article_claims") for part in path)
            if isinstance(value, str) and not quoting and (m := ABSENCE.search(value)):
                yield entity.doc.problem(
                    path,
                    f"{dotted(path)}: '{m.group(0)}' claims what no study shows; the site writes "
                    "such sentences from the findings, so leave them out of the data",
                    needle=m.group(0),
                )


def _num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _wording(entity: Entity, i: int, finding: Any) -> Iterator[Problem]:
    if not isinstance(finding, dict):
        return
    rule = WORDING.get(str(finding.get("certainty")))
    plain = finding.get("plain")
    if rule is None or not isinstance(plain, str):
        return
    need, forbid = rule
    text = visible(plain).lower()  # as the page shows it
    at = ("findings", i, "plain")
    if (need and not re.search(need, text)) or (forbid and re.search(forbid, text)):
        yield entity.doc.problem(
            at,
            f"{dotted(at)}: wording does not match certainty '{finding['certainty']}' "
            "(high: 'reduces'; moderate: 'probably'; low: 'may'; very low: 'uncertain'; "
            "not verified: 'not yet been checked')",
        )


def _effect(entity: Entity, i: int, finding: Any) -> Iterator[Problem]:
    """A finding names its treatment and gives its effect size, or says why there is none."""
    if not isinstance(finding, dict):
        return
    at: Path_ = ("findings", i)
    if ("modality" in finding) == ("intervention" in finding):
        yield entity.doc.problem(
            at, f"{dotted(at)}: give either 'modality' (a cold treatment) or 'intervention'"
        )
    effect = finding.get("effect")
    if effect is None and "no_estimate" not in finding:
        yield entity.doc.problem(
            at, f"{dotted(at)}: give the 'effect' as the source reports it, or 'no_estimate'"
        )
    if not isinstance(effect, dict):
        return
    measure = effect.get("measure")
    need = {"group means": ("groups",), "p value only": ("p",), "percent change": ("groups",)}
    for key in need.get(str(measure), ("value", "ci")):
        if key not in effect:
            where = (*at, "effect")
            yield entity.doc.problem(where, f"{dotted(where)}: a {measure} needs '{key}'")
    if "ci_level" in effect and "ci" not in effect:
        where = (*at, "effect", "ci_level")
        yield entity.doc.problem(where, f"{dotted(where)}: a confidence level needs its 'ci'")
    importance = effect.get("importance")
    said = importance.get("words") if isinstance(importance, dict) else None
    if isinstance(said, str) and not re.search(r"\d", said):
        where = (*at, "effect", "importance", "words")
        yield entity.doc.problem(
            where,
            f"{dotted(where)}: give the source's own figure (what size matters, as it says); "
            "cryokb never works one out",
        )
    ci = effect.get("ci")
    if isinstance(ci, list) and len(ci) == 2 and _num(ci[0]) and _num(ci[1]):
        value = effect.get("value")
        if ci[0] > ci[1] or (_num(value) and not ci[0] <= value <= ci[1]):
            where = (*at, "effect", "ci")
            yield entity.doc.problem(
                where, f"{dotted(where)}: {ci} must run low to high and hold the value"
            )


# The last knowledge base asked about (held weakly, so `mkdocs serve` frees old ones) and the
# conditions linked in it.
_LINKED: list[Any] = [lambda: None, frozenset()]


def linked_conditions(kb: KnowledgeBase) -> frozenset[str]:
    """The conditions that a study, guideline or protocol names, worked out once per data set
    (each process of the check asks for every condition it checks)."""
    if _LINKED[0]() is not kb:
        found: set[str] = set()
        for s in kb.entities["study"].values():
            found.update(x for x in as_list(s.get("conditions")) if isinstance(x, str))
            for f in as_list(s.get("findings")):
                if isinstance(f, dict) and isinstance(f.get("condition"), str):
                    found.add(f["condition"])
        for g in kb.entities["guideline"].values():
            for r in as_list(g.get("recommendations")):
                if isinstance(r, dict) and isinstance(r.get("condition"), str):
                    found.add(r["condition"])
        for p in kb.entities["protocol"].values():
            found.update(x for x in as_list(p.get("conditions")) if isinstance(x, str))
        _LINKED[:] = [weakref.ref(kb), frozenset(found)]
    linked: frozenset[str] = _LINKED[1]
    return linked


def _linked(entity: Entity, kb: KnowledgeBase) -> Iterator[Problem]:
    """A condition page links evidence, or says from its data what was searched and found."""
    if entity.id not in linked_conditions(kb) and "evidence_search" not in entity.data:
        yield entity.doc.problem(
            ("id",),
            f"id: no study, guideline or protocol names condition '{entity.id}'; link one, or "
            "add 'evidence_search' saying what was searched and why none is cited",
        )


def _matrix(entity: Entity, kb: KnowledgeBase) -> Iterator[Problem]:
    """Every contraindication has a level, with its source, for this treatment."""
    cells = {
        c.get("id")
        for c in as_list(entity.get("contraindications"))
        if isinstance(c, dict) and isinstance(c.get("id"), str)
    }
    for cid in sorted(set(kb.entities["contraindication"]) - cells):
        yield entity.doc.problem(
            ("contraindications",),
            f"contraindications: no level for '{cid}' (add it with its level and source)",
            key=True,
        )


def popular_only_cells(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """The (treatment, contraindication) cells whose every source is a popular article or a
    home-care page (bib.POPULAR), not a clinical source."""
    out = []
    for m in kb.of("modality"):
        for c in as_list(m.get("contraindications")):
            refs = [s.get("ref") for s in as_list(c.get("sources")) if isinstance(s, dict)]
            known = [kb.references[r] for r in refs if r in kb.references]
            if known and all(ref.popular for ref in known):
                out.append((m.id, str(c.get("id"))))
    return out
