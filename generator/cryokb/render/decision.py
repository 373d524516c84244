"""A condition's decision aid ("Cold, heat or neither?"): its options side by side, each from
the data (findings, the safety table, protocols' times, self-care and guidelines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryokb.read.model import Entity, KnowledgeBase
from cryokb.render.figures import quantity
from cryokb.render.links import Index

RISKY = ("do-not-use", "ask-first")  # safety levels a person must know before choosing
SHOWN = 4  # results per option on the aid; the condition page lists every one
SURE = {"high": 0, "moderate": 1, "low": 2, "very-low": 3}  # the surest results first


@dataclass
class Option:
    """One choice: a cold treatment, heat (or another comparison studied), or neither."""

    name: str
    modality: Entity | None = None
    rows: list[tuple[Entity, dict[str, Any]]] = field(default_factory=list)
    times: list[tuple[str, str]] = field(default_factory=list)  # (where from, how long)
    risks: list[tuple[Entity, dict[str, Any]]] = field(default_factory=list)
    more: int = 0  # results left for the condition page


def options(kb: KnowledgeBase, index: Index, condition: Entity) -> list[Option]:
    """The studied options for a condition, cold treatments first; [] when nothing is studied."""
    by_key: dict[str, Option] = {}
    for study, f in index.findings[condition.id]:
        if "modality" in f:
            m = kb.get("modality", f["modality"])
            opt = by_key.setdefault(m.id, Option(m["name"], m))
        else:
            name = str(f.get("intervention", "")).strip()
            opt = by_key.setdefault("other:" + name.lower(), Option(name))
        opt.rows.append((study, f))
    for opt in by_key.values():
        opt.rows.sort(key=lambda row: SURE.get(str(row[1].get("certainty")), len(SURE)))
        opt.more, opt.rows = max(0, len(opt.rows) - SHOWN), opt.rows[:SHOWN]
        if opt.modality is not None:
            _fill(kb, condition, opt)
    return sorted(by_key.values(), key=lambda o: (o.modality is None, o.name.lower()))


def _fill(kb: KnowledgeBase, condition: Entity, opt: Option) -> None:
    """An option's time (its protocols for this condition, else the treatment's limit) and
    the safety table's cells that call for care."""
    m = opt.modality
    assert m is not None
    for p in kb.of("protocol"):
        if p["modality"] == m.id and condition.id in p.get("conditions", []):
            for par in p.get("parameters", []):
                if par.get("kind") in ("duration", "frequency", "course"):
                    opt.times.append((p["name"], f"{par['label']}: {quantity(par['value'])}"))
    if not opt.times and "maximum_duration" in m.doc.data:
        opt.times.append((m["name"], f"At most {quantity(m['maximum_duration'])}"))
    for cell in m.get("contraindications", []):
        if cell["level"] in RISKY:
            opt.risks.append((kb.get("contraindication", cell["id"]), cell))


def conditions(kb: KnowledgeBase, index: Index) -> list[Entity]:
    """The conditions that get a decision aid: each with a studied option besides 'neither'."""
    return [c for c in kb.of("condition") if index.findings[c.id]]
