"""The dirty preview (`make serve` runs `mkdocs serve --dirty`): after an edit only the pages
whose text changed are built again, and the site is then the same, byte for byte, as a clean
build of the edited data; an override edit or a fixed data error rebuilds every page."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from cryokb.site import preview, search
from tests.conftest import ROOT, fixture_config

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
URL = "http://127.0.0.1:8000/"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the fixture data and the overrides, previewed as `mkdocs serve --dirty` does."""
    shutil.copytree(FIXTURE, tmp_path / "data")
    shutil.copytree(ROOT / "overrides", tmp_path / "overrides")
    config = fixture_config(tmp_path)
    text = config.read_text().replace(str(ROOT / "overrides"), str(tmp_path / "overrides"))
    config.write_text(text.replace(str(ROOT / "data"), str(tmp_path / "data")))
    monkeypatch.setenv("CRYOKB_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(preview, "QUIET", 0.0)  # index at once (one test sets the quiet wait)
    preview.start(serve=True, dirty=True)
    yield tmp_path
    preview.start(serve=False, dirty=False)


def _build(project: Path, site: str, dirty: bool = True) -> dict[str, tuple[int, bytes]]:
    """Build as the preview does; each page's modification time and bytes."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / site))
    build(config, serve_url=URL, dirty=dirty)
    folder = project / site
    pages = sorted(folder.rglob("*.html"))
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes()) for p in pages}


def _same_as_clean(project: Path, dirty: dict[str, tuple[int, bytes]]) -> None:
    clean = _build(project, "clean", dirty=False)
    preview.settle()  # its search index is written after the build
    shutil.rmtree(project / "clean")
    assert dirty.keys() == clean.keys()
    differ = [page for page in dirty if dirty[page][1] != clean[page][1]]
    assert not differ, f"the dirty preview differs from a clean build on {differ}"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_data_edit_rebuilds_only_the_pages_it_changes(project: Path) -> None:
    before = _build(project, "site")
    condition = sorted((project / "data" / "conditions").glob("*.yaml"))[0]
    _edit(condition, "\nname: ", "\nname: Edited ")
    after = _build(project, "site")
    rebuilt = {page for page in after if after[page][0] != before.get(page, (0,))[0]}
    changed = {page for page in after if after[page][1] != before.get(page, (0, b""))[1]}
    assert f"conditions/{condition.stem}/index.html" in changed
    assert changed <= rebuilt  # every page whose text changed was built again
    assert len(rebuilt) < len(after) / 2, f"{len(rebuilt)} of {len(after)} pages rebuilt"
    _same_as_clean(project, after)


def test_the_search_index_follows_the_edited_page(project: Path) -> None:
    """The preview writes the search index after the build (while the browser reloads)."""
    _build(project, "site")
    condition = sorted((project / "data" / "conditions").glob("*.yaml"))[0]
    _edit(condition, "\nname: ", "\nname: Edited ")
    after = _build(project, "site")
    preview.settle()
    entry = project / "site" / "pagefind" / "pagefind-entry.json"
    assert entry.stat().st_mtime_ns > after[f"conditions/{condition.stem}/index.html"][0]


def test_an_override_edit_rebuilds_every_page(project: Path) -> None:
    before = _build(project, "site")
    _edit(project / "overrides" / "main.html", "{% extends", "{# preview test #}{% extends")
    after = _build(project, "site")
    stale = [page for page in before if after[page][0] == before[page][0]]
    assert not stale, stale
    _same_as_clean(project, after)


def test_after_a_data_error_is_fixed_every_page_is_whole_again(project: Path) -> None:
    _build(project, "site")
    condition = sorted((project / "data" / "conditions").glob("*.yaml"))[0]
    good = condition.read_text()
    condition.write_text(good.replace("\nname: ", "\nname: [unclosed ", 1))
    broken = _build(project, "site")
    page = f"conditions/{condition.stem}/index.html"
    assert b"The data has problems" in broken[page][1]
    condition.write_text(good)
    fixed = _build(project, "site")
    assert not [p for p, (_, html) in fixed.items() if b"The data has problems" in html]
    _same_as_clean(project, fixed)


def test_a_new_build_stops_the_last_search_index(project: Path) -> None:
    """On 2 cores the last save's index would slow the next build: the build stops it."""
    stopped: list[bool] = []
    began = threading.Event()

    def work(stop: threading.Event) -> None:  # as the index waits on Pagefind
        began.set()
        stopped.append(stop.wait(60))

    preview.later(work)
    assert began.wait(10)
    _build(project, "site")  # the hook halts the running work first, then indexes again
    assert stopped == [True]
    preview.settle()
    assert (project / "site" / "pagefind" / "pagefind-entry.json").is_file()


def test_a_burst_of_saves_indexes_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index waits for a quiet moment: a build within it means the index never starts."""
    monkeypatch.setattr(preview, "QUIET", 30.0)
    ran: list[str] = []
    preview.later(lambda stop: ran.append("indexed"))
    preview.halt()  # the next save's build begins
    preview.settle()
    assert ran == []


def test_a_stopped_index_kills_its_process(tmp_path: Path) -> None:
    """Stopped, the index kills Pagefind at once: a command that would write a file after a
    second never writes it. A failing command still fails, as `subprocess.run(check=True)`."""
    done = tmp_path / "finished"
    stop = threading.Event()
    threading.Timer(0.1, stop.set).start()
    with pytest.raises(search.Stopped):
        search._run(["sh", "-c", f"sleep 1 && touch {done}"], stop)
    time.sleep(1.5)  # past the time the command would have finished
    assert not done.exists()
    (tmp_path / "a.html").write_text(f"<main {search.BODY}>a</main>")
    with pytest.raises(search.Stopped):
        search.pages(tmp_path, stop)  # finding the pages stops too
    assert search.pages(tmp_path, search.NEVER) == [tmp_path / "a.html"]
    with pytest.raises(subprocess.CalledProcessError):
        search._run(["false"], search.NEVER)
