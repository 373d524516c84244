"""`cryokb new`: a skeleton YAML file for a new entity, built from its JSON Schema.

Every required field is present and marked `TODO`; `cryokb check` reports each one left, by line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cryokb.read.model import KINDS
from cryokb.rules.schema import schema_of

ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TODO = "TODO"


def _resolve(schema: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith(("common.schema.json#/$defs/", "#/$defs/")):
        return _resolve(common["$defs"][ref.rsplit("/", 1)[1]], common)
    return schema


def _value(name: str, schema: dict[str, Any], common: dict[str, Any], today: date) -> Any:
    """The placeholder for one field: TODO in the shape the schema asks for."""
    schema = _resolve(schema, common)
    if name == "date" or schema.get("format") == "date":
        return today.isoformat()
    kind = schema.get("type")
    if kind == "object":
        return {
            key: _value(key, schema["properties"][key], common, today)
            for key in schema.get("required", [])
        }
    if kind == "array":
        return [_value("", schema["items"], common, today)] if schema.get("minItems") else []
    return TODO


def skeleton(kind: str, id_: str, today: date, contraindications: Sequence[str] = ()) -> str:
    """The YAML text of a new entity of `kind`, with its schema modeline.

    A new treatment gets one cell per known contraindication, each with its level to fill in.
    """
    schema, common = schema_of(kind), schema_of("common")
    data: dict[str, Any] = {}
    for key in schema["required"]:
        data[key] = _value(key, schema["properties"][key], common, today)
    data["id"] = id_
    if "next_review" in data:
        try:
            data["next_review"] = today.replace(year=today.year + 1).isoformat()
        except ValueError:  # 29 February
            data["next_review"] = today.replace(year=today.year + 1, day=28).isoformat()
    if kind == "study":  # a study's findings may be empty at first; its id is its BibTeX key
        data["findings"] = []
    if "reviewed" in data:
        data["reviewed"] = {"date": today.isoformat(), "by": TODO}
    if kind == "modality" and contraindications:
        data["contraindications"] = [
            {"id": c, "level": TODO, "sources": [{"ref": TODO}]} for c in contraindications
        ]
    modeline = (
        f"# yaml-language-server: $schema=../../generator/cryokb/schemas/{kind}.schema.json\n"
    )
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return modeline + re.sub(r"'(\d{4}-\d{2}-\d{2})'", r"\1", text)


def create(root: Path, kind: str, id_: str, today: date) -> Path:
    """Write the skeleton to `root/<folder>/<id>.yaml`; refuse a bad or existing id."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}' (one of: {', '.join(KINDS)})")
    if not ID.match(id_):
        raise ValueError(f"'{id_}' is not a kebab-case id (lower-case letters, digits, hyphens)")
    path = root / KINDS[kind] / f"{id_}.yaml"
    if path.exists():
        raise ValueError(f"{path} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    known = sorted(p.stem for p in (root / KINDS["contraindication"]).glob("*.yaml"))
    path.write_text(skeleton(kind, id_, today, known), encoding="utf-8")
    return path
