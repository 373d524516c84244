"""Turn a checked KnowledgeBase into Markdown pages. No I/O, no MkDocs."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import bib, questionnaire_export, structured_data
from .model import CITE, KINDS, Entity, KnowledgeBase, walk
from .questionnaire import severities

SECTIONS = {
    "condition": "Conditions",
    "modality": "Treatments",
    "protocol": "Protocols",
    "contraindication": "Reasons not to use cold",
    "side-effect": "Side effects",
    "study": "Studies",
}
CERTAINTY = {
    "high": ("High", "⊕⊕⊕⊕", "We are very confident the true effect is close to this."),
    "moderate": ("Moderate", "⊕⊕⊕◯", "The true effect is probably close to this."),
    "low": ("Low", "⊕⊕◯◯", "The true effect may be quite different."),
    "very-low": ("Very low", "⊕◯◯◯", "We have very little confidence in this."),
    "not-verified": ("Not yet verified", "?", "cryokb has not yet checked this result."),
}
DIRECTION = {
    "benefit": "Helped",
    "no-difference": "No clear difference",
    "harm": "Harmed",
    "unclear": "Unclear",
}
CEBM = {
    1: "Systematic review of randomised trials",
    2: "Randomised trial",
    3: "Non-randomised controlled study",
    4: "Case series or before-and-after study",
    5: "Reasoning from how the body works (mechanism) or expert review",
}
UNITS = {
    "minutes": ("minute", "minutes"),
    "hours": ("hour", "hours"),
    "weeks": ("week", "weeks"),
    "sessions-per-day": ("session a day", "sessions a day"),
}


@dataclass(frozen=True)
class Page:
    """One generated file (Markdown, or JSON) and the data file it comes from."""

    content: str
    source: str | None


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
        self.numbers = {key: i for i, key in enumerate(kb.references, start=1)}
        self.protocols: dict[str, list[Entity]] = defaultdict(list)
        self.findings: dict[str, list[tuple[Entity, dict[str, Any]]]] = defaultdict(list)
        self.modalities: dict[str, list[tuple[Entity, str]]] = defaultdict(list)
        self.citers: dict[str, list[Entity]] = defaultdict(list)
        for p in kb.of("protocol"):
            for target in [p["modality"], *p["conditions"]]:
                self.protocols[target].append(p)
        for s in kb.of("study"):
            for f in s["findings"]:
                for target in {f["modality"], f.get("condition")} - {None}:
                    self.findings[target].append((s, f))
        for m in kb.of("modality"):
            for c in m["contraindications"]:
                self.modalities[c["id"]].append((m, c.get("severity", "absolute")))
            for se in m["side_effects"]:
                self.modalities[se].append((m, ""))
        for e in kb.pages():
            keys = {v for path, v in walk(e.data) if path and path[-1] == "ref"}
            keys |= {k for _, v in walk(e.data) if isinstance(v, str) for k in CITE.findall(v)}
            for key in sorted(keys):
                self.citers[key].append(e)


def _number(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x % 1 else f"{x:.0f}"


def _range(low: float | None, high: float, approx: bool, unit: str) -> str:
    text = (
        f"{_number(low)} to {_number(high)}" if low is not None and low != high else _number(high)
    )
    if low is None and not approx and unit not in ("°C", "°F"):
        text = f"up to {text}"
    return ("about " if approx else "") + text


def quantity(q: dict[str, Any]) -> str:
    """`-135 to -110 °C (-211 to -166 °F)`; a difference converts without the 32° offset."""
    low, high, unit = q.get("min"), q["max"], q["unit"]
    approx = bool(q.get("approximate"))
    if unit in ("celsius", "celsius-difference"):
        scale, offset = 9 / 5, (32 if unit == "celsius" else 0)
        c = _range(low, high, approx, "°C")
        f_low = None if low is None else round(low * scale + offset)
        f = _range(f_low, round(high * scale + offset), approx, "°F")
        prefix = "" if low is not None else ("at most " if unit == "celsius" else "up to ")
        return f"{prefix}{c} °C ({f} °F)"
    one, many = UNITS[unit]
    word = one if low in (None, high) and high == 1 else many
    return f"{_range(low, high, approx, unit)} {word}"


class _Renderer:
    def __init__(self, kb: KnowledgeBase, today: date) -> None:
        self.kb = kb
        self.index = Index(kb)
        self.env = Environment(
            loader=PackageLoader("generator", "templates"),
            undefined=StrictUndefined,
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            comment_start_string="{##",  # Markdown anchors look like {#id}
            comment_end_string="##}",
        )
        self.env.filters.update(
            md=self.md,
            cell=self.cell,
            quantity=quantity,
            cite=self.cite,
            url=url_for,
            day=_day,
            href=_href,
            with_study=lambda fs, s: [(s, f) for f in fs],
        )
        self.env.globals.update(
            kb=kb,
            index=self.index,
            CERTAINTY=CERTAINTY,
            DIRECTION=DIRECTION,
            CEBM=CEBM,
            SECTIONS=SECTIONS,
            KINDS=KINDS,
            vancouver=bib.vancouver,
            ref_of=self.ref_of,
            review_span=review_span,
            jsonld=lambda e: structured_data.jsonld(e, kb),
            overdue=lambda e: date.fromisoformat(e["next_review"]) < today,
        )

    def ref_of(self, key: str) -> bib.Reference:
        return self.kb.references[key]

    def md(self, text: str) -> Markup:
        """Data text as inline Markdown: HTML escaped, [@key] linked.

        Script cannot get through: `cryokb check` rejects it, Jinja escapes the text here, and
        the hook's allowlist sanitizer (generator/sanitize.py) cleans the page HTML.
        """
        safe = str(escape(" ".join(text.split())))
        return Markup(CITE.sub(lambda m: str(self.cite([{"ref": m.group(1)}])), safe))

    def cell(self, text: str) -> Markup:
        return Markup(str(self.md(text)).replace("|", "&#124;"))

    def cite(self, sources: list[dict[str, Any]]) -> Markup:
        """Numbered citation markers, each a link to its entry in the bibliography."""
        marks = []
        for s in sources:
            n = self.index.numbers.get(s["ref"], "?")
            marks.append(f"[[{n}]]({url_for('references', s['ref'])})")
        return Markup("".join(marks))

    def page(self, template: str, source: str | None, **context: Any) -> Page:
        return Page(self.env.get_template(template).render(**context), source)


def review_span(entities: list[Entity]) -> dict[str, str]:
    """Earliest and latest review dates, and the earliest next review, of a list of pages."""
    reviewed = sorted(e["reviewed"]["date"] for e in entities)
    return {
        "first": reviewed[0],
        "last": reviewed[-1],
        "next": min(e["next_review"] for e in entities),
    }


def _href(url: str) -> str:
    """A link target that cannot break out of Markdown's `(...)`."""
    return quote(url, safe="/:?#=&.%_~-")


def _day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def render(kb: KnowledgeBase, today: date | None = None) -> dict[str, Page]:
    """Every generated page, keyed by its path under the docs folder; `today` dates notices."""
    r = _Renderer(kb, today or date.today())
    pages: dict[str, Page] = {}
    for kind, folder in KINDS.items():
        entities = kb.of(kind)
        pages[f"{folder}/index.md"] = r.page(
            "section.md.j2", None, kind=kind, title=SECTIONS[kind], entities=entities
        )
        for e in entities:
            pages[f"{folder}/{e.id}.md"] = r.page(f"{kind}.md.j2", e.file, e=e)
    pages["references/index.md"] = r.page(
        "references.md.j2", kb.bib_file, entities=list(kb.pages())
    )
    if kb.questionnaire is not None:
        pages["questionnaire/index.md"] = r.page(
            "questionnaire.md.j2",
            kb.questionnaire.file,
            q=kb.questionnaire,
            severities=severities(kb),
            data=questionnaire_export.page_data(kb),
        )
        fhir = json.dumps(questionnaire_export.fhir(kb), indent=2, ensure_ascii=False)
        pages["questionnaire/questionnaire.fhir.json"] = Page(fhir + "\n", None)
    return pages
