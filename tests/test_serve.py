"""The editor's preview, driven through a real `mkdocs serve`: a data edit, a template edit and an
override edit each reach the served page; a data error shows as a page naming file and line, the
server keeps answering, and the site comes back when the file is fixed; the search index follows
the last of two quick saves."""

from __future__ import annotations

import os
import shutil
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import ROOT, TEMPLATES, fixture_config, mkdocs_serve, search_results

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"


def _get(url: str) -> str:
    """The page, read with a short timeout: a server that hangs fails the test."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def _until(url: str, ok: Callable[[str], bool], seconds: float = 60) -> str:
    end, text = time.monotonic() + seconds, ""
    while time.monotonic() < end:
        try:
            text = _get(url)
        except OSError:
            text = ""
        if ok(text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed what was expected; last:\n{text[:2000]}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`mkdocs serve` over copies of the fixture data, the package and the overrides."""
    tmp = tmp_path_factory.mktemp("serve")
    shutil.copytree(FIXTURE, tmp / "data")
    shutil.copytree(ROOT / "generator", tmp / "generator", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copytree(ROOT / "overrides", tmp / "overrides")
    config = fixture_config(tmp)
    text = config.read_text()
    for part in (TEMPLATES, "overrides", "data"):  # watch the copies
        text = text.replace(str(ROOT / part), str(tmp / part))
    config.write_text(text)
    (tmp / "tmp").mkdir()
    env = {**os.environ, "CRYOKB_DATA": str(tmp / "data"), "PYTHONPATH": str(tmp / "generator")}
    env["TMPDIR"] = str(tmp / "tmp")  # where the preview keeps its pages (site/preview.py)
    with mkdocs_serve(config, env, "--dirty") as url:  # as `make serve` runs it
        _until(url, lambda t: "<html" in t, seconds=120)
        assert [p for p in (tmp / "tmp").iterdir() if p.name.startswith("cryokb-preview-")]
        yield url, tmp
    left = [p.name for p in (tmp / "tmp").iterdir() if not p.name.startswith("_jinja2-cache")]
    assert left == []  # stopped as by Ctrl-C, it leaves nothing but compiled templates behind


def _condition(tmp: Path) -> tuple[Path, str]:
    path = sorted((tmp / "data" / "conditions").glob("*.yaml"))[0]
    return path, path.stem


def test_a_data_edit_reaches_the_page(served: tuple[str, Path]) -> None:
    url, tmp = served
    path, cid = _condition(tmp)
    text = path.read_text()
    name = next(line for line in text.splitlines() if line.startswith("name:"))
    path.write_text(text.replace(name, "name: Preview check condition"))
    try:
        _until(url + f"conditions/{cid}/", lambda t: "Preview check condition" in t)
    finally:
        path.write_text(text)
    _until(url + f"conditions/{cid}/", lambda t: "Preview check condition" not in t)


def test_a_data_error_shows_in_the_browser_and_the_site_comes_back(
    served: tuple[str, Path],
) -> None:
    url, tmp = served
    path, cid = _condition(tmp)
    text = path.read_text()
    path.write_text(text + "colour: <b>blue</b>\n")
    try:
        page = _until(url + f"conditions/{cid}/", lambda t: "The data has problems" in t)
        line = len(text.splitlines()) + 1
        assert f"{cid}.yaml:{line}" in page and "colour" in page
        assert "<b>blue</b>" not in page  # the message's data text is shown as text
        assert "The data has problems" in _get(url)  # every page says so, the home page too
    finally:
        path.write_text(text)
    _until(url + f"conditions/{cid}/", lambda t: "The data has problems" not in t and "<h1" in t)


def test_a_template_edit_reaches_the_page(served: tuple[str, Path]) -> None:
    url, tmp = served
    template = tmp / TEMPLATES / "condition.md.j2"
    text = template.read_text()
    _, cid = _condition(tmp)
    head, end = text.rsplit("{% endblock %}", 1)  # inside the page's block
    template.write_text(head + "\nTemplate preview marker.\n{% endblock %}" + end)
    try:
        _until(url + f"conditions/{cid}/", lambda t: "Template preview marker." in t)
    finally:
        template.write_text(text)
    _until(url + f"conditions/{cid}/", lambda t: "Template preview marker." not in t)


def test_an_override_edit_reaches_the_page(served: tuple[str, Path]) -> None:
    url, tmp = served
    css = tmp / "overrides" / "assets" / "cryokb" / "cryokb.css"
    text = css.read_text()
    css.write_text(text + "\n/* override preview marker */\n")
    try:
        _until(url + "assets/cryokb/cryokb.css", lambda t: "override preview marker" in t)
    finally:
        css.write_text(text)


@pytest.mark.browser
def test_search_follows_the_last_of_quick_saves(served: tuple[str, Path], browser: Any) -> None:
    """A save's build stops the last save's search index, which starts a second after a build:
    after two quick saves the served search still finds the second one's words."""
    url, tmp = served
    path, cid = _condition(tmp)
    text = path.read_text()
    name = next(line for line in text.splitlines() if line.startswith("name:"))
    entry = url + "pagefind/pagefind-entry.json"  # Pagefind rewrites it with each index
    before = _until(entry, lambda t: t != "")  # the first build's index
    try:
        path.write_text(text.replace(name, "name: Firstburst condition"))
        _until(url + f"conditions/{cid}/", lambda t: "Firstburst" in t)
        path.write_text(text.replace(name, "name: Secondburst condition"))  # within the second
        _until(url + f"conditions/{cid}/", lambda t: "Secondburst" in t)
        found: list[str] = []
        for _ in range(2):  # a slow machine may index the first save before the second's build
            before = _until(entry, lambda t, old=before: t not in ("", old))  # a new index
            context = browser.new_context()
            try:
                found = search_results(context.new_page(), url, "Secondburst")
            except PlaywrightTimeout:  # no result: that index was the first save's
                found = []
            finally:
                context.close()
            if f"/conditions/{cid}/" in found:
                break
        assert f"/conditions/{cid}/" in found
    finally:
        path.write_text(text)
    _until(url + f"conditions/{cid}/", lambda t: "burst" not in t)
