"""Open data: the whole knowledge base as one JSON file, with a JSON Schema that describes it.

The schema reuses the editors' schemas, published beside it under `data/schemas/`.
"""

from __future__ import annotations

import json
from typing import Any

from cryokb.read.model import KINDS, KnowledgeBase
from cryokb.rules.schema import schema_of

SCHEMA_ID = "cryokb.schema.json"


def knowledge_base(kb: KnowledgeBase, version: str) -> dict[str, Any]:
    """Every entity by folder and id, the questionnaire, and the bibliography's fields."""
    out: dict[str, Any] = {"$schema": SCHEMA_ID, "version": version}
    for kind, folder in KINDS.items():
        out[folder] = {e.id: e.data for e in kb.of(kind)}
    out["questionnaire"] = kb.questionnaire.data if kb.questionnaire else None
    out["references"] = {
        key: {"type": ref.type, **ref.fields} for key, ref in kb.references.items()
    }
    return out


def schema() -> dict[str, Any]:
    """A JSON Schema (2020-12) for the file `knowledge_base` writes."""
    folders = {
        folder: {
            "type": "object",
            "additionalProperties": {"$ref": f"schemas/{kind}.schema.json"},
        }
        for kind, folder in KINDS.items()
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "cryokb knowledge base",
        "type": "object",
        "required": ["version", *KINDS.values(), "questionnaire", "references"],
        "properties": {
            "$schema": {"type": "string"},
            "version": {"type": "string"},
            **folders,
            "questionnaire": {"$ref": "schemas/questionnaire.schema.json"},
            "references": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["type"],
                    "additionalProperties": {"type": "string"},
                },
            },
        },
    }


def files(kb: KnowledgeBase, version: str) -> dict[str, str]:
    """Path under the docs folder -> text, for the open data files."""
    # The knowledge base is written compact: json's fast C encoder only runs without indent.
    whole = json.dumps(knowledge_base(kb, version), ensure_ascii=False, separators=(",", ":"))
    out = {
        "data/cryokb.json": whole,
        "data/cryokb.schema.json": json.dumps(schema(), indent=1),
    }
    for kind in [*KINDS, "questionnaire", "common"]:
        out[f"data/schemas/{kind}.schema.json"] = json.dumps(schema_of(kind), indent=1)
    return {path: text + "\n" for path, text in out.items()}
