"""Turn a checked KnowledgeBase into Markdown pages. No I/O, no MkDocs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import bib, charts, cite, fanout, opendata, questionnaire_export, structured_data, trace
from .figures import CERTAINTY, DIRECTION, day, effect, quantity, review_span
from .history import Change
from .labels import CEBM, LEVEL, SECTIONS, STANCE
from .ledger import Ledger
from .links import HOMED, Index, data_path, href, url_for
from .model import CITE, KINDS, Entity, KnowledgeBase, plain_text
from .pager import SIZE, Pager, split
from .publish import Site
from .questionnaire import levels

REFS_MARK = "\n@@cryokb-references@@\n"  # replaced by the page's reference list
# replaced, once every page is rendered, by where a study or guideline is used on the site
USES_MARK = "\n@@cryokb-uses@@\n"
DIGIT = re.compile(r"\d")  # every figure has one


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


class _Renderer:
    def __init__(
        self,
        kb: KnowledgeBase,
        today: date,
        site: Site,
        changes: dict[str, list[Change]],
        version: str,
    ) -> None:
        self.kb = kb
        self.site, self.version, self.today = site, version, today
        self.index = Index(kb)
        self.ledger = ledger = Ledger(self.index.numbers, self.index.home)
        self.env = Environment(
            loader=PackageLoader("generator", "templates"),
            undefined=StrictUndefined,
            autoescape=True,
            auto_reload=False,  # templates do not change while pages render: no stat per page
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            comment_start_string="{##",  # Markdown anchors look like {#id}
            comment_end_string="##}",
        )
        self.env.tests.update(
            for_conditions=lambda f, cs: f.get("condition") in cs,
            level_is=lambda c, level: c["level"] == level,
        )
        self.env.filters.update(
            condition_name=lambda cid: kb.get("condition", cid)["name"].lower(),
            md=self.md,
            cell=self.cell,
            quantity=quantity,
            cite=ledger.cite,
            url=url_for,
            day=day,
            href=href,
            with_study=lambda fs, s: [(s, f) for f in fs],
            effect=effect,
            traced=ledger.quantity,
            plain=plain_text,
        )
        self.env.globals.update(
            kb=kb,
            index=self.index,
            CERTAINTY=CERTAINTY,
            DIRECTION=DIRECTION,
            CEBM=CEBM,
            LEVEL=LEVEL,
            STANCE=STANCE,
            MODALITIES=kb.of("modality"),
            cell_rows=self.cell_rows,
            best=charts.best,
            chart=lambda current="": charts.chart(kb, current),
            condition_matrix=lambda c: charts.condition_matrix(kb, self.index.findings, c),
            site_matrix=lambda cs: charts.site_matrix(kb, self.index.findings, cs),
            DOMAIN=charts.DOMAIN,
            traced_by=lambda key: ledger.traced.get(key, []),
            cite_one=lambda key: ledger.cite([{"ref": key}], numeric=True),
            cite_key=lambda key: ledger.cite([{"ref": key}]),
            card=self.card,
            SECTIONS=SECTIONS,
            KINDS=KINDS,
            vancouver=bib.vancouver,
            ref_of=self.ref_of,
            review_span=review_span,
            jsonld=lambda e: structured_data.jsonld(e, kb, site.url),
            overdue=lambda e: date.fromisoformat(e["next_review"]) < today,
            changes_of=lambda e: changes.get(str(Path(e.file).resolve()), []) if changes else [],
            data_path=data_path,
            site=site,
            version=version,
            citation_of=lambda e: self.citation(e),
        )

    def cell_rows(self, modality: Entity) -> list[tuple[Entity, dict[str, Any]]]:
        """A treatment's contraindications with their cells, strictest level first."""
        rows = [
            (self.kb.get("contraindication", c["id"]), c) for c in modality["contraindications"]
        ]
        return sorted(rows, key=lambda r: (list(LEVEL).index(r[1]["level"]), r[0]["name"]))

    def citation(self, e: Entity) -> cite.Citation | None:
        """How to cite this page, for the kinds clinicians cite; None for the others."""
        if e.kind not in cite.CITED_KINDS:
            return None
        title = self.kb.references[e.id].get("title") if e.kind == "study" else e["name"]
        return cite.citation(e, plain_text(title), self.site.url, self.version, self.today)

    def ref_of(self, key: str) -> bib.Reference:
        return self.kb.references[key]

    def md(self, text: str, src: str = "") -> Markup:
        """Data text as inline Markdown: HTML escaped, [@key] linked, and each figure followed
        by a marker to its source: the sentence's citation, else `src` (see trace.py).

        Script cannot get through: `cryokb check` rejects it, Jinja escapes the text here, and
        the hook's allowlist sanitizer (generator/sanitize.py) cleans the page HTML.
        """
        text = " ".join(text.split())
        if "[@" not in text and not DIGIT.search(text):
            return escape(text)  # no citation, no figure: nothing to link or mark
        out = []
        for sentence in trace.SENTENCE.split(text):
            keys = CITE.findall(sentence) or ([src] if src else [])
            safe = str(escape(sentence))
            if keys and keys[0] in self.kb.references:
                key = keys[0]

                def marked(m: re.Match[str], key: str = key) -> str:
                    return self.ledger.mark(m.group(0), key) if trace.is_figure(m) else m.group(0)

                safe = trace.QUANTITY.sub(marked, safe)
            out.append(CITE.sub(lambda m: str(self.ledger.cite([{"ref": m.group(1)}])), safe))
        return Markup(" ".join(out))

    def cell(self, text: str, src: str = "") -> Markup:
        return Markup(str(self.md(text, src)).replace("|", "&#124;"))

    def card(self, study: Entity, f: dict[str, Any], with_condition: bool = False) -> Markup:
        """A finding's card, rendered once for each way it is shown (see Ledger.once)."""
        make = self.env.get_template("_macros.md.j2").module.finding_card  # type: ignore[attr-defined]
        key = (study.id, id(f), with_condition)
        return self.ledger.once(key, lambda: make(study, f, with_condition))

    def page(self, template: str, source: str | None, **context: Any) -> Page:
        """Render a page; its reference list holds every source cited anywhere on it."""
        self.ledger.begin(context.get("e"))
        text = self.env.get_template(template).render(**context)
        if REFS_MARK in text:
            listed = self.ledger.reference_list(context.get("e"), self.kb.references, self.md)
            text = text.replace(REFS_MARK, "\n\n" + listed)
        return Page.of(text, source)


