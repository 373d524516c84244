"""Pictures built at build time, no JavaScript: the treatments' temperature against time, and the
evidence matrix (treatment by outcome, certainty and direction in words, symbols and colour).

Both return HTML (escaped here) that the templates place on pages; the same data is always in a
table beside the picture.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from cryokb.read.model import Entity, KnowledgeBase
from cryokb.render.figures import CERTAINTY, DIRECTION

RANK = {"high": 4, "moderate": 3, "low": 2, "very-low": 1, "not-verified": 0}
SYMBOL = {k: v[1] for k, v in CERTAINTY.items()}
LABEL = {k: v[0] for k, v in CERTAINTY.items()}
MARK = {
    "benefit": "▲",
    "no-difference": "●",
    "harm": "▼",
    "favours-comparator": "◀",
    "unclear": "?",
}
ARROW = {k: (MARK[k], DIRECTION[k].lower()) for k in DIRECTION}
DOMAIN = {
    "pain": "Pain",
    "soreness": "Soreness",
    "function": "Function",
    "recovery": "Feeling recovered",
    "disease-activity": "Disease activity",
}
# The chart's frame: minutes across, °C up, in SVG units.
W, H, LEFT, TOP, RIGHT, BOTTOM = 640, 360, 64, 20, 20, 48
T_MAX, C_MIN, C_MAX = 25.0, -170.0, 20.0


def best(findings: list[tuple[Entity, dict[str, Any]]]) -> tuple[Entity, dict[str, Any]] | None:
    """The finding to show first: the most certain, then the one with the most people."""
    if not findings:
        return None
    return max(
        findings,
        key=lambda sf: (RANK[sf[1]["certainty"]], sf[1].get("participants") or 0, sf[0].id),
    )


def cell(pair: tuple[Entity, dict[str, Any]] | None, href: str) -> str:
    """One matrix cell: certainty and direction in symbols and words, a link to the finding."""
    if pair is None:
        return '<td class="cryokb-cell cryokb-none">no study</td>'
    _, f = pair
    c, (arrow, word) = f["certainty"], ARROW[f["direction"]]
    text = f"{SYMBOL[c]} {LABEL[c]}<br>{arrow} {word}"
    return f'<td class="cryokb-cell cryokb-cert-{c}"><a href="{escape(href)}">{text}</a></td>'


def matrix(
    rows: list[tuple[str, str]],
    columns: list[tuple[str, str]],
    pick: Any,
    caption: str,
) -> Markup:
    """An HTML table: `rows` and `columns` are (key, label); `pick(row, column)` gives
    (finding pair, link) or (None, '')."""
    head = "".join(f'<th scope="col">{escape(label)}</th>' for _, label in columns)
    body = []
    for rkey, rlabel in rows:
        cells = "".join(cell(*pick(rkey, ckey)) for ckey, _ in columns)
        body.append(f'<tr><th scope="row">{escape(rlabel)}</th>{cells}</tr>')
    return Markup(
        f'<div class="cryokb-matrix"><table><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">Treatment</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _x(minutes: float) -> float:
    return LEFT + (W - LEFT - RIGHT) * minutes / T_MAX


def _y(celsius: float) -> float:
    return TOP + (H - TOP - BOTTOM) * (C_MAX - celsius) / (C_MAX - C_MIN)


def series(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """Per treatment: its temperature range, usual and longest time, and its protocols' limits."""
    out = []
    for m in kb.of("modality"):
        temp, usual, longest = (
            m.get("temperature"),
            m.get("typical_duration"),
            m.get("maximum_duration"),
        )
        lowest = [
            p["value"].get("min", p["value"]["max"])
            for proto in kb.of("protocol")
            if proto["modality"] == m.id
            for p in proto["parameters"]
            if p["kind"] == "temperature"
        ]
        out.append(
            {
                "id": m.id,
                "name": m["name"],
                "t_low": temp.get("min", temp["max"]) if temp else None,
                "t_high": temp["max"] if temp else None,
                "d_low": usual.get("min", usual["max"]) if usual else None,
                "d_high": usual["max"] if usual else None,
                "d_limit": longest["max"] if longest else None,
                "t_limit": min(lowest) if lowest else None,
            }
        )
    return out


