"""The renderer: Jinja, with the filters and globals every page template uses, and the
ledger of what each page cites. No I/O, no MkDocs; pages.py says which pages to make."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from cryokb.read import grade
from cryokb.read.history import Change
from cryokb.read.model import CITE, KINDS, Entity, KnowledgeBase, plain_text
from cryokb.render import charts, cite, sanitize, structured_data
from cryokb.render.figures import (
    CERTAINTY,
    DIRECTION,
    IMPORTANCE,
    day,
    effect,
    quantity,
    review_span,
)
from cryokb.render.labels import CEBM, LEVEL, SECTIONS, STANCE
from cryokb.render.ledger import Ledger
from cryokb.render.links import Index, Site, data_path, href, url_for
from cryokb.rules import trace

REFS_MARK = "\n@@cryokb-references@@\n"  # replaced by the page's reference list
DIGIT = re.compile(r"\d")  # every figure has one
# Compiled templates, kept between builds (Jinja checks each against its source): compiling
# ours and the theme's took about half a second of every preview rebuild (bench/PREVIEW.md).
COMPILED = FileSystemBytecodeCache()


def _plain(text: str, src: str) -> bool:
    """No citation in `text`, and no figure or no source to trace one to: nothing to add."""
    return "[@" not in text and (not src or not DIGIT.search(text))


def environment() -> Environment:
    """Jinja over the templates folder: strict, escaping, Markdown-friendly comments."""
    return Environment(
        loader=PackageLoader("cryokb.render", "templates"),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        comment_start_string="{##",  # Markdown anchors look like {#id}
        comment_end_string="##}",
        bytecode_cache=COMPILED,
    )


class Renderer:
    def __init__(
        self,
        kb: KnowledgeBase,
        today: date,
        site: Site,
        changes: dict[str, list[Change]],
        version: str,
    ) -> None:
        self.kb = kb
        self.site, self.version, self.today, self.changes = site, version, today, changes
        self.index = Index(kb)
        self.ledger = ledger = Ledger(self.index.numbers, self.index.home)
        self.citations: dict[tuple[str, str], cite.Citation] = {}
        self.env = environment()
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
            literal=sanitize.literal,
        )
        self.env.globals.update(
            kb=kb,
            index=self.index,
            CERTAINTY=CERTAINTY,
            DIRECTION=DIRECTION,
            IMPORTANCE=IMPORTANCE,
            CEBM=CEBM,
            LEVEL=LEVEL,
            STANCE=STANCE,
            MODALITIES=kb.of("modality"),
            best=charts.best,
            grade_rows=lambda study, f: grade.table(study.data, f["grade"]),
            grade_sum=lambda study, f: grade.sum_up(study.data, f["grade"]),
            chart=lambda current="": charts.chart(kb, current),
            condition_matrix=lambda c: charts.condition_matrix(kb, self.index.findings, c),
            site_matrix=lambda cs: charts.site_matrix(kb, self.index.findings, cs),
            DOMAIN=charts.DOMAIN,
            traced_by=lambda key: ledger.traced.get(key, []),
            cite_one=lambda key: ledger.cite([{"ref": key}], numeric=True),
            cite_key=lambda key: ledger.cite([{"ref": key}]),
            SECTIONS=SECTIONS,
            KINDS=KINDS,
            ref_of=kb.references.__getitem__,
            review_span=review_span,
            jsonld=lambda e: structured_data.jsonld(e, kb, site.url, site.language),
            overdue=lambda e: date.fromisoformat(e["next_review"]) < today,
            changes_of=lambda e: changes.get(str(Path(e.file).resolve()), []) if changes else [],
            data_path=data_path,
            site=site,
            version=version,
            citation_of=lambda e: self.citation(e),
        )
        macros: Any = self.env.get_template("_macros.md.j2").module  # made once, not per page
        self.env.globals.update(sof=macros.sof, cells=macros.cells)

    def templates(self) -> list[tuple[str, str]]:
        """Every template's name and source: what every page's text depends on."""
        loader = self.env.loader
        assert loader is not None
        return [(n, loader.get_source(self.env, n)[0]) for n in self.env.list_templates()]

    def citation(self, e: Entity) -> cite.Citation | None:
        """How to cite this page, for the kinds clinicians cite; None for the others."""
        if e.kind not in cite.CITED_KINDS:
            return None
        if (e.kind, e.id) not in self.citations:  # asked for twice on the page, then its files
            title = self.kb.references[e.id].get("title") if e.kind == "study" else e["name"]
            made = cite.citation(e, plain_text(title), self.site.url, self.version, self.today)
            self.citations[e.kind, e.id] = made
        return self.citations[e.kind, e.id]

    def md(self, text: str, src: str = "") -> Markup:
        """Data text as inline Markdown: HTML escaped, [@key] linked, and each figure followed
        by a marker to its source: the sentence's citation, else `src` (see trace.py).

        Script cannot get through: `cryokb check` rejects it, Jinja escapes the text here, and
        the hook's allowlist sanitizer (generator/sanitize.py) cleans the page HTML.
        """
        text = " ".join(text.split())
        if _plain(text, src):
            return Markup(sanitize.inert(str(escape(text))))
        out = []
        for sentence in trace.SENTENCE.split(text):
            keys = CITE.findall(sentence) or ([src] if src else [])
            safe: str = sanitize.inert(str(escape(sentence)))  # before our own marks
            if keys and keys[0] in self.kb.references:
                key = keys[0]

                def marked(m: re.Match[str], key: str = key) -> str:
                    return self.ledger.mark(m.group(0), key) if trace.is_figure(m) else m.group(0)

                safe = trace.QUANTITY.sub(marked, safe)
            if "[@" in safe:
                safe = CITE.sub(lambda m: str(self.ledger.cite([{"ref": m.group(1)}])), safe)
            out.append(safe)
        return Markup(" ".join(out))

    def cell(self, text: str, src: str = "") -> Markup:
        return Markup(str(self.md(text, src)).replace("|", "&#124;"))

    def page(self, template: str, **context: Any) -> str:
        """Render a page; its reference list holds every source cited anywhere on it."""
        self.ledger.begin(context.get("e"))
        text = self.env.get_template(template).render(**context)
        if REFS_MARK in text:
            listed = self.ledger.reference_list(context.get("e"), self.kb.references, self.md)
            text = text.replace(REFS_MARK, "\n\n" + listed)
        return text
