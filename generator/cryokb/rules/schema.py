"""JSON Schema validation of one entity, each error placed at its key or value.

Valid data (nearly all of it) is passed by jsonschema-rs, a compiled validator about 30 times
faster; only data it rejects goes through `jsonschema`, whose errors say what and where. A test
holds the two to the same verdict on the checker's corpus of bad edits and on random mutations.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from cryokb.read.model import Entity
from cryokb.read.problems import Problem
from cryokb.read.yamlio import Path_

if TYPE_CHECKING:
    import jsonschema


@cache
def schema_of(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind ("common" for the shared definitions)."""
    folder = resources.files("cryokb") / "schemas"
    schema: dict[str, Any] = json.loads(
        (folder / f"{kind}.schema.json").read_text(encoding="utf-8")
    )
    return schema


@cache
def validator(kind: str) -> jsonschema.protocols.Validator:
    """The JSON Schema validator for one kind, with the shared definitions registered.
    Imported only when data is rejected: it takes longer to import than most checks take."""
    import jsonschema
    from referencing import Registry, Resource

    registry: Registry[Any] = Registry().with_resource(
        "common.schema.json", Resource.from_contents(schema_of("common"))
    )
    schema = _inline(schema_of(kind), kind)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


@cache
def fast_validator(kind: str) -> jsonschema_rs.Validator:
    """The compiled validator for one kind: the same schema, formats checked as `validator`'s."""
    return jsonschema_rs.validator_for(_inline(schema_of(kind), kind), validate_formats=True)


def _inline(node: Any, kind: str, depth: int = 0) -> Any:
    """The schema with each `$ref` replaced by its target: the same rules, but validating
    does not look references up (a third of the check's time at 10,000 studies)."""
    if isinstance(node, list):
        return [_inline(v, kind, depth) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and "#/$defs/" in ref and depth < 20:
        doc, _, pointer = ref.partition("#/$defs/")
        owner = doc.removesuffix(".schema.json") or kind
        target = _inline(schema_of(owner)["$defs"][pointer], owner, depth + 1)
        rest = {k: _inline(v, kind, depth) for k, v in node.items() if k != "$ref"}
        return {**rest, "allOf": [target]} if rest else target
    return {k: _inline(v, kind, depth) for k, v in node.items()}


def dotted(path: Path_) -> str:
    """`findings[0].certainty` for ('findings', 0, 'certainty')."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def _json_type(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list"}
    return "mapping" if isinstance(value, dict) else names.get(type(value), "null")


def schema_problems(entity: Entity) -> Iterator[Problem]:
    """Schema errors, each at the line of the offending key or value."""
    if fast_validator(entity.kind).is_valid(entity.data):
        return
    doc = entity.doc
    errors = list(validator(entity.kind).iter_errors(entity.data))
    bad_dates = {tuple(e.absolute_path) for e in errors if e.validator == "format"}
    for err in errors:
        if err.instance == "TODO":  # reported once, as a TODO left, by check
            continue
        if err.validator == "pattern" and tuple(err.absolute_path) in bad_dates:
            continue  # the date's format error says it better
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
        elif err.validator == "pattern" and path and path[-1] == "published":
            msg = f"{inst!r} is not a date as precise as its source: YYYY, YYYY-MM or YYYY-MM-DD"
        elif err.validator == "pattern" and path and path[-1] == "id":
            msg = f"{inst!r} is not a kebab-case id (lower-case letters, digits and hyphens)"
        else:
            msg = err.message
        yield doc.problem(path, f"{where}: {msg}")
