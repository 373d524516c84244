"""Every rule the data must obey: schema, references, domain rules, safe text."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from . import load as loader
from .model import CITE, Entity, KnowledgeBase, as_list, walk
from .problems import Problem
from .questionnaire import questionnaire_problems
from .textsafety import unsafe
from .yamlio import Path_

# (kind, path pattern, kind the value must name); "*" matches any list index.
REFS: list[tuple[str, Path_, str]] = [
    ("modality", ("side_effects", "*"), "side-effect"),
    ("modality", ("contraindications", "*", "id"), "contraindication"),
    ("protocol", ("modality",), "modality"),
    ("protocol", ("conditions", "*"), "condition"),
    ("study", ("findings", "*", "condition"), "condition"),
    ("study", ("findings", "*", "modality"), "modality"),
    ("questionnaire", ("modalities", "*"), "modality"),
    ("questionnaire", ("questions", "*", "raises", "*"), "contraindication"),
]
# (kind, path pattern of a list, key that must be unique in it, or None for the items)
UNIQUE: list[tuple[str, Path_, str | None]] = [
    ("modality", ("side_effects",), None),
    ("modality", ("contraindications",), "id"),
    ("protocol", ("conditions",), None),
    ("protocol", ("parameters",), "id"),
    ("questionnaire", ("modalities",), None),
    ("questionnaire", ("questions",), "id"),
    ("questionnaire", ("questions", "*", "raises"), None),
]
# GRADE certainty -> (pattern the plain sentence must contain, pattern it must not contain)
WORDING: dict[str, tuple[str | None, str | None]] = {
    "high": (None, r"\b(may|might|probably|uncertain)\b"),
    "moderate": (r"\bprobably\b", r"\b(may|might|uncertain)\b"),
    "low": (r"\b(may|might)\b", r"\b(probably|uncertain)\b"),
    "very-low": (r"\buncertain\b", None),
    "not-verified": (r"\bnot (yet )?(been )?(checked|verified)\b", None),
}
MINUTES = {"minutes": 1.0, "hours": 60.0}


@cache
def validator(kind: str) -> jsonschema.protocols.Validator:
    """The JSON Schema validator for one kind, with the shared definitions registered."""
    folder = resources.files("generator") / "schemas"
    common = json.loads((folder / "common.schema.json").read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry().with_resource(
        "common.schema.json", Resource.from_contents(common)
    )
    schema = json.loads((folder / f"{kind}.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


def check_dir(root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    """Load and check one data folder; the problems come back sorted."""
    kb, problems = loader.load(root)
    problems += iter_problems(kb)
    return kb, sorted(set(problems))


def iter_problems(kb: KnowledgeBase) -> Iterator[Problem]:
    """Every problem in a loaded knowledge base."""
    used: set[str] = set()
    for entity in kb.all():
        yield from schema_problems(entity)
        yield from _identity(entity, kb)
        yield from _references(entity, kb, used)
        yield from _uniques(entity)
        yield from _domain(entity, kb)
        for path, value in walk(entity.data):
            if isinstance(value, str) and (why := unsafe(value)):
                yield entity.doc.problem(path, f"{dotted(path)}: {why}")
    if kb.questionnaire is not None:
        yield from questionnaire_problems(kb.questionnaire, kb)
    for key, ref in sorted(kb.references.items()):
        if key not in used:
            yield Problem(kb.bib_file, ref.line, 1, f"reference '{key}' is not cited by any data")
        for name, value in ref.fields.items():
            if why := unsafe(value):
                yield Problem(kb.bib_file, ref.line, 1, f"reference '{key}' field '{name}': {why}")


def dotted(path: Path_) -> str:
    """`findings[0].certainty` for ('findings', 0, 'certainty')."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def _matches(path: Path_, pattern: Path_) -> bool:
    return len(path) == len(pattern) and all(
        (p == "*" and isinstance(x, int)) or p == x for x, p in zip(path, pattern, strict=True)
    )


