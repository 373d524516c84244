"""Golden files of rendered Markdown: one entity of each kind, plus the generated index pages.

After an intended change, refresh them with `make golden` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.check import check_dir
from generator.render import render

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
PAGES = [
    "conditions/neck-pain.md",
    "conditions/muscle-soreness-after-exercise.md",
    "modalities/whole-body-cryotherapy.md",
    "protocols/whole-body-cryotherapy-neck-back.md",
    "contraindications/diabetes.md",
    "side-effects/numbness.md",
    "studies/bleakley2014wbc.md",
    "studies/index.md",
    "references/index.md",
    "questionnaire/index.md",
]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    kb, problems = check_dir(ROOT / "data")
    assert not problems
    return {path: page.content for path, page in render(kb).items()}


@pytest.mark.parametrize("path", PAGES)
def test_rendered_markdown_matches_golden(
    path: str, rendered: dict[str, str], request: pytest.FixtureRequest
) -> None:
    golden = GOLDEN / path.replace("/", "__")
    if request.config.getoption("--update-golden"):
        golden.write_text(rendered[path], encoding="utf-8")
    assert golden.exists(), f"missing {golden.name}: run `make golden`"
    assert rendered[path] == golden.read_text(encoding="utf-8"), "run `make golden` if intended"


def test_rendering_is_deterministic(rendered: dict[str, str]) -> None:
    kb, _ = check_dir(ROOT / "data")
    again = {path: page.content for path, page in render(kb).items()}
    assert again == rendered