def chart(kb: KnowledgeBase, current: str = "") -> Markup:
    """An SVG of temperature against time for every treatment, `current` highlighted."""
    data = series(kb)
    parts = [
        f'<svg class="cryokb-chart" viewBox="0 0 {W} {H}" role="img" '
        'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-title">Temperature and time of each cold treatment</title>',
        f'<desc id="chart-desc">{escape(describe(data))}</desc>',
    ]
    for c in range(-150, 21, 50):  # the temperature axis
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{W - RIGHT}" y1="{_y(c):.1f}" y2="{_y(c):.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{_y(c) + 4:.1f}" text-anchor="end">{c} °C</text>'
        )
    for t in range(0, 26, 5):  # the time axis
        parts.append(
            f'<text class="tick" x="{_x(t):.1f}" y="{H - BOTTOM + 18}" '
            f'text-anchor="middle">{t} min</text>'
        )
    for i, s in enumerate(data):
        cls = f"series s{i}" + (" is-current" if s["id"] == current else "")
        attrs = " ".join(
            f'data-{k.replace("_", "-")}="{v}"'
            for k, v in s.items()
            if k not in ("name",) and v is not None
        )
        parts.append(f'<g class="{cls}" {attrs}>')
        if s["t_low"] is not None and (s["d_high"] or s["d_limit"]):
            x0, x1 = _x(s["d_low"] or 0), _x(s["d_high"] or s["d_limit"])
            y0, y1 = _y(s["t_high"]), _y(s["t_low"])
            parts.append(
                f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{max(x1 - x0, 4):.1f}" '
                f'height="{max(y1 - y0, 4):.1f}"/>'
            )
        if s["d_limit"] is not None:
            parts.append(
                f'<line class="limit" x1="{_x(s["d_limit"]):.1f}" x2="{_x(s["d_limit"]):.1f}" '
                f'y1="{TOP}" y2="{H - BOTTOM}"/>'
            )
        if s["t_limit"] is not None:
            parts.append(
                f'<line class="limit" x1="{LEFT}" x2="{W - RIGHT}" '
                f'y1="{_y(s["t_limit"]):.1f}" y2="{_y(s["t_limit"]):.1f}"/>'
            )
        label_y = _y(s["t_high"]) - 6 if s["t_high"] is not None else TOP + 14 * (i + 1)
        label_x = _x(s["d_high"] or s["d_limit"] or 0) + 6
        parts.append(
            f'<text class="label" x="{label_x:.1f}" y="{label_y:.1f}">{escape(s["name"])}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def describe(data: list[dict[str, Any]]) -> str:
    """The chart in words, for screen readers (the table beside it has the same numbers)."""
    bits = []
    for s in data:
        temp = (
            f"{s['t_low']:g} to {s['t_high']:g} °C"
            if s["t_low"] is not None
            else "no temperature given"
        )
        time = (
            f"up to {s['d_limit']:g} minutes" if s["d_limit"] is not None else "no time limit given"
        )
        bits.append(f"{s['name']}: {temp}, {time}")
    return "Minutes across, degrees Celsius up. " + "; ".join(bits) + "."


def condition_matrix(
    kb: KnowledgeBase,
    findings: Mapping[str, list[tuple[Entity, dict[str, Any]]]],
    condition: Entity,
) -> Markup:
    """Treatment by outcome for one condition; another treatment (heat, or cold given some other
    way) gets a row when a study tests it."""
    found = findings[condition.id]
    domains = [d for d in DOMAIN if any(f["domain"] == d for _, f in found)]
    rows = [(m.id, m["name"]) for m in kb.of("modality")]
    others = sorted({f["intervention"] for _, f in found if "intervention" in f})
    rows += [(name, f"{name} (other treatment)") for name in others]

    def pick(row: str, domain: str) -> tuple[Any, str]:
        pairs = [
            (s, f)
            for s, f in found
            if f["domain"] == domain and row in (f.get("modality"), f.get("intervention"))
        ]
        pair = best(pairs)
        return pair, f"../../studies/{pair[0].id}/#findings" if pair else ""

    columns = [(d, DOMAIN[d]) for d in domains] or [("pain", "Pain")]
    caption = f"Evidence for {condition['name'].lower()}: the most certain result per cell"
    return matrix(rows, columns, pick, caption)


def site_matrix(
    kb: KnowledgeBase,
    findings: Mapping[str, list[tuple[Entity, dict[str, Any]]]],
    conditions: list[Entity],
) -> Markup:
    """Treatment by condition, for these conditions."""
    rows = [(m.id, m["name"]) for m in kb.of("modality")]
    columns = [(c.id, c["name"]) for c in conditions]

    def pick(row: str, condition: str) -> tuple[Any, str]:
        pairs = [(s, f) for s, f in findings[condition] if f.get("modality") == row]
        pair = best(pairs)
        return pair, f"../conditions/{condition}/#summary-of-findings" if pair else ""

    return matrix(rows, columns, pick, "Evidence by treatment and condition")