def _json_type(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list"}
    return "mapping" if isinstance(value, dict) else names.get(type(value), "null")


def schema_problems(entity: Entity) -> Iterator[Problem]:
    """Schema errors, each at the line of the offending key or value."""
    doc = entity.doc
    for err in validator(entity.kind).iter_errors(entity.data):
        path: Path_ = tuple(err.absolute_path)
        where = dotted(path)
        inst: Any = err.instance
        schema: Any = err.schema
        expected: Any = err.validator_value
        if err.validator == "additionalProperties":
            allowed = sorted(schema.get("properties", {}))
            for key in sorted(set(inst) - set(allowed)):
                close = difflib.get_close_matches(key, allowed, n=1)
                tip = f" (did you mean '{close[0]}'?)" if close else ""
                yield doc.problem(
                    (*path, key), f"{dotted((*path, key))}: unknown field{tip}", key=True
                )
            continue
        if err.validator == "required":
            missing = [k for k in expected if k not in inst]
            msg = ", ".join(f"'{k}'" for k in missing)
            yield doc.problem(path, f"{where}: missing required field {msg}")
            continue
        if err.validator == "type":
            hint = " (quote it: bare yes/no are booleans in YAML)" if isinstance(inst, bool) else ""
            msg = f"expected {expected}, got {_json_type(inst)}{hint}"
        elif err.validator == "enum":
            choices = ", ".join(map(str, expected))
            hint = " (quote it)" if isinstance(inst, bool) else ""
            msg = f"{inst!r} is not one of: {choices}{hint}"
        elif err.validator in ("minItems", "minLength"):
            msg = "must not be empty"
        elif err.validator == "format":
            msg = f"{inst!r} is not a valid {expected} (YYYY-MM-DD)"
        elif err.validator == "pattern" and path and path[-1] == "id":
            msg = f"{inst!r} is not a kebab-case id (lower-case letters, digits and hyphens)"
        else:
            msg = err.message
        yield doc.problem(path, f"{where}: {msg}")


def _identity(entity: Entity, kb: KnowledgeBase) -> Iterator[Problem]:
    declared = entity.get("id")
    if entity.kind != "questionnaire" and isinstance(declared, str) and declared != entity.id:
        yield entity.doc.problem(
            ("id",), f"id: '{declared}' does not match the file name '{entity.id}.yaml'"
        )
    if entity.kind == "study" and entity.id not in kb.references:
        yield entity.doc.problem(("id",), f"id: no BibTeX entry '{entity.id}' in references.bib")


def _references(entity: Entity, kb: KnowledgeBase, used: set[str]) -> Iterator[Problem]:
    if entity.kind == "study":
        used.add(entity.id)
    rules = [(p, target) for kind, p, target in REFS if kind == entity.kind]
    for path, value in walk(entity.data):
        if not isinstance(value, str):
            continue
        keys = [value] if path and path[-1] == "ref" else CITE.findall(value)
        for key in keys:
            used.add(key)
            if key not in kb.references:
                yield entity.doc.problem(path, f"{dotted(path)}: unknown reference '{key}'")
        for pattern, target in rules:
            if _matches(path, pattern) and value not in kb.entities[target]:
                yield entity.doc.problem(path, f"{dotted(path)}: unknown {target} '{value}'")


def _uniques(entity: Entity) -> Iterator[Problem]:
    for path, value in walk(entity.data):
        for kind, pattern, key in UNIQUE:
            if kind != entity.kind or not _matches(path, pattern) or not isinstance(value, list):
                continue
            seen: set[Any] = set()
            for i, item in enumerate(value):
                ident = item.get(key) if key and isinstance(item, dict) else item
                if not isinstance(ident, str):
                    continue
                at = (*path, i, key) if key else (*path, i)
                if ident in seen:
                    yield entity.doc.problem(at, f"{dotted(at)}: duplicate id '{ident}'")
                seen.add(ident)


def _domain(entity: Entity, kb: KnowledgeBase) -> Iterator[Problem]:
    data = entity.data
    for path, value in walk(data):
        if isinstance(value, dict) and "unit" in value:
            low, high = value.get("min"), value.get("max")
            if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
                yield entity.doc.problem((*path, "min"), f"{dotted(path)}: min {low} > max {high}")
    reviewed = _date(
        data.get("reviewed", {}).get("date") if isinstance(data.get("reviewed"), dict) else None
    )
    nxt = _date(data.get("next_review"))
    if reviewed and nxt and nxt <= reviewed:
        yield entity.doc.problem(
            ("next_review",), f"next_review: {nxt} is not after the review date {reviewed}"
        )
    if entity.kind == "protocol":
        yield from _durations(entity, kb)
    if entity.kind == "study":
        for i, finding in enumerate(as_list(data.get("findings"))):
            yield from _wording(entity, i, finding)


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


def _wording(entity: Entity, i: int, finding: Any) -> Iterator[Problem]:
    if not isinstance(finding, dict):
        return
    rule = WORDING.get(str(finding.get("certainty")))
    plain = finding.get("plain")
    if rule is None or not isinstance(plain, str):
        return
    need, forbid = rule
    text = plain.lower()
    at = ("findings", i, "plain")
    if (need and not re.search(need, text)) or (forbid and re.search(forbid, text)):
        yield entity.doc.problem(
            at,
            f"{dotted(at)}: wording does not match certainty '{finding['certainty']}' "
            "(high: 'reduces'; moderate: 'probably'; low: 'may'; very low: 'uncertain'; "
            "not verified: 'not yet been checked')",
        )
