"""The editor's preview: under `mkdocs serve --dirty`, each generated page is kept as a file
that is rewritten only when its text changes, so MkDocs converts and lays out again only the
pages an edit touched (its own dirty test: the source is newer than the built page).

Anything every page depends on (mkdocs.yml, the theme overrides, the includes, the templates,
the set of pages and their edit links) goes into a fingerprint; when it changes, every page is
rewritten and so rebuilt. `mkdocs build` and a plain `mkdocs serve` keep pages in memory.

The search index of a preview is written after the build, while the browser already reloads:
it starts a second later (`QUIET`), and the next build stops it and writes it again, so a quick
second save does not share the cores with the first save's index. The renderer reuses each
page whose data did not change (render/reuse.py), and only a changed file is parsed again
(read/recall.py).
"""

import hashlib
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig

from cryokb.read import recall
from cryokb.render.render import COMPILED
from cryokb.render.reuse import Reuse

# Kept here, not in the hook: MkDocs loads the hook's module afresh on every rebuild.
_state: dict[str, Any] = {"serving": False, "folder": None, "reuse": None}

# Seconds after a preview's build before its search index starts: a save soon after (an editor's
# second thought, a formatter's rewrite) then builds alone on the cores.
QUIET = 1.0
DIRTY_WARNING = "A 'dirty' build is being performed"


class _Dirty(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be stale: the fingerprint is the
    answer to that, so the warning would only hide the editor's real warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


def start(serve: bool, dirty: bool) -> None:
    """Called once when MkDocs starts: only a dirty preview keeps pages on disk."""
    settle()
    _state.update(serving=serve, folder=None, reuse=None, texts={})
    if serve and dirty:
        _state["folder"] = Path(tempfile.mkdtemp(prefix="cryokb-preview-"))
        _state["reuse"] = Reuse()
        logging.getLogger("mkdocs.commands.build").addFilter(_Dirty())
    recall.remember(serve and dirty)


def startup(command: str, dirty: bool = False, **_: Any) -> None:
    """MkDocs' `on_startup`, once a process, not per rebuild."""
    start(command == "serve", dirty)


def stop() -> None:
    """MkDocs' `on_shutdown` (the server stopped, as by Ctrl-C), before MkDocs removes its
    built site: the last search index stops, and the kept pages are removed."""
    halt()
    settle()
    if root := folder():
        shutil.rmtree(root, ignore_errors=True)
    _state["folder"] = None


def compiled(env: Environment, **_: Any) -> Environment:
    """The theme's environment (MkDocs' `on_env`) with its compiled templates kept between
    builds, as the renderer keeps its own: about half a second of each rebuild otherwise."""
    env.bytecode_cache = COMPILED
    return env


def serving() -> bool:
    """Whether this process is `mkdocs serve` (which shows data errors as a page)."""
    return bool(_state["serving"])


def folder() -> Path | None:
    """Where generated pages are kept, or None when they stay in memory."""
    folder: Path | None = _state["folder"]
    return folder


def reuse() -> Reuse | None:
    """The last build's pages, which a dirty preview renders again only where data changed."""
    kept: Reuse | None = _state["reuse"]
    return kept


def later(work: Callable[[threading.Event], None]) -> None:
    """Run `work` (the search index) once the pages are written and `QUIET` seconds pass with
    no new build, while the browser reloads; `work` returns early once its event is set (`halt`,
    when the next build begins). A burst of saves thus indexes once, after the last."""
    settle()
    _state["stop"] = stop = threading.Event()

    def run() -> None:
        if not stop.wait(QUIET):
            work(stop)

    _state["later"] = threading.Thread(target=run, name="cryokb-search", daemon=True)
    _state["later"].start()


def halt() -> None:
    """A build begins: tell what `later` started to stop, since the build writes the index
    again. The build does not wait for it to end (the next `later` does): it only removes
    its own temporary files."""
    if stop := _state.get("stop"):
        stop.set()


def settle() -> None:
    """Wait for what `later` started."""
    if thread := _state.pop("later", None):
        thread.join()


def forget() -> None:
    """After a build that showed data errors in place of pages: rebuild every page next time."""
    settle()
    if root := folder():
        (root / ".fingerprint").unlink(missing_ok=True)


def fingerprint(config: MkDocsConfig, paths: Iterable[str], extra: Mapping[str, object]) -> str:
    """What every page's layout depends on: the config, the watched folders' files, the pages."""
    digest = hashlib.sha256(Path(str(config.config_file_path)).read_bytes())
    for watched in sorted(config.watch):
        for path in sorted(Path(watched).rglob("*")) if Path(watched).is_dir() else []:
            if path.is_file() and path.suffix not in (".yaml", ".bib", ".pyc"):
                stat = path.stat()
                digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    digest.update("\n".join(sorted(paths)).encode())
    digest.update(repr(sorted(extra.items())).encode())
    return digest.hexdigest()


def keep(pages: Mapping[str, bytes], print_: str, site: Path) -> tuple[dict[str, Path], int]:
    """Write each page whose text changed; when `print_` differs from the last build's, empty
    the built `site` so that MkDocs builds every page again. Return where each page is kept,
    and how many were written."""
    root = folder()
    assert root is not None, "only a dirty preview keeps pages"
    mark, last = root / ".fingerprint", _state.setdefault("texts", {})
    if not mark.is_file() or mark.read_text() != print_:
        settle()  # the last build's search index still reads the built pages
        for built in site.iterdir() if site.is_dir() else []:
            shutil.rmtree(built) if built.is_dir() else built.unlink()
    kept, written = {}, 0
    for path, text in pages.items():
        target = kept[path] = root / path
        if last.get(path) != text or not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text)
            last[path] = text
            written += 1
    mark.write_text(print_)
    return kept, written
