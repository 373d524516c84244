"""Turn a checked KnowledgeBase into Markdown pages. No I/O, no MkDocs."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import bib, questionnaire_export, structured_data
from .model import CITE, KINDS, Entity, KnowledgeBase, walk
from .questionnaire import levels

SECTIONS = {
    "condition": "Conditions",
    "modality": "Treatments",
    "protocol": "Protocols",
    "contraindication": "Reasons not to use cold",
    "side-effect": "Side effects",
    "study": "Studies",
    "guideline": "Guidelines",
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
    "favours-comparator": "The comparison did better",
    "unclear": "Unclear",
}
# Contraindication level for one treatment: (label, what it means for a patient)
LEVEL = {
    "do-not-use": (
        "Do not use",
        "Do not use it unless a doctor who knows your health says you can.",
    ),
    "ask-first": (
        "Ask a clinician first",
        "Talk to a doctor or physiotherapist before you try it.",
    ),
    "take-care": ("Take care", "Use it only with extra care, and stop if anything feels wrong."),
    "no-known-reason": (
        "No known reason",
        "The sources below give no reason to avoid it for this.",
    ),
}
STANCE = {
    "for": "recommended",
    "consider": "may be considered",
    "against": "recommended against",
    "no-recommendation": "no recommendation",
}
MEASURE = {
    "mean difference": "MD",
    "standardised mean difference": "SMD",
    "weighted mean difference": "WMD",
}
REFS_MARK = "\n@@cryokb-references@@\n"  # replaced by the page's reference list
_CITED = re.compile(r"\]\(/references/index\.md#([A-Za-z0-9_:-]+)\)")
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
    "sessions-per-week": ("session a week", "sessions a week"),
    "seconds": ("second", "seconds"),
    "days": ("day", "days"),
    "sessions": ("session", "sessions"),
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
        for g in kb.of("guideline"):
            for rec in g["recommendations"]:
                for target in {rec["condition"], rec.get("modality")} - {None}:
                    self.guidance[target].append((g, rec))
        for m in kb.of("modality"):
            for c in m["contraindications"]:
                self.cells[c["id"]].append((m, c))
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
            day=_day,
            href=_href,
            with_study=lambda fs, s: [(s, f) for f in fs],
            effect=effect,
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
            SECTIONS=SECTIONS,
            KINDS=KINDS,
            vancouver=bib.vancouver,
            ref_of=self.ref_of,
            review_span=review_span,
            jsonld=lambda e: structured_data.jsonld(e, kb),
            overdue=lambda e: date.fromisoformat(e["next_review"]) < today,
        )

    def cell_rows(self, modality: Entity) -> list[tuple[Entity, dict[str, Any]]]:
        """A treatment's contraindications with their cells, strictest level first."""
        rows = [
            (self.kb.get("contraindication", c["id"]), c) for c in modality["contraindications"]
        ]
        return sorted(rows, key=lambda r: (list(LEVEL).index(r[1]["level"]), r[0]["name"]))

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
        """Render a page; its reference list holds every source cited anywhere on it."""
        text = self.env.get_template(template).render(**context)
        if REFS_MARK in text:
            entity = context.get("e")
            details: dict[str, list[str]] = defaultdict(list)
            for s in entity.get("sources", []) if entity else []:
                if "detail" in s:
                    details[s["ref"]].append(s["detail"])
            lines = []
            for key in dict.fromkeys(_CITED.findall(text)):
                more = "".join(f" ({self.md(d)})" for d in details[key])
                lines.append(
                    f"- [[{self.index.numbers[key]}]]({url_for('references', key)}) "
                    f"{self.md(bib.vancouver(self.kb.references[key]))}{more}\n"
                )
            text = text.replace(REFS_MARK, "\n\n" + "".join(lines))
        return Page(text, source)


def _num(x: float) -> str:
    return f"{x:g}".replace("-", "\u2212")


def effect(e: dict[str, Any]) -> str:
    """The effect estimate in numbers, as the source reports it."""
    measure = e["measure"]
    if measure in MEASURE:
        low, high = e["ci"]
        text = f"{MEASURE[measure]} {_num(e['value'])} (95% CI {_num(low)} to {_num(high)})"
    elif measure == "group means":
        text = f"means {_num(e['groups'][0])} and {_num(e['groups'][1])}"
    elif measure == "percent change":
        text = f"changes of {_num(e['groups'][0])}% and {_num(e['groups'][1])}%"
    else:
        text = "no size given"
    if "p" in e:
        text += f", p {e['p']}"
    return f"{text}; {e['scale']}; {e['when']}"


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


def render(kb: KnowledgeBase, today: date | None = None, base_url: str = "") -> dict[str, Page]:
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
            levels=levels(kb),
            data=questionnaire_export.page_data(kb),
        )
        resource = questionnaire_export.fhir(kb, base_url)
        fhir = json.dumps(resource, indent=2, ensure_ascii=False)
        pages["questionnaire/questionnaire.fhir.json"] = Page(fhir + "\n", None)
    return pages
