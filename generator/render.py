"""Turn a checked KnowledgeBase into Markdown pages. No I/O, no MkDocs."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import bib, charts, cite, opendata, questionnaire_export, structured_data, trace
from .figures import CERTAINTY, DIRECTION, day, effect, quantity, review_span
from .history import Change
from .labels import CEBM, LEVEL, SECTIONS, STANCE
from .links import HOMED, Index, data_path, href, url_for
from .model import CITE, KINDS, Entity, KnowledgeBase, plain_text
from .pager import SIZE, split
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
        self.current: Entity | None = None  # the page being rendered, for traced figures
        self.cited: dict[str, None] = {}  # the sources cited on it so far, in order
        self.traced: dict[str, list[tuple[str, Entity]]] = defaultdict(list)
        self.index = Index(kb)
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
            cite=self.cite,
            url=url_for,
            day=day,
            href=href,
            with_study=lambda fs, s: [(s, f) for f in fs],
            effect=effect,
            traced=self.traced_quantity,
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
            traced_by=lambda key: self.traced.get(key, []),
            cite_one=lambda key: self.cite([{"ref": key}], numeric=True),
            cite_key=lambda key: self.cite([{"ref": key}]),
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
                    return self.mark(m.group(0), key) if trace.is_figure(m) else m.group(0)

                safe = trace.QUANTITY.sub(marked, safe)
            out.append(CITE.sub(lambda m: str(self.cite([{"ref": m.group(1)}])), safe))
        return Markup(" ".join(out))

    def mark(self, figure: str, key: str) -> str:
        """`figure` with its source marker; the source's entry will list it."""
        if self.current is not None:
            self.traced[key].append((figure, self.current))
        return f"{figure}{self.cite([{'ref': key}], numeric=True)}"

    def traced_quantity(self, q: dict[str, Any]) -> Markup:
        """A quantity in both units with the markers of its sources beside it."""
        text = quantity(q)
        for s in q["sources"]:
            if self.current is not None:
                self.traced[s["ref"]].append((text, self.current))
        return Markup(str(escape(text)) + str(self.cite(q["sources"], numeric=True)))

    def cell(self, text: str, src: str = "") -> Markup:
        return Markup(str(self.md(text, src)).replace("|", "&#124;"))

    def cite(self, sources: list[dict[str, Any]], numeric: bool = False) -> Markup:
        """Numbered citation markers, each a link to its entry in the bibliography; a figure's
        marker (`numeric`) is styled smaller, right beside the number."""
        cls = "{.cryokb-cite .cryokb-num}" if numeric else "{.cryokb-cite}"
        marks = []
        for s in sources:
            n = self.index.numbers.get(s["ref"], "?")
            self.cited[s["ref"]] = None
            marks.append(f"[[{n}]]({self.index.home[s['ref']]}){cls}")
        return Markup("".join(marks))

    def page(self, template: str, source: str | None, **context: Any) -> Page:
        """Render a page; its reference list holds every source cited anywhere on it."""
        self.current, self.cited = context.get("e"), {}
        text = self.env.get_template(template).render(**context)
        if REFS_MARK in text:
            entity = context.get("e")
            details: dict[str, list[str]] = defaultdict(list)
            for s in entity.get("sources", []) if entity else []:
                self.cited.setdefault(s["ref"], None)  # the sources the page was written from
                if "detail" in s:
                    details[s["ref"]].append(s["detail"])
            lines = []
            for key in list(self.cited):
                ref = self.kb.references[key]
                more = "".join(f" ({self.md(d)})" for d in details[key])
                links = "".join(
                    f" [{label}]({href(url)})"
                    for label, url in (("DOI", ref.doi_url), ("PubMed", ref.pubmed_url))
                    if url
                )
                mark = self.cite([{"ref": key}])
                lines.append(f"- {mark} {self.md(bib.vancouver(ref))}{links}{more}\n")
            text = text.replace(REFS_MARK, "\n\n" + "".join(lines))
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
    """
    site = site or Site()
    base_url = site.url
    version = version or "unversioned"
    r = _Renderer(kb, today or date.today(), site, changes or {}, version)
    pages: dict[str, Page] = {}
    for kind, folder in KINDS.items():
        entities = kb.of(kind)
        if kind == "study":  # newest first, grouped by year
            year = {e.id: str(kb.references[e.id].get("year") or "") for e in entities}
            entities.sort(key=lambda e: (year[e.id], e.id), reverse=True)
        for pager, part in split(f"{folder}/index.md", entities, SIZE.get(kind, SIZE["item"])):
            pages[pager.path(pager.number)] = r.page(
                "section.md.j2", None, kind=kind, title=SECTIONS[kind], entities=part, pager=pager
            )
        for e in entities:
            rows = r.index.findings[e.id] if kind in ("modality", "condition") else []
            parts = split(f"{folder}/{e.id}.md", rows, SIZE["finding"])
            page = r.page(f"{kind}.md.j2", data_path(e), e=e, rows=parts[0][1], pager=parts[0][0])
            pages[f"{folder}/{e.id}.md"] = Page(page.utf8, page.source, e["reviewed"]["date"])
            for more, more_rows in parts[1:]:  # a treatment's further results
                pages[more.path(more.number)] = r.page(
                    "findings.md.j2", None, e=e, rows=more_rows, pager=more
                )
            if c := r.citation(e):
                pages[f"cite/{folder}/{e.id}.bib"] = Page.of(cite.bibtex(c), None)
                pages[f"cite/{folder}/{e.id}.ris"] = Page.of(cite.ris(c), None)
    studies = kb.of("study")
    for pager, columns in split("evidence/index.md", kb.of("condition"), SIZE["column"]):
        pages[pager.path(pager.number)] = r.page(
            "evidence.md.j2", None, conditions=columns, pager=pager, entities=studies
        )
    for path, text in opendata.files(kb, version).items():
        pages[path] = Page.of(text, None)
    if kb.questionnaire is not None:
        pages["questionnaire/index.md"] = r.page(
            "questionnaire.md.j2",
            data_path(kb.questionnaire),
            q=kb.questionnaire,
            levels=levels(kb),
            data=questionnaire_export.page_data(kb),
        )
        resource = questionnaire_export.fhir(kb, base_url)
        fhir = json.dumps(resource, indent=2, ensure_ascii=False)
        pages["questionnaire/questionnaire.fhir.json"] = Page.of(fhir + "\n", None)
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
        pages[path] = Page.of(page.content.replace(USES_MARK, uses), page.source, page.updated)
    return pages
