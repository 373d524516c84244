"""Every generated page: which pages the site has, in what order, each made by the renderer
(render.py) from a template."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from cryokb.read.changes import Event
from cryokb.read.history import Change
from cryokb.read.model import KINDS, Entity, KnowledgeBase
from cryokb.render import changes as news
from cryokb.render import cite, decision, evidence_fhir, opendata, questionnaire_export
from cryokb.render.figures import review_span
from cryokb.render.labels import SECTIONS
from cryokb.render.links import HOMED, Site, data_path
from cryokb.render.pager import SIZE, Pager, split
from cryokb.render.render import Renderer
from cryokb.render.reuse import Reuse
from cryokb.rules.questionnaire import levels

# replaced, once every page is rendered, by where a study or guideline is used on the site
USES_MARK = "\n@@cryokb-uses@@\n"


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


def render(
    kb: KnowledgeBase,
    today: date | None = None,
    site: Site | None = None,
    changes: dict[str, list[Change]] | None = None,
    version: str = "",
    events: list[Event] | None = None,
    reuse: Reuse | None = None,
) -> dict[str, Page]:
    """Every generated page, keyed by its path under the docs folder.

    `today` dates the overdue notices, `site` gives the address and repository, `changes` each
    data file's git history (see history.py), `version` the data's version for open data,
    `events` the evidence's changes for What's new (read/changes.py), `reuse` the last
    build's pages, to render again only those whose data changed (reuse.py).
    """
    site = site or Site()
    version = version or "unversioned"
    r = Renderer(kb, today or date.today(), site, changes or {}, version)
    reuse = reuse or Reuse(keep=False)
    reuse.begin(kb, r.today, site, version, r.changes, r.templates())
    pages: dict[str, Page] = {}
    for kind, folder in KINDS.items():
        entities = kb.of(kind)
        if kind == "study":  # newest first, grouped by year
            year = {e.id: str(kb.references[e.id].get("year") or "") for e in entities}
            entities.sort(key=lambda e: (year[e.id], e.id), reverse=True)
        pages |= _section(
            r, kind, split(f"{folder}/index.md", entities, SIZE.get(kind, SIZE["item"]))
        )
        for e in entities:
            pages |= reuse.pages("entity", e, r.ledger, partial(_entity, r, e))
    pages |= _evidence(r, kb)
    pages |= _decisions(r, kb, reuse)
    items = news.entries(kb, events or [])
    pages["changes/index.md"] = Page.of(r.page("changes.md.j2", items=items), None)
    pages["feed.xml"] = Page.of(news.feed(items, site.url, version), None)
    pages |= _data(r, kb, site, version, reuse)
    # Last, once every page has traced its figures: each source's uses, where it is described.
    pages["references/index.md"] = Page.of(
        r.page(
            "references.md.j2",
            keys=[k for k in kb.references if not any(k in kb.entities[kind] for kind in HOMED)],
            entities=list(kb.pages()),
        ),
        "data/references.bib",
    )
    for path, text in uses(r, [e for kind in HOMED for e in kb.of(kind)], reuse).items():
        utf8 = pages[path].utf8.replace(USES_MARK.encode(), text.encode())
        pages[path] = Page(utf8, pages[path].source, pages[path].updated)
    return pages


def _evidence(r: Renderer, kb: KnowledgeBase) -> dict[str, Page]:
    """The evidence matrix, a page of conditions at a time."""
    studies = kb.of("study")
    span = review_span(studies)  # the same for every page of the matrix
    return {
        pager.path(pager.number): Page.of(
            r.page("evidence.md.j2", conditions=columns, pager=pager, entities=studies, span=span),
            None,
        )
        for pager, columns in split("evidence/index.md", kb.of("condition"), SIZE["column"])
    }


def _decisions(r: Renderer, kb: KnowledgeBase, reuse: Reuse) -> dict[str, Page]:
    """Each condition's decision aid ("Cold, heat or neither?"), at decide/<condition>.md."""

    def aid(c: Entity) -> Page:
        page = r.page("decision.md.j2", c=c, opts=decision.options(kb, r.index, c))
        return Page.of(page, data_path(c))

    return {
        f"decide/{c.id}.md": reuse.pages(
            "decision", c, r.ledger, partial(aid, c), also=reuse.treatments
        )
        for c in decision.conditions(kb, r.index)
    }


