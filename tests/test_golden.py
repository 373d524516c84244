"""Golden files of rendered Markdown, from the small fixed fixture data set (never the real data).

A change to `data/` never touches a golden file; the real data is covered by `cryokb check`.
After an intended change to rendering, refresh them with `make golden` and review the diff.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from cryokb.read.history import Change
from cryokb.read.model import KnowledgeBase
from cryokb.render.links import Site
from cryokb.render.pages import render
from cryokb.rules.check import check_dir

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 3, 1)  # before the fixture's next_review, so no page is overdue
BASE = "https://cryokb.test/"
CHANGE = Change("2026-02-01", "Shorter summary for sore necks")


def _render(today: date = TODAY) -> dict[str, str]:
    kb, problems = check_dir(FIXTURE, today=today)
    assert problems == []
    site = Site(BASE, "https://github.com/example/cryokb")
    changes = {str((FIXTURE / "conditions" / "sore-neck.yaml").resolve()): [CHANGE]}
    return {path: page.content for path, page in render(kb, today, site, changes).items()}


RENDERED = _render()


@pytest.mark.parametrize("path", sorted(RENDERED))
def test_rendered_page_matches_golden(path: str, request: pytest.FixtureRequest) -> None:
    golden = GOLDEN / path.replace("/", "__")
    if request.config.getoption("--update-golden"):
        golden.write_text(RENDERED[path], encoding="utf-8")
    assert golden.exists(), f"missing {golden.name}: run `make golden`"
    assert RENDERED[path] == golden.read_text(encoding="utf-8"), "run `make golden` if intended"


def test_no_stray_golden_files() -> None:
    expected = {path.replace("/", "__") for path in RENDERED}
    assert {p.name for p in GOLDEN.iterdir()} == expected


def test_rendering_is_deterministic() -> None:
    assert _render() == RENDERED


def test_an_overdue_page_says_so() -> None:
    late = _render(date(2026, 8, 1))
    notice = "Review overdue"
    assert (
        notice in late["conditions/sore-neck.md"]
        and notice not in RENDERED["conditions/sore-neck.md"]
    )


def test_no_template_comment_leaks_into_a_page() -> None:
    """The templates' comments use `{## ##}`; one written the usual Jinja way would show."""
    for path, text in RENDERED.items():
        assert not re.search(r"\{#-|-#\}|\{##|##\}|\{# ", text), path


@pytest.mark.parametrize("root", [FIXTURE, FIXTURE.parent.parent.parent / "data"], ids=str)
def test_quick_text_path_renders_the_same(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Text with no citation, and no digit or no source, skips the figure tracing: the same
    pages either way."""
    from cryokb.render import render as renderer

    kb, _ = check_dir(root, today=TODAY)
    quick = {path: page.content for path, page in render(kb, TODAY).items()}
    monkeypatch.setattr(renderer, "_plain", lambda text, src: False)  # every text the full way
    assert {path: page.content for path, page in render(kb, TODAY).items()} == quick


def _pages(kb: KnowledgeBase) -> list[tuple[str, str]]:
    return [(path, page.content) for path, page in render(kb, TODAY).items()]


def test_a_card_says_where_its_finding_was_seen_escaped_once() -> None:
    """The condition added to a reused card on a treatment's page is escaped once, like the
    rest of the card, and a condition's own page does not repeat it."""
    kb, _ = check_dir(FIXTURE, today=TODAY)
    condition = kb.of("condition")[0]
    condition.doc.data["name"] = "Aches & <pains>"
    pages = dict(_pages(kb))
    modality = next(t for p, t in pages.items() if p.startswith("modalities/") and "Outcome" in t)
    assert "**Outcome:**" in modality
    assert "in [Aches &amp; &lt;pains&gt;](" in modality
    assert "&amp;amp;" not in "".join(pages.values())
    assert ", in [" not in pages[f"conditions/{condition.id}.md"]
