"""Clinical sign-off (issue #24): a page names the clinician who reviewed it, with their role and
the date, from `reviewed.clinician`; until one has, it says "Not yet reviewed by a clinician".
`cryokb check` refuses a claim without all three (tests/check_corpus.py, the clinician cases)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml

from cryokb.render.pages import render
from cryokb.rules.check import check_dir
from tests.conftest import ROOT
from tests.test_check import _edit

TODAY = date(2026, 3, 1)
NOT_YET = "**Clinical review:** Not yet reviewed by a clinician"
SIGNED = "  by: Test editor\n  clinician:\n    name: A. Reviewer\n    role: Physiotherapist\n"


def _pages(data: Path) -> dict[str, str]:
    kb, problems = check_dir(data, today=TODAY)
    assert [str(p) for p in problems] == []
    return {path: page.content for path, page in render(kb, TODAY).items()}


def _jsonld(page: str) -> dict[str, object]:
    front = yaml.safe_load(page.split("---\n")[1])
    return json.loads(json.dumps(front["jsonld"]))


def test_every_page_says_it_is_not_yet_reviewed_by_a_clinician(data: Path) -> None:
    pages = _pages(data)
    reviewed = [p for p in pages.values() if "**Page last reviewed:**" in p]
    assert len(reviewed) == 7  # one page of each kind with a review date
    assert all(p.count(NOT_YET) == 1 for p in reviewed)
    assert "Not yet reviewed by a clinician." in pages["decide/sore-neck.md"]


def test_a_signed_off_page_names_the_clinician_their_role_and_the_date(data: Path) -> None:
    _edit(
        data / "conditions" / "sore-neck.yaml", "  by: Test editor", SIGNED + "    date: 2026-02-03"
    )
    pages = _pages(data)
    page = pages["conditions/sore-neck.md"]
    assert NOT_YET not in page
    assert "**Clinical review:** A. Reviewer, Physiotherapist, on 3 February 2026" in page
    assert _jsonld(page)["reviewedBy"] == [
        {"@type": "Organization", "name": "Test editor"},
        {"@type": "Person", "name": "A. Reviewer", "jobTitle": "Physiotherapist"},
    ]
    assert (
        "Reviewed by a clinician: A. Reviewer, Physiotherapist, on 3 February"
        in pages["decide/sore-neck.md"]
    )
    assert NOT_YET in pages["studies/trial2020.md"]  # the others are still not signed off


def test_the_real_data_claims_no_clinical_review() -> None:
    """No reviewer is invented: no real page is signed off yet, and each says so."""
    kb, _ = check_dir(ROOT / "data")
    assert [e.id for e in kb.pages() if "clinician" in e["reviewed"]] == []
    page = render(kb, TODAY)["conditions/back-pain.md"].content
    assert page.count(NOT_YET) == 1 and "clinician)" not in page
