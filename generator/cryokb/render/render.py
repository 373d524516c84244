"""Turn a checked KnowledgeBase into Markdown pages. No I/O, no MkDocs."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup

from cryokb.read.history import Change
from cryokb.read.model import CITE, KINDS, Entity, KnowledgeBase, plain_text
from cryokb.render import charts, cite, engine, fanout, memory, sanitize, structured_data
from cryokb.render.engine import escape_text
from cryokb.render.figures import CERTAINTY, DIRECTION, day, effect, quantity, review_span
from cryokb.render.labels import CEBM, LEVEL, SECTIONS, STANCE
from cryokb.render.ledger import Ledger, Made
from cryokb.render.links import HOMED, Index, data_path, href, url_for
from cryokb.render.pages import Page, jobs, uses
from cryokb.rules import trace
from cryokb.site.publish import Site

REFS_MARK = "\n@@cryokb-references@@\n"  # replaced by the page's reference list
# replaced, once every page is rendered, by where a study or guideline is used on the site
USES_MARK = "\n@@cryokb-uses@@\n"
WHERE_MARK = "@@cryokb-where@@"  # in a finding's card: where it was seen, on pages that say so
PAGES_HERE = 0.85  # the copies' share (study pages) takes less per weight than this one's: measured
DIGIT = re.compile(r"\d")  # every figure has one


def _plain(text: str, src: str) -> bool:
    """No citation in `text`, and no figure or no source to trace one to: nothing to add."""
    return "[@" not in text and (not src or not DIGIT.search(text))


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
        self.site, self.version, self.today = site, version, today
        self.index = Index(kb)
        self.ledger = ledger = Ledger(self.index.numbers, self.index.home)
        self.citations: dict[tuple[str, str], cite.Citation] = {}
        self.env = engine.environment()
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
            CEBM=CEBM,
            LEVEL=LEVEL,
            STANCE=STANCE,
            MODALITIES=kb.of("modality"),
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
            ref_of=kb.references.__getitem__,
            review_span=review_span,
            jsonld=lambda e: structured_data.jsonld(e, kb, site.url),
            overdue=lambda e: date.fromisoformat(e["next_review"]) < today,
            changes_of=lambda e: changes.get(str(Path(e.file).resolve()), []) if changes else [],
            data_path=data_path,
            site=site,
            version=version,
            citation_of=lambda e: self.citation(e),
        )
        macros: Any = self.env.get_template("_macros.md.j2").module  # made once, not per page
        self.finding_card, self.card_where = macros.finding_card, macros.card_where
        self.env.globals.update(sof=macros.sof, cells=macros.cells)

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
            return Markup(sanitize.inert(escape_text(text)))
        out = []
        for sentence in trace.SENTENCE.split(text):
            keys = CITE.findall(sentence) or ([src] if src else [])
            safe: str = sanitize.inert(escape_text(sentence))  # before our own marks
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

    def card(self, study: Entity, f: dict[str, Any], with_condition: bool = False) -> Markup:
        """A finding's card, rendered once (see Ledger.once); a page that lists findings of
        several conditions adds the finding's condition to it."""
        key = (study.id, id(f))  # a forked copy shares this process's ids
        text = self.ledger.once(key, lambda: self.finding_card(study, f))
        if not with_condition:
            return text.replace(WHERE_MARK, Markup())
        where = self.ledger.once(("where", f.get("condition")), lambda: self.card_where(f))
        return text.replace(WHERE_MARK, where)

    def cards(self, findings: Sequence[tuple[Entity, dict[str, Any]]]) -> list[Made]:
        """These findings' cards, made to be adopted by every process that renders pages."""
        for study, f in findings:
            self.card(study, f)
        return self.ledger.made([(study.id, id(f)) for study, f in findings])

    def page(self, template: str, source: str | None, **context: Any) -> Page:
        """Render a page; its reference list holds every source cited anywhere on it."""
        self.ledger.begin(context.get("e"))
        text = self.env.get_template(template).render(**context)
        if REFS_MARK in text:
            listed = self.ledger.reference_list(context.get("e"), self.kb.references, self.md)
            text = text.replace(REFS_MARK, "\n\n" + listed)
        return Page.of(text, source)


def _ahead(r: Renderer, kb: KnowledgeBase) -> None:
    """Make each finding's card on every core, before the pages that show it (its study's,
    its treatment's, its condition's); meanwhile, here (a first job runs here), find which
    pages cite each source: that costs about a card for every four pages."""
    findings = [(s, f) for s in kb.of("study") for f in s.get("findings") or []]
    runs = fanout.runs(findings)
    work: list[Callable[[], Any]] = [lambda: r.index.citers]
    work += [partial(r.cards, run) for run in runs]
    weights = [sum(map(len, kb.entities.values())) / 4, *map(len, runs)]
    made, _ = fanout.run(work, weights)
    for cards in made[1:]:
        r.ledger.adopt(cards)


@memory.held()  # see memory.py
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
    The pages are rendered on every core (fanout.py), with the same result as on one.
    """
    site = site or Site()
    version = version or "unversioned"
    r = Renderer(kb, today or date.today(), site, changes or {}, version)
    _ahead(r, kb)
    work = jobs(r, kb, site, version)
    done, traced = fanout.run(
        [job for _, job in work], [w for w, _ in work], r.ledger.export, here=PAGES_HERE
    )
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
    found = fanout.map_runs(partial(uses, r), [e for kind in HOMED for e in kb.of(kind)])
    for path, text in (item for part in found for item in part.items()):
        utf8 = pages[path].utf8.replace(USES_MARK.encode(), text.encode())
        pages[path] = Page(utf8, pages[path].source, pages[path].updated)
    return pages
