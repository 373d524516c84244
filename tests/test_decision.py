"""The decision aid ("Cold, heat or neither?"): made from the data, and one A4 page in print."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from cryokb.render.pages import render
from cryokb.rules.check import check_dir

TODAY = date(2026, 3, 1)


def _aid(data: Path) -> str:
    kb, problems = check_dir(data, today=TODAY)
    assert problems == []
    return render(kb, TODAY)["decide/sore-neck.md"].content


def test_the_aid_changes_when_a_finding_does(data: Path) -> None:
    before = _aid(data)
    assert "Low certainty (⊕⊕◯◯)" in before and "**Result:** Helped" in before
    assert "**Cost to you:** not recorded on this site." in before  # the data has no cost
    assert "Session length: 2 to 3 minutes" in before  # the protocol's time
    assert "[heart disease](/contraindications/heart-disease.md)" in before  # the safety table
    assert "Keep moving." in before  # carrying on without: the condition's self-care
    study = data / "studies" / "trial2020.yaml"
    text = study.read_text()
    study.write_text(
        text.replace("direction: benefit", "direction: no-difference")
        .replace("certainty: low", "certainty: moderate")
        .replace("rating: very-serious", "rating: serious")  # one step down from high, not two
        .replace("The chamber may reduce soreness.", "The chamber probably makes no difference.")
    )
    after = _aid(data)
    assert "Moderate certainty (⊕⊕⊕◯)" in after and "**Result:** No clear difference" in after
    assert "The chamber probably makes no difference." in after
    assert "Low certainty" not in after


def test_a_condition_page_links_to_its_aid(data: Path) -> None:
    kb, _ = check_dir(data, today=TODAY)
    assert "](/decide/sore-neck.md)" in render(kb, TODAY)["conditions/sore-neck.md"].content


def test_the_back_pain_aid_prints_on_one_a4_page(page: Any, base_url: str) -> None:
    from pypdf import PdfReader

    page.goto(f"{base_url}decide/back-pain/")
    assert "Heat wrap" in page.inner_text("article")  # heat, where a finding compares it
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    page.emulate_media(media="screen")


def test_each_option_shows_a_bounded_number_of_results(data: Path, monkeypatch: Any) -> None:
    """At 2,000 studies an option would list thousands of results: the aid shows the surest
    few and points to the condition page for the rest."""
    from cryokb.render import decision

    monkeypatch.setattr(decision, "SHOWN", 0)
    aid = _aid(data)
    assert "What a study found" not in aid
    assert "1 more result for this choice on the [sore neck page](/conditions/sore-neck.md)" in aid
