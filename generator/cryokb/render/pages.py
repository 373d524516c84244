"""Every generated page: which pages the site has, in what order, and the jobs that make them
(rendered by render.py, shared out over the cores by fanout.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from cryokb.read.model import KINDS, Entity, KnowledgeBase
from cryokb.render import cite, opendata, questionnaire_export
from cryokb.render.figures import review_span
from cryokb.render.labels import SECTIONS
from cryokb.render.links import data_path
from cryokb.render.pager import SIZE, Pager, split
from cryokb.rules.questionnaire import levels
from cryokb.site.publish import Site

if TYPE_CHECKING:
    from cryokb.render.render import Renderer


@dataclass(frozen=True)
class Page:
    """One generated file (Markdown, or JSON) and the data file it comes from, as published
    (`data/<folder>/<file>`). Held as UTF-8: half the memory of most pages' text."""

    utf8: bytes
    source: str | None
    updated: str | None = None  # the review date, for the sitemap's lastmod

    @classmethod
    def of(cls, content: str, source: str | None, updated: str | None = None) -> Page:
        return cls(content.encode("utf-8"), source, updated)

    @property
    def content(self) -> str:
        return self.utf8.decode("utf-8")


BASE = {"condition": 550, "protocol": 10_000}  # what a page of these kinds costs (µs), beyond cards
Job = tuple[float, Callable[[], dict[str, Page]]]  # a rough cost (µs), what makes the pages


def jobs(r: Renderer, kb: KnowledgeBase, site: Site, version: str) -> list[Job]:
    """The pages to render, in order, in jobs weighed by what they cost in µs (measured at
    10,000 studies): 1,350 a list page, 190 an entity page (BASE for some kinds) and 15 each
    finding card on it (made ahead, see render), 500 a condition in the evidence matrix."""
    out: list[Job] = []
    for kind, folder in KINDS.items():
        entities = kb.of(kind)
        if kind == "study":  # newest first, grouped by year
            year = {e.id: str(kb.references[e.id].get("year") or "") for e in entities}
            entities.sort(key=lambda e: (year[e.id], e.id), reverse=True)
        lists = split(f"{folder}/index.md", entities, SIZE.get(kind, SIZE["item"]))
        out.append((1350 * len(lists), partial(_section, r, kind, lists)))
        for e in entities:
            cards = len(r.index.findings[e.id] if kind in ("modality", "condition") else [])
            cards += len(e.get("findings") or []) if kind == "study" else 0
            out.append((BASE.get(kind, 190) + 15 * cards, partial(_entity, r, e)))
    studies = kb.of("study")

    def evidence() -> dict[str, Page]:
        span = review_span(studies)  # the same for every page of the matrix
        return {
            pager.path(pager.number): r.page(
                "evidence.md.j2",
                None,
                conditions=columns,
                pager=pager,
                entities=studies,
                span=span,
            )
            for pager, columns in split("evidence/index.md", kb.of("condition"), SIZE["column"])
        }

    def data() -> dict[str, Page]:
        pages = {path: Page.of(text, None) for path, text in opendata.files(kb, version).items()}
        if kb.questionnaire is not None:
            pages["questionnaire/index.md"] = r.page(
                "questionnaire.md.j2",
                data_path(kb.questionnaire),
                q=kb.questionnaire,
                levels=levels(kb),
                data=questionnaire_export.page_data(kb),
            )
            resource = questionnaire_export.fhir(kb, site.url)
            fhir = json.dumps(resource, indent=2, ensure_ascii=False)
            pages["questionnaire/questionnaire.fhir.json"] = Page.of(fhir + "\n", None)
        return pages

    return [*out, (500 * len(kb.of("condition")), evidence), (25 * len(studies), data)]


def uses(r: Renderer, studies: Sequence[Entity]) -> dict[str, str]:
    """Where on the site each study or guideline is used, by the path of its page."""
    uses = r.env.get_template("_uses.md.j2")
    return {f"{KINDS[e.kind]}/{e.id}.md": uses.render(key=e.id, heading=True) for e in studies}


def _section(
    r: Renderer, kind: str, lists: list[tuple[Pager, Sequence[Entity]]]
) -> dict[str, Page]:
    """A section's list of entities, page by page."""
    title = SECTIONS[kind]
    return {
        pager.path(pager.number): r.page(
            "section.md.j2", None, kind=kind, title=title, entities=part, pager=pager
        )
        for pager, part in lists
    }


def _entity(r: Renderer, e: Entity) -> dict[str, Page]:
    """An entity's page, its further pages of results, and its citation files."""
    folder = KINDS[e.kind]
    rows = r.index.findings[e.id] if e.kind in ("modality", "condition") else []
    parts = split(f"{folder}/{e.id}.md", rows, SIZE["finding"])
    page = r.page(f"{e.kind}.md.j2", data_path(e), e=e, rows=parts[0][1], pager=parts[0][0])
    pages = {f"{folder}/{e.id}.md": Page(page.utf8, page.source, e["reviewed"]["date"])}
    for more, more_rows in parts[1:]:  # a treatment's further results
        pages[more.path(more.number)] = r.page(
            "findings.md.j2", None, e=e, rows=more_rows, pager=more
        )
    if c := r.citation(e):
        pages[f"cite/{folder}/{e.id}.bib"] = Page.of(cite.bibtex(c), None)
        pages[f"cite/{folder}/{e.id}.ris"] = Page.of(cite.ris(c), None)
    return pages
