"""Every rule the data must obey: schema, references, units, dates, wording, plain language."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from cryokb.read import bib
from cryokb.read import load as loader
from cryokb.read.model import CITE, Entity, KnowledgeBase, as_list, shape
from cryokb.read.problems import Problem
from cryokb.read.yamlio import Path_
from cryokb.rules import claims, evidence, grade, readability, signoff, trace, urls
from cryokb.rules.questionnaire import questionnaire_problems
from cryokb.rules.schema import dotted, schema_problems
from cryokb.rules.textsafety import MAX_TEXT, unsafe

# (kind, path pattern, kind the value must name); "*" matches any list index.
REFS: list[tuple[str, Path_, str]] = [
    ("modality", ("side_effects", "*"), "side-effect"),
    ("modality", ("contraindications", "*", "id"), "contraindication"),
    ("protocol", ("modality",), "modality"),
    ("protocol", ("conditions", "*"), "condition"),
    ("study", ("findings", "*", "condition"), "condition"),
    ("study", ("findings", "*", "modality"), "modality"),
    ("study", ("conditions", "*"), "condition"),
    ("study", ("modalities", "*"), "modality"),
    ("guideline", ("recommendations", "*", "condition"), "condition"),
    ("guideline", ("recommendations", "*", "modality"), "modality"),
    ("questionnaire", ("modalities", "*"), "modality"),
    ("questionnaire", ("questions", "*", "raises", "*"), "contraindication"),
]
# (kind, path pattern of a list, key that must be unique in it, or None for the items)
UNIQUE: list[tuple[str, Path_, str | None]] = [
    ("modality", ("side_effects",), None),
    ("modality", ("contraindications",), "id"),
    ("protocol", ("conditions",), None),
    ("study", ("conditions",), None),
    ("study", ("modalities",), None),
    ("protocol", ("parameters",), "id"),
    ("questionnaire", ("modalities",), None),
    ("questionnaire", ("questions",), "id"),
    ("questionnaire", ("questions", "*", "raises"), None),
]
MINUTES = {"seconds": 1 / 60, "minutes": 1.0}
# The units each kind of number may have: a temperature in minutes is a mistake.
UNITS: dict[str, set[str]] = {
    "temperature": {"celsius"},
    "duration": {"seconds", "minutes"},
    "frequency": {"sessions-per-day", "sessions-per-week"},
    "course": {"days", "weeks", "sessions"},
}
# Quantities whose kind follows from their field (protocol parameters name their own kind).
FIELD_KIND = {"temperature": "temperature", "typical_duration": "duration"}
FIELD_KIND["maximum_duration"] = "duration"
TODO = re.compile(r"\bTODO\b")


def check_dir(
    root: Path, today: date | None = None, content: Path | None = None
) -> tuple[KnowledgeBase, list[Problem]]:
    """Load and check one data folder, and the hand-written pages in `content` (by default
    `content/` beside the data folder, if there is one); the problems come back sorted by file
    and line."""
    kb, problems = loader.load(root)
    problems += iter_problems(kb, today or date.today())
    problems += urls.problems(kb, root)
    problems += claims.problems(content or root.parent / "content", set(kb.entities["condition"]))
    return kb, sorted(set(problems))


def iter_problems(kb: KnowledgeBase, today: date) -> Iterator[Problem]:
    """Every problem in a loaded knowledge base; the bibliography's own rules come last, once
    every citation is known."""
    used: set[str] = set(kb.entities["study"]) | set(kb.entities["guideline"])
    entities = [e for e in kb.all() if not e.broken]  # a broken file's error is reported
    for entity in entities:
        yield from _entity(entity, kb, today, used)
    if kb.questionnaire is not None and not kb.questionnaire.broken:
        yield from questionnaire_problems(kb.questionnaire, kb)
    # A file that cannot be read cites what nobody can know: its references are not reported
    # as unused (one mistake, one error).
    broken = any(e.broken for e in kb.all())
    yield from bib.problems(kb.references, kb.bib_file, None if broken else used)


def _entity(entity: Entity, kb: KnowledgeBase, today: date, used: set[str]) -> Iterator[Problem]:
    yield from schema_problems(entity)
    yield from _identity(entity, kb)
    yield from _references(entity, kb, used)
    yield from _uniques(entity)
    yield from _domain(entity, kb, today)
    yield from readability.problems(entity)
    yield from trace.problems(entity)
    for path, value in entity.nodes:
        if not isinstance(value, str):
            continue
        if len(value) > MAX_TEXT:
            yield entity.doc.problem(
                path, f"{dotted(path)}: text of {len(value)} characters; the limit is {MAX_TEXT}"
            )
        if why := unsafe(value):
            yield entity.doc.problem(path, f"{dotted(path)}: {why}", needle=why.needle)
        if m := TODO.search(value):
            yield entity.doc.problem(
                path, f"{dotted(path)}: TODO left: write this field", needle=m.group(0)
            )


def stale(kb: KnowledgeBase, today: date) -> list[Problem]:
    """A warning for each entity whose `next_review` date has passed."""
    out = []
    for entity in kb.all():
        nxt = _date(entity.get("next_review"))
        if nxt and nxt < today:
            out.append(
                entity.doc.problem(
                    ("next_review",),
                    f"next_review: review overdue since {nxt} ({(today - nxt).days} days)",
                    severity="warning",
                )
            )
    return sorted(out)


def _identity(entity: Entity, kb: KnowledgeBase) -> Iterator[Problem]:
    declared = entity.get("id")
    if entity.kind != "questionnaire" and isinstance(declared, str) and declared != entity.id:
        yield entity.doc.problem(
            ("id",), f"id: '{declared}' does not match the file name '{entity.id}.yaml'"
        )
    if entity.kind in ("study", "guideline") and entity.id not in kb.references:
        yield entity.doc.problem(("id",), f"id: no BibTeX entry '{entity.id}' in references.bib")
    for i, alias in enumerate(as_list(entity.get("aliases"))):
        if alias in kb.entities.get(entity.kind, {}):
            yield entity.doc.problem(
                ("aliases", i), f"aliases[{i}]: '{alias}' is the id of another {entity.kind}"
            )


def _references(entity: Entity, kb: KnowledgeBase, used: set[str]) -> Iterator[Problem]:
    rules = {p: target for kind, p, target in REFS if kind == entity.kind}
    lasts = {p[-1] for p in rules}  # a cheap filter before the path's shape is worked out
    for path, value in entity.nodes:
        if not isinstance(value, str) or value == "TODO":
            continue
        keys = [value] if path and path[-1] == "ref" else CITE.findall(value)
        for key in keys:
            used.add(key)
            if key not in kb.references:
                yield entity.doc.problem(
                    path,
                    f"{dotted(path)}: unknown reference '{key}'{_closest(key, kb.references)}",
                    needle=key,
                )
        last = "*" if path and isinstance(path[-1], int) else (path[-1] if path else None)
        target = rules.get(shape(path)) if last in lasts else None
        if target and value not in kb.entities[target]:
            tip = _closest(value, kb.entities[target])
            yield entity.doc.problem(path, f"{dotted(path)}: unknown {target} '{value}'{tip}")


def _closest(name: str, known: Iterable[str]) -> str:
    """` (did you mean 'a' or 'b'?)` for the nearest known ids, or ''."""
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def _uniques(entity: Entity) -> Iterator[Problem]:
    rules = {pattern: key for kind, pattern, key in UNIQUE if kind == entity.kind}
    for path, value in entity.nodes:
        if not rules or not isinstance(value, list) or (pattern := shape(path)) not in rules:
            continue
        key = rules[pattern]
        seen: set[Any] = set()
        for i, item in enumerate(value):
            ident = item.get(key) if key and isinstance(item, dict) else item
            if not isinstance(ident, str):
                continue
            at = (*path, i, key) if key else (*path, i)
            if ident in seen:
                yield entity.doc.problem(at, f"{dotted(at)}: duplicate id '{ident}'")
            seen.add(ident)


def _domain(entity: Entity, kb: KnowledgeBase, today: date) -> Iterator[Problem]:
    data = entity.data
    for path, value in entity.nodes:
        if isinstance(value, dict) and "unit" in value:
            low, high = value.get("min"), value.get("max")
            if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
                yield entity.doc.problem((*path, "min"), f"{dotted(path)}: min {low} > max {high}")
            yield from _unit(entity, path, value)
    reviewed = _date(
        data.get("reviewed", {}).get("date") if isinstance(data.get("reviewed"), dict) else None
    )
    nxt = _date(data.get("next_review"))
    if reviewed and reviewed > today:
        yield entity.doc.problem(
            ("reviewed", "date"), f"reviewed.date: {reviewed} is in the future (today is {today})"
        )
    elif reviewed and nxt and nxt <= reviewed:  # one mistake, one error
        yield entity.doc.problem(
            ("next_review",), f"next_review: {nxt} is not after the review date {reviewed}"
        )
    yield from signoff.problems(entity, today)
    if entity.kind == "protocol":
        yield from _durations(entity, kb)
    yield from evidence.problems(entity, kb)
    yield from grade.problems(entity)


def _unit(entity: Entity, path: Path_, value: dict[str, Any]) -> Iterator[Problem]:
    """A quantity's unit must fit its kind: a parameter's `kind`, or the field it sits in."""
    kind = FIELD_KIND.get(str(path[-1])) if path else None
    if len(path) >= 3 and path[-3] == "parameters" and path[-1] == "value":
        parent = entity.data["parameters"][path[-2]]
        kind = parent.get("kind") if isinstance(parent, dict) else None
    allowed = UNITS.get(str(kind))
    unit = value.get("unit")
    if allowed and isinstance(unit, str) and unit not in allowed:
        at = (*path, "unit")
        yield entity.doc.problem(
            at, f"{dotted(at)}: a {kind} is in {' or '.join(sorted(allowed))}, not '{unit}'"
        )


def _num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _date(x: Any) -> date | None:
    try:
        return date.fromisoformat(x) if isinstance(x, str) else None
    except ValueError:
        return None


def _minutes(unit: Any) -> float | None:
    return MINUTES.get(unit) if isinstance(unit, str) else None


def _durations(entity: Entity, kb: KnowledgeBase) -> Iterator[Problem]:
    modality = kb.entities["modality"].get(str(entity.get("modality")))
    limit = modality.get("maximum_duration") if modality else None
    if not isinstance(limit, dict) or not _num(limit.get("max")):
        return
    cap = limit["max"] * (_minutes(limit.get("unit")) or 0)
    for i, param in enumerate(as_list(entity.get("parameters"))):
        value = param.get("value") if isinstance(param, dict) else None
        if not isinstance(value, dict) or param.get("kind") != "duration":
            continue
        scale = _minutes(value.get("unit"))
        if scale and _num(value.get("max")) and value["max"] * scale > cap:
            at = ("parameters", i, "value", "max")
            yield entity.doc.problem(
                at,
                f"{dotted(at)}: {value['max']} {value['unit']} exceeds the {cap:g}-minute maximum "
                f"of modality '{modality.id if modality else ''}'",
            )
