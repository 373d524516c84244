"""Links between pages: the one `url_for`, back-references computed once, and where the site
is published (`Site`)."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import quote

from cryokb.read.model import KINDS, Entity, KnowledgeBase, cited
from cryokb.render.labels import LEVEL

HOMED = ("study", "guideline")  # kinds whose page describes their own reference


@dataclass(frozen=True)
class Site:
    """Where the site is published and where its data can be edited."""

    url: str = ""
    repo: str = ""
    branch: str = "main"
    language: str = "en"  # the theme's language: <html lang> and the JSON-LD's inLanguage

    def edit_url(self, source: str) -> str:
        """GitHub's editor for a data file (`data/...`), or '' without a repository."""
        if not self.repo:
            return ""
        return f"{self.repo.rstrip('/')}/edit/{self.branch}/{source}"


def url_for(entity: Entity | str, anchor: str = "") -> str:
    """The one way to link to a page: a docs-absolute `.md` path that MkDocs validates."""
    if isinstance(entity, str):  # a section kind, or "references"
        path = f"/{KINDS.get(entity, entity)}/index.md"
    else:
        path = f"/{KINDS[entity.kind]}/{entity.id}.md"
    return path + (f"#{anchor}" if anchor else "")


class Index:
    """Back-references, computed once, so every link exists in both directions."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.numbers = kb.numbers()
        self.protocols: dict[str, list[Entity]] = defaultdict(list)
        self.findings: dict[str, list[tuple[Entity, dict[str, Any]]]] = defaultdict(list)
        self.modalities: dict[str, list[tuple[Entity, str]]] = defaultdict(list)
        for p in kb.of("protocol"):
            for target in [p["modality"], *p["conditions"]]:
                self.protocols[target].append(p)
        self.studies: dict[str, list[Entity]] = defaultdict(list)
        self.concerned: dict[str, set[str]] = {}
        self.cells: dict[str, list[tuple[Entity, dict[str, Any]]]] = defaultdict(list)
        self.guidance: dict[str, list[tuple[Entity, dict[str, Any]]]] = defaultdict(list)
        for s in kb.of("study"):
            concerns: set[str] = {*s.get("conditions", []), *s.get("modalities", [])}
            for f in s["findings"]:
                for target in {f.get("modality"), f.get("condition")} - {None}:
                    self.findings[target].append((s, f))
                    concerns.add(target)
            for target in sorted(concerns):
                self.studies[target].append(s)
            self.concerned[s.id] = concerns
        for g in newest_first(kb.of("guideline")):
            for rec in g["recommendations"]:
                for target in {rec["condition"], rec.get("modality")} - {None}:
                    self.guidance[target].append((g, rec))
        for m in kb.of("modality"):
            for c in m["contraindications"]:
                self.cells[c["id"]].append((m, c))
            for se in m["side_effects"]:
                self.modalities[se].append((m, ""))
        self.home = homes(kb)

    @cached_property
    def citers(self) -> dict[str, list[Entity]]:
        """The pages that cite each source, in page order: found on first use (render finds
        them in a job of its own, beside other work)."""
        citers: dict[str, list[Entity]] = defaultdict(list)
        for e in self.kb.pages():
            for key in sorted(cited(e.data)):
                citers[key].append(e)
        return citers

    def cell_rows(self, modality: Entity) -> list[tuple[Entity, dict[str, Any]]]:
        """A treatment's contraindications with their cells, strictest level first."""
        rows = [
            (self.kb.get("contraindication", c["id"]), c) for c in modality["contraindications"]
        ]
        return sorted(rows, key=lambda r: (list(LEVEL).index(r[1]["level"]), r[0]["name"]))

    def about(self, study: Entity) -> list[Entity]:
        """The conditions, then the treatments, that a study concerns, each sorted by id."""
        ids = sorted(self.concerned[study.id])
        return [
            self.kb.get(k, i)
            for k in ("condition", "modality")
            for i in ids
            if i in self.kb.entities[k]
        ]


def newest_first(guidelines: list[Entity]) -> list[Entity]:
    """Guidelines by publication date, newest first (a year alone counts as its start); ties by
    id. Pages show them side by side in this order."""
    by_id = sorted(guidelines, key=lambda g: g.id)
    return sorted(by_id, key=lambda g: str(g.get("published", "")), reverse=True)


def homes(kb: KnowledgeBase) -> dict[str, str]:
    """Where each reference is described: its study's or guideline's page, else References."""
    out = {key: url_for("references", key) for key in kb.references}
    out.update({e.id: url_for(e, "reference") for kind in HOMED for e in kb.of(kind)})
    return out


def served(url: str) -> str:
    """A docs-absolute `.md` link as the path it is served at, without the leading slash."""
    path, _, anchor = url.lstrip("/").partition("#")
    if path.endswith("index.md"):
        path = path.removesuffix("index.md")
    elif path.endswith(".md"):
        path = path.removesuffix(".md") + "/"
    return path + (f"#{anchor}" if anchor else "")


def href(url: str) -> str:
    """A link target that cannot break out of Markdown's `(...)`."""
    return quote(url, safe="/:?#=&.%_~-")


def data_path(e: Entity) -> str:
    """Where a page's YAML is published: `data/<folder>/<file>`, as in the repository."""
    folder = KINDS.get(e.kind)
    name = os.path.basename(e.file)
    return f"data/{folder}/{name}" if folder else f"data/{name}"
