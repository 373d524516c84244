"""The knowledge base: every entity by kind and id, plus the bibliography."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cryokb.read.bib import Reference
from cryokb.read.yamlio import Document, Path_

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
    _nodes: list[tuple[Path_, Any]] | None = field(default=None, repr=False, compare=False)

    @property
    def nodes(self) -> list[tuple[Path_, Any]]:
        """Every value in the data with its path, parents first: walked once for every rule."""
        if self._nodes is None:
            self._nodes = walk(self.data)
        return self._nodes

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.doc.data
        return data

    @property
    def file(self) -> str:
        return self.doc.file

    def __getitem__(self, key: str) -> Any:
        return self.doc.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.doc.data.get(key, default)


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
            e.doc.forget()
            e._nodes = None

    def numbers(self) -> dict[str, int]:
        """Each reference's citation number: its place in the bibliography, from 1."""
        return {key: i for i, key in enumerate(self.references, start=1)}

    def of(self, kind: str) -> list[Entity]:
        return [self.entities[kind][i] for i in sorted(self.entities[kind])]

    def get(self, kind: str, id_: str) -> Entity:
        return self.entities[kind][id_]


def walk(data: Any) -> list[tuple[Path_, Any]]:
    """Every value in nested data with its path, parents first (depth first, in order)."""
    out: list[tuple[Path_, Any]] = []
    stack: list[tuple[Path_, Any]] = [((), data)]
    push = stack.append
    while stack:
        path, value = stack.pop()
        out.append((path, value))
        if isinstance(value, dict):
            for key, item in reversed(value.items()):
                push((path + (key,), item))  # noqa: RUF005 (quicker than unpacking)
        elif isinstance(value, list):
            for i in range(len(value) - 1, -1, -1):
                push((path + (i,), value[i]))  # noqa: RUF005
    return out


def strings(data: Any) -> Iterator[tuple[object, str]]:
    """Every string in nested data, with the key it sits under (None in a list or at the top)."""
    stack: list[tuple[object, Any]] = [(None, data)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, str):
            yield key, value
        elif isinstance(value, dict):
            stack.extend(value.items())
        elif isinstance(value, list):
            stack.extend((None, item) for item in value)


def cited(data: Any) -> set[str]:
    """The keys of the sources nested data cites: its `ref` fields and [@key] markers."""
    found: set[str] = set()
    for key, value in strings(data):
        if key == "ref":
            found.add(value)
        elif "[@" in value:
            found.update(CITE.findall(value))
    return found


_SHAPES: dict[Path_, Path_] = {}  # the same few paths recur in every file


def shape(path: Path_) -> Path_:
    """The path with each list index as "*": the form of check's path patterns."""
    found = _SHAPES.get(path)
    if found is None:
        found = _SHAPES[path] = tuple("*" if isinstance(x, int) else x for x in path)
    return found


def plain_text(text: str) -> str:
    """Data text for machines and `textContent`: citation markers removed, spaces collapsed."""
    return " ".join(CITE.sub("", text).split())


def as_list(value: Any) -> list[Any]:
    """The value when it is a list, else []: a wrong type is the schema's to report."""
    return value if isinstance(value, list) else []
