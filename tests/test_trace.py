"""Trace every number: each figure on a protocol, treatment, condition or study page carries a
marker to its source, and a number in the data with no source fails the check."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cryokb.render.pages import render
from cryokb.rules.check import check_dir
from cryokb.rules.trace import QUANTITY, is_figure
from tests.test_check import MINIMAL, _edit

ROOT = Path(__file__).resolve().parent.parent
KB, _ = check_dir(ROOT / "data")
PAGES = render(KB)
KINDS = ("protocols", "modalities", "conditions", "studies")
HOME = r"/(?:references/index\.md#[\w:-]+|(?:studies|guidelines)/[\w-]+\.md#reference)"
MARKER = re.compile(rf"^\[\[\d+\]\]\({HOME}\)\{{\.cryokb-cite[^}}]*\}}")


def _body(markdown: str) -> str:
    """The page's running text and tables: no front matter, headings, chart, citation block,
    reference list or review box (dates and versions are not figures about treatment)."""
    text = markdown.split("\n---\n", 1)[1]
    text = text.split('<div class="cryokb-noprint" markdown>\n\n## Cite this page')[0]
    text = text.split("## References {#references}")[0]
    text = text.split("## Where this site uses it {#uses}")[0]  # lists the figures it traced
    text = re.sub(r"<svg.*?</svg>", "", text, flags=re.S)
    text = re.sub(r'<div class="cryokb-print-only".*?</div>', "", text, flags=re.S)
    text = re.sub(r'<div class="cryokb-matrix">.*?</div>', "", text, flags=re.S)
    text = re.sub(r"<caption>How sure, step by step \(GRADE\):[^<]*</caption>", "", text)  # steps
    text = re.sub(r'<nav class="cryokb-pager".*?</nav>', "", text, flags=re.S)  # page numbers
    text = re.sub(r"There are \d+ results [^\n]* here are the first \d+\.", "", text)  # a count
    lines = [ln for ln in text.splitlines() if not ln.startswith(("#", "**Citation:**"))]
    return "\n".join(lines)


def _unmarked(body: str) -> list[str]:
    out = []
    for m in QUANTITY.finditer(body):
        before, after = body[: m.start()], body[m.end() :]
        if not is_figure(m) or before.endswith(("[[", "(", "#")):
            continue
        if re.search(r"\]\([^)]*$", before) or re.search(r"^\s*\.\s", after):  # links, "1. "
            continue
        if re.search(r"(Level|level) $", before):  # a CEBM level is a label, not a figure
            continue
        after = re.sub(r"^ \([^)]*°F\)", "", after)  # the same figure in °F, then the marker
        if not MARKER.match(after):
            out.append(f"{m.group(0)!r} in …{before[-60:]}")
    return out


@pytest.mark.parametrize(
    "path", sorted(p for p in PAGES if p.split("/")[0] in KINDS and not p.endswith("index.md"))
)
def test_every_figure_on_the_page_carries_a_marker_to_its_source(path: str) -> None:
    assert _unmarked(_body(PAGES[path].content)) == []


def test_the_scanner_finds_an_unmarked_figure() -> None:
    assert _unmarked("Stay in for 4 minutes at -110 °C.") == [
        "'4 minutes' in …Stay in for ",
        "'-110 °C' in …Stay in for 4 minutes at ",
    ]


def test_each_source_lists_the_figures_it_supports() -> None:
    refs = PAGES["references/index.md"].content
    block = refs[refs.index('id="seed-article"') :]
    block = block[: block.index("</div>")]
    assert "Figures on this site from this source:" in block
    assert "20 minutes" in block and "4 minutes" in block


def test_a_number_without_a_source_fails_the_check(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    _edit(
        data / "protocols" / "chamber-neck.yaml",
        "  - Stop if it hurts.",
        "  - Stop after 3 minutes if it hurts.",
    )
    _, found = check_dir(data)
    messages = [f"{Path(p.file).name}:{p.line}: {p.message}" for p in found if p.is_error]
    assert messages == [
        "chamber-neck.yaml:21: when_to_stop[0]: '3 minutes' has no source: cite it in its "
        "sentence with [@key]"
    ]
    _edit(
        data / "protocols" / "chamber-neck.yaml",
        "after 3 minutes if it hurts.",
        "after 3 minutes if it hurts [@src2020].",
    )
    _, found = check_dir(data)
    assert [p for p in found if p.is_error] == []