def render(
    kb: KnowledgeBase,
    today: date | None = None,
    site: Site | None = None,
    changes: dict[str, list[Change]] | None = None,
    version: str = "",
) -> dict[str, Page]:
    """Every generated page, keyed by its path under the docs folder.

    `today` dates the overdue notices, `site` gives the address and repository, `changes` each
    data file's git history (see history.py), `version` the data's version for open data.
    The pages are rendered on two cores where there are two (fanout.py), with the same result.
    """
    site = site or Site()
    version = version or "unversioned"
    r = _Renderer(kb, today or date.today(), site, changes or {}, version)
    jobs = _jobs(r, kb, site, version)
    done, traced = fanout.run([job for _, job in jobs], [w for w, _ in jobs], r.ledger.export)
    for figures in traced:  # in page order: each copy rendered a later run of pages
        r.ledger.absorb(figures, kb.get)
    pages = {path: page for part in done for path, page in part.items()}
    # Last, once every page has traced its figures: each source's uses, where it is described.
    pages["references/index.md"] = r.page(
        "references.md.j2",
        "data/references.bib",
        keys=[k for k in kb.references if not any(k in kb.entities[kind] for kind in HOMED)],
        entities=list(kb.pages()),
    )
    for e in (e for kind in HOMED for e in kb.of(kind)):
        path = f"{KINDS[e.kind]}/{e.id}.md"
        uses = r.env.get_template("_uses.md.j2").render(key=e.id, heading=True)
        page = pages[path]
        utf8 = page.utf8.replace(USES_MARK.encode(), uses.encode())
        pages[path] = Page(utf8, page.source, page.updated)
    return pages


Job = tuple[float, Callable[[], dict[str, Page]]]  # a rough cost, and what makes the pages


def _jobs(r: _Renderer, kb: KnowledgeBase, site: Site, version: str) -> list[Job]:
    """The pages to render, in order, in jobs weighed by the finding cards they show."""
    jobs: list[Job] = []
    for kind, folder in KINDS.items():
        entities = kb.of(kind)
        if kind == "study":  # newest first, grouped by year
            year = {e.id: str(kb.references[e.id].get("year") or "") for e in entities}
            entities.sort(key=lambda e: (year[e.id], e.id), reverse=True)
        lists = split(f"{folder}/index.md", entities, SIZE.get(kind, SIZE["item"]))
        jobs.append((len(lists), partial(_section, r, kind, lists)))
        for e in entities:
            cards = len(r.index.findings[e.id] if kind in ("modality", "condition") else [])
            cards += len(e.get("findings") or []) if kind == "study" else 0
            jobs.append((2 + cards, partial(_entity, r, e)))
    studies = kb.of("study")

    def evidence() -> dict[str, Page]:
        return {
            pager.path(pager.number): r.page(
                "evidence.md.j2", None, conditions=columns, pager=pager, entities=studies
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

    return [*jobs, (len(studies) / 10, evidence), (len(studies), data)]


def _section(
    r: _Renderer, kind: str, lists: list[tuple[Pager, Sequence[Entity]]]
) -> dict[str, Page]:
    """A section's list of entities, page by page."""
    title = SECTIONS[kind]
    return {
        pager.path(pager.number): r.page(
            "section.md.j2", None, kind=kind, title=title, entities=part, pager=pager
        )
        for pager, part in lists
    }


def _entity(r: _Renderer, e: Entity) -> dict[str, Page]:
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
