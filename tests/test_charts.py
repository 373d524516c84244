"""Pictures at a glance: the treatments chart and the evidence matrices, checked against the data;
the glossary's abbreviations on every page; the "what we know" box."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cryokb.read.model import KINDS
from cryokb.render.charts import RANK, SYMBOL
from cryokb.rules.check import check_dir
from tests.conftest import ROOT

KB, _ = check_dir(ROOT / "data")
SVG = "{http://www.w3.org/2000/svg}"
CSS = (ROOT / "overrides" / "assets" / "cryokb" / "cryokb.css").read_text()


def _svg(html: str) -> ET.Element:
    (svg,) = re.findall(r'<svg class="cryokb-chart".*?</svg>', html, re.S)
    return ET.fromstring(svg)  # well-formed XML, or this raises


@pytest.mark.parametrize(
    "page", ["modalities/index.html", *[f"modalities/{m.id}/index.html" for m in KB.of("modality")]]
)
def test_the_chart_is_accessible_and_its_numbers_equal_the_data(site: Path, page: str) -> None:
    html = (site / page).read_text()
    svg = _svg(html)
    assert svg.get("role") == "img" and svg.get("viewBox")
    assert svg.find(f"{SVG}title") is not None and svg.find(f"{SVG}desc") is not None
    groups = {g.get("data-id"): g for g in svg.iter(f"{SVG}g")}
    assert set(groups) == {m.id for m in KB.of("modality")}
    for m in KB.of("modality"):
        g, temp, usual, longest = (
            groups[m.id],
            m.get("temperature"),
            m.get("typical_duration"),
            m.get("maximum_duration"),
        )
        assert g.get("data-t-high") == (f"{temp['max']}" if temp else None)
        assert g.get("data-d-limit") == (f"{longest['max']}" if longest else None)
        assert g.get("data-d-high") == (f"{usual['max']}" if usual else None)
        assert m["name"] in svg.find(f"{SVG}desc").text
        assert m["name"] in "".join(t.text or "" for t in g.iter(f"{SVG}text"))
    current = [g.get("data-id") for g in groups.values() if "is-current" in g.get("class", "")]
    own = page.split("/")[1] if page.count("/") == 2 else None
    assert current == ([own] if own else [])
    assert "Longest time" in html and "Usual time" in html  # the same data as a table


def _luminance(hex_colour: str, matrix: list[list[float]] | None = None) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    if matrix:
        lin = [
            max(0.0, min(1.0, sum(m * c for m, c in zip(row, lin, strict=True)))) for row in matrix
        ]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


# Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
PROTANOPIA = [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
]
DEUTERANOPIA = [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.011820, 0.042940, 0.968881],
]


@pytest.mark.parametrize(
    "vision", [None, PROTANOPIA, DEUTERANOPIA], ids=["typical", "protanopia", "deuteranopia"]
)
def test_matrix_colours_stay_distinct_and_readable_with_colour_blindness(
    vision: list[list[float]] | None,
) -> None:
    levels = ["high", "moderate", "low", "very-low"]
    backgrounds, texts = {}, {}
    for level in levels:
        block = re.search(rf"\.cryokb-cert-{level} \{{([^}}]*)\}}", CSS).group(1)
        backgrounds[level] = re.search(r"background: (#[0-9a-f]{6})", block).group(1)
        texts[level] = re.search(r"color: (#[0-9a-f]{3,6})", block).group(1)
    lum = [_luminance(backgrounds[level], vision) for level in levels]
    assert lum == sorted(lum)  # certainty still reads as dark to light
    for a, b in itertools.pairwise(lum):
        assert (b + 0.05) / (a + 0.05) > 1.5  # neighbouring levels stay apart
    for level in levels:
        fg = (
            texts[level]
            if len(texts[level]) == 7
            else "#" + "".join(c * 2 for c in texts[level][1:])
        )
        pair = sorted([_luminance(fg, vision), _luminance(backgrounds[level], vision)])
        assert (pair[1] + 0.05) / (pair[0] + 0.05) >= 4.5, level


def test_the_site_matrix_shows_the_best_result_per_treatment_and_condition(site: Path) -> None:
    html = (site / "evidence" / "index.html").read_text()
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', html, re.S)
    assert [name for name, _ in rows] == [m["name"] for m in KB.of("modality")]
    for (_, cells), m in zip(rows, KB.of("modality"), strict=True):
        tds = re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        assert len(tds) == len(KB.of("condition"))
        for td, c in zip(tds, KB.of("condition"), strict=True):
            found = [
                f
                for s in KB.of("study")
                for f in s["findings"]
                if f.get("modality") == m.id and f.get("condition") == c.id
            ]
            if not found:
                assert td == "no study"
                continue
            top = max(RANK[f["certainty"]] for f in found)
            symbol = next(SYMBOL[k] for k, v in RANK.items() if v == top)
            assert symbol in td and f"conditions/{c.id}/#summary-of-findings" in td


def test_condition_pages_open_with_what_we_know_and_carry_their_matrix(site: Path) -> None:
    for c in KB.of("condition"):
        html = (site / "conditions" / c.id / "index.html").read_text()
        assert html.index("What we know:") < html.index('id="self-care"')
        assert "Safest first step:" in html and "How sure:" in html
        found = [f for s in KB.of("study") for f in s["findings"] if f.get("condition") == c.id]
        if found:
            assert 'class="cryokb-matrix"' in html
            best = max(found, key=lambda f: RANK[f["certainty"]])
            assert SYMBOL[best["certainty"]] in html


def test_abbreviations_are_explained_on_every_page_and_in_the_glossary(site: Path) -> None:
    entries = dict(
        re.findall(
            r"^\*\[([^\]]+)\]: (.*)$", (ROOT / "includes" / "abbreviations.md").read_text(), re.M
        )
    )
    glossary = (site / "glossary" / "index.html").read_text()
    for abbr, meaning in entries.items():
        assert meaning.split(",")[0] in glossary, abbr
    seen = 0
    for html in site.rglob("index.html"):
        text = html.read_text()
        for abbr in entries:
            if re.search(rf"<abbr title=\"[^\"]+\">{abbr}</abbr>", text):
                seen += 1
    assert seen > 20
    stanek = (site / KINDS["study"] / "stanek2015wbcas" / "index.html").read_text()
    assert '<abbr title="Bath Ankylosing Spondylitis Disease Activity Index' in stanek
