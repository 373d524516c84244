"""Hand-written pages take their evidence words from the data: change a finding in a copy of the
data, build the real site, and the home page says the new thing (issue #20)."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cryokb.cli import build
from cryokb.render.charts import best
from cryokb.rules.check import check_dir
from tests.conftest import ROOT, config_for

CONDITION = "back-pain"


def _home(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The built home page's article, as text (citation markers and tags dropped)."""
    monkeypatch.setenv("CRYOKB_DATA", str(data))  # build sets it; restored after the test
    out = tmp_path / "site"
    assert build(ROOT / "mkdocs.yml", data, out) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article") : page.index("</article>")]
    article = re.sub(r'<a class="cryokb-cite[^>]*>[^<]*</a>', "", article)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


def _copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    return data


def _best(data: Path) -> tuple[str, str, str]:
    """The study, plain words and certainty label of the best result for CONDITION."""
    kb, found = check_dir(data)
    assert [str(p) for p in found if p.is_error] == []
    pairs = [
        (s, f) for s in kb.of("study") for f in s["findings"] if f.get("condition") == CONDITION
    ]
    top = best(pairs)
    assert top is not None
    return top[0].id, " ".join(top[1]["plain"].split()), top[1]["certainty"]


def _edit_study(data: Path, study: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = data / "studies" / f"{study}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_home_page_shows_what_the_data_says_of_back_pain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _copy(tmp_path)
    study, plain, _ = _best(data)
    before = _home(data, tmp_path / "before", monkeypatch)
    assert plain in before  # the condition page's "what we know", on the home page
    assert "Nobody knows" not in before

    new = "We are uncertain whether a heat wrap eases low back pain: the home page must say so."

    def downgrade(doc: dict[str, Any]) -> None:
        for f in doc["findings"]:
            if f.get("condition") == CONDITION and " ".join(f["plain"].split()) == plain:
                f["plain"], f["certainty"] = new, "very-low"
                f["grade"]["imprecision"] = {"rating": "very-serious", "reason": "A test."}

    _edit_study(data, study, downgrade)
    _, plain_after, certainty = _best(data)
    after = _home(data, tmp_path / "after", monkeypatch)
    assert plain not in after
    assert plain_after in after  # whichever result is now the best one
    label = {"high": "High", "moderate": "Moderate", "low": "Low", "very-low": "Very low"}
    assert f"{label[certainty]} certainty" in after.split("Back pain", 1)[1]


def test_the_home_page_says_when_no_result_is_cited_for_back_pain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _copy(tmp_path)
    for path in sorted((data / "studies").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if any(f.get("condition") == CONDITION for f in doc["findings"]):

            def drop(doc: dict[str, Any]) -> None:
                doc["findings"] = [f for f in doc["findings"] if f.get("condition") != CONDITION]

            _edit_study(data, path.stem, drop)
    text = _home(data, tmp_path, monkeypatch)
    back = text.split("Back pain", 1)[1]
    assert back.startswith(
        " What we know: no study cited on this site measured a cold treatment for back pain."
    )
    assert "How sure: no result to grade." in back


def test_an_unknown_marker_fails_the_build_naming_file_and_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    page = content / "about.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.insert(8, "<!-- cryokb: what-we-think -->")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert build(config_for(content), ROOT / "data", tmp_path / "site") == 1
    assert f"{page}:9:1: error: unknown cryokb marker 'what-we-think'" in caplog.text


def test_fill_replaces_markers_and_names_the_line_of_a_bad_one() -> None:
    from cryokb.render.markers import MarkerError, fill

    blocks = {"what-we-know": "ALL", "what-we-know a": "A", "what-we-know b": "B"}
    ids = {"a", "b"}
    page = "---\ntitle: t\n---\n\n# T\n\n<!-- cryokb: what-we-know b a -->\n\nend\n"
    assert fill(page, "p.md", blocks, ids) == "---\ntitle: t\n---\n\n# T\n\nB\n\nA\n\nend\n"
    assert fill("<!--cryokb:what-we-know-->\n", "p.md", blocks, ids) == "ALL\n"
    for bad, message in [
        ("<!-- cryokb: nothing -->", "p.md:3: unknown cryokb marker 'nothing'"),
        ("<!-- cryokb: what-we-know c -->", "p.md:3: cryokb marker 'what-we-know': unknown"),
        ("<!-- cryokb: -->", "p.md:3: unknown cryokb marker ''"),
        ("text <!-- cryokb: what-we-know -->", "p.md:3: a cryokb marker must be a line of its own"),
    ]:
        with pytest.raises(MarkerError, match=re.escape(message)):
            fill(f"# T\n\n{bad}\n", "p.md", blocks, ids)


def test_only_the_blocks_asked_for_are_rendered() -> None:
    from cryokb.render.markers import render

    kb, _ = check_dir(ROOT / "data")
    blocks = render(kb, wanted={"what-we-know neck-pain"})
    assert list(blocks) == ["what-we-know neck-pain"]
    assert blocks["what-we-know neck-pain"].count("**What we know:**") == 1
    every = render(kb)
    assert every["what-we-know"].count("**What we know:**") == len(kb.of("condition"))
    assert "About the studies it names" in every["article-claims"]
