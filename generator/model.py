"""The knowledge base: every entity by kind and id, plus the bibliography."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .bib import Reference
from .yamlio import Document, Path_

# kind -> folder under data/
KINDS: dict[str, str] = {
    "condition": "conditions",
    "modality": "modalities",
    "protocol": "protocols",
    "contraindication": "contraindications",
    "side-effect": "side-effects",
    "study": "studies",
    "guideline": "guidelines",
}
QUESTIONNAIRE = "questionnaire"
CITE = re.compile(r"\[@([A-Za-z0-9_:-]+)\]")  # an in-text citation marker: [@key]


@dataclass
class Entity:
    """One YAML file's data and where it came from."""

    kind: str
    id: str
    doc: Document
    broken: bool = False  # the file could not be read; only its id is known

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.doc.data
        return data

    @property
    def file(self) -> str:
        return self.doc.file

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass
class KnowledgeBase:
    """Everything loaded from one data folder."""

    entities: dict[str, dict[str, Entity]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )
    references: dict[str, Reference] = field(default_factory=dict)
    bib_file: str = "data/references.bib"
    questionnaire: Entity | None = None

    def pages(self) -> Iterator[Entity]:
        """Every entity that has a page of its own, in a stable order (kind, then id)."""
        for kind in KINDS:
            yield from self.of(kind)

    def all(self) -> Iterator[Entity]:
        """Every entity: those with pages, then the questionnaire."""
        yield from self.pages()
        if self.questionnaire is not None:
            yield self.questionnaire

    def forget_positions(self) -> None:
        """Drop where each value sits in its file, which only problems need: once the data is
        checked, rendering needs none of it (a few hundred MB at 10,000 studies)."""
        for e in self.all():
            e.doc.values, e.doc.keys, e.doc.lines = {}, {}, []

    def numbers(self) -> dict[str, int]:
        """Each reference's citation number: its place in the bibliography, from 1."""
        return {key: i for i, key in enumerate(self.references, start=1)}

    def of(self, kind: str) -> list[Entity]:
        return [self.entities[kind][i] for i in sorted(self.entities[kind])]

    def get(self, kind: str, id_: str) -> Entity:
        return self.entities[kind][id_]


def walk(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every value in nested data with its path, parents first."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from walk(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from walk(value, (*path, i))


def matches(path: Path_, pattern: Path_) -> bool:
    """Whether a value's path fits a pattern in which "*" stands for any list index."""
    return len(path) == len(pattern) and all(
        p == x or (p == "*" and isinstance(x, int)) for x, p in zip(path, pattern, strict=True)
    )


def plain_text(text: str) -> str:
    """Data text for machines and `textContent`: citation markers removed, spaces collapsed."""
    return " ".join(CITE.sub("", text).split())


def as_list(value: Any) -> list[Any]:
    """The value when it is a list, else []: a wrong type is the schema's to report."""
    return value if isinstance(value, list) else []