def _data(
    r: Renderer, kb: KnowledgeBase, site: Site, version: str, reuse: Reuse
) -> dict[str, Page]:
    """The open data files (with the evidence as FHIR), the questionnaire's page and its FHIR
    resource."""
    pages = {path: Page.of(text, None) for path, text in opendata.files(kb, version).items()}

    def each(study: Entity, make: Callable[[], str]) -> str:
        return reuse.pages("fhir", study, r.ledger, make)

    for path, text in evidence_fhir.files(kb, site.url, version, each).items():
        pages[path] = Page.of(text, None)
    if kb.questionnaire is not None:
        pages["questionnaire/index.md"] = Page.of(
            r.page(
                "questionnaire.md.j2",
                q=kb.questionnaire,
                levels=levels(kb),
                data=questionnaire_export.page_data(kb),
            ),
            data_path(kb.questionnaire),
        )
        resource = questionnaire_export.fhir(kb, site.url)
        fhir = json.dumps(resource, indent=2, ensure_ascii=False)
        pages["questionnaire/questionnaire.fhir.json"] = Page.of(fhir + "\n", None)
    return pages


def uses(r: Renderer, studies: Sequence[Entity], reuse: Reuse) -> dict[str, str]:
    """Where on the site each study or guideline is used, by the path of its page: rendered
    again only when the figures traced to it, or the pages that cite it, changed."""
    template = r.env.get_template("_uses.md.j2")
    out = {}
    for e in studies:
        figures = r.ledger.traced.get(e.id, [])
        citers = r.index.citers.get(e.id, [])
        shown = [(figure, page.kind, page.id) for figure, page in figures]
        out[f"{KINDS[e.kind]}/{e.id}.md"] = reuse.pages(
            "uses",
            e,
            r.ledger,
            partial(template.render, key=e.id, heading=True),
            reads=[page for _, page in figures] + citers,
            extra=shown,
        )
    return out


def _section(
    r: Renderer, kind: str, lists: list[tuple[Pager, Sequence[Entity]]]
) -> dict[str, Page]:
    """A section's list of entities, page by page."""
    title = SECTIONS[kind]
    return {
        pager.path(pager.number): Page.of(
            r.page("section.md.j2", kind=kind, title=title, entities=part, pager=pager), None
        )
        for pager, part in lists
    }


def _entity(r: Renderer, e: Entity) -> dict[str, Page]:
    """An entity's page, its further pages of results, and its citation files."""
    folder = KINDS[e.kind]
    rows = r.index.findings[e.id] if e.kind in ("modality", "condition") else []
    parts = split(f"{folder}/{e.id}.md", rows, SIZE["finding"])
    studies = r.index.studies[e.id] if e.kind in ("modality", "condition") else []
    if len(parts) > 1:  # results are paged: name only the studies with no result among them
        measured = {study.id for study, _ in rows}
        studies = [s for s in studies if s.id not in measured][: SIZE["item"]]
    page = r.page(f"{e.kind}.md.j2", e=e, rows=parts[0][1], pager=parts[0][0], studies=studies)
    pages = {f"{folder}/{e.id}.md": Page.of(page, data_path(e), e["reviewed"]["date"])}
    for more, more_rows in parts[1:]:  # a treatment's further results
        pages[more.path(more.number)] = Page.of(
            r.page("findings.md.j2", e=e, rows=more_rows, pager=more), None
        )
    if c := r.citation(e):
        pages[f"cite/{folder}/{e.id}.bib"] = Page.of(cite.bibtex(c), None)
        pages[f"cite/{folder}/{e.id}.ris"] = Page.of(cite.ris(c), None)
    return pages
