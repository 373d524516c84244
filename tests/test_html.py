"""The Nu Html Checker (npm `vnu-jar`, on the machine's Java) finds no error in our markup."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Errors in Material for MkDocs' own markup, each with the reason it is left alone.
THEME_ERRORS = {
    r"Attribute “autocomplete” is only allowed when the input type is": (
        "Material sets autocomplete=off on its drawer/search/toc checkbox toggles so that Firefox "
        "does not restore their state; harmless, and fixing it means copying base.html"
    ),
    r"The value of the “for” attribute of the “label” element must be the ID of a non-hidden": (
        "Material's table-of-contents labels point at its hidden __toc checkbox toggle, which is "
        "how its CSS-only navigation works"
    ),
}


def _vnu(target: Path) -> list[dict[str, str]]:
    assert shutil.which("java"), "Java is needed for the Nu Html Checker"
    assert VNU.is_file(), "run `make test` (it runs `npm ci` for vnu-jar)"
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--errors-only",
            "--skip-non-html",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    messages: list[dict[str, str]] = json.loads(result.stderr)["messages"]
    return [m for m in messages if m["type"] == "error"]


def test_no_html_errors_in_what_the_project_produces(site: Path) -> None:
    errors = _vnu(site)
    ours = [m for m in errors if not any(re.search(p, m["message"]) for p in THEME_ERRORS)]
    assert ours == []
    assert len(list(site.rglob("*.html"))) >= 50


def test_the_checker_catches_broken_markup(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text("<!doctype html><html lang=en><title>x</title><p><div>bad</p><td>cell</td>")
    assert len(_vnu(page)) >= 2
