"""Site search without a server or a third party: a Pagefind index, in small chunks and shards.

Pagefind (its binary ships on PyPI as `pagefind-bin`) reads the built HTML and writes
`pagefind/`: a browser downloads only the index chunks for the words it searches. Only the
article (`data-pagefind-body`) is indexed, without the parts nobody searches for (reference
lists, review boxes, charts, the notice on every page, evidence cards repeated from study
pages). Pagefind holds about 100 KB a page in memory, so pages are indexed in shards of `SHARD`
pages, one process each (over a folder of hard links to the shard's pages), into `pagefind/` and
`pagefind/shard-<n>/`; the search page merges them (its list is `pagefind/shards.json`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pagefind_bin

from cryokb.site import preview, report

BINARY = Path(pagefind_bin.__file__).parent / "pagefind"
FOLDER = "pagefind"  # served at /pagefind/
SHARD = 2000
BODY = "data-pagefind-body"
OPTIONS = [
    "--include-characters",
    "./-°",  # DOIs, PubMed ids and temperatures, as written
    "--exclude-selectors",
    ", ".join(
        [
            ".cryokb-refs",
            ".cryokb-review",
            ".cryokb-noprint",
            ".cryokb-matrix",
            ".cryokb-pager",
            ".cryokb-finding",
            ".admonition.warning",
            ".headerlink",
            "svg",
        ]
    ),
    "--silent",
]
NEVER = threading.Event()  # a full build's index is never stopped
POLL = 0.05  # seconds between looks at the preview's stop signal while Pagefind runs


class Stopped(Exception):
    """The preview's next build began: it writes the index again, so this one stops."""


def _run(command: list[str], stop: threading.Event) -> None:
    """Run `command` as `subprocess.run(check=True)` would, but kill it once `stop` is set."""
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        while True:
            try:
                out, err = proc.communicate(timeout=POLL)
                break
            except subprocess.TimeoutExpired:
                if stop.is_set():
                    proc.kill()
                    proc.communicate()
                    raise Stopped from None
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, command, out, err)


def pages(site: Path, stop: threading.Event) -> list[Path]:
    """The pages to index: those that mark their body (not search, 404 or list pages 2, 3...)."""
    found = []
    for path in site.rglob("*.html"):
        if stop.is_set():
            raise Stopped
        if BODY in path.read_text(encoding="utf-8"):
            found.append(path)
    return sorted(found)


def _shard(site: Path, files: list[Path], out: Path, stop: threading.Event) -> None:
    with tempfile.TemporaryDirectory(dir=site.parent) as tmp:
        for f in files:
            if stop.is_set():
                raise Stopped
            link = Path(tmp) / f.relative_to(site)
            link.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(f, link)
            except OSError:  # a file system without hard links
                shutil.copyfile(f, link)
        command = [str(BINARY), "--site", tmp, "--output-path", str(out), *OPTIONS]
        _run(command, stop)


def index(site: Path) -> None:
    """Write the search index of the built site in `site`. In the dirty preview it is written
    while the browser reloads the page, and stopped when the next build begins, which writes it
    again (site/preview.py): on 2 cores it would otherwise slow that build down."""
    if preview.folder() is not None:
        preview.later(lambda stop: _timed(site, stop))
    else:
        _timed(site, NEVER)


def _timed(site: Path, stop: threading.Event) -> None:
    with report.phase("search", last=False) as said:
        try:
            found = pages(site, stop)
            _index(site, found, stop)
            said.append(f"{len(found)} page(s) indexed")
        except Stopped:
            said.append("stopped for a newer build")


def _index(site: Path, found: list[Path], stop: threading.Event) -> None:
    shards = [found[i : i + SHARD] for i in range(0, len(found), SHARD)] or [[]]
    names = [FOLDER] + [f"{FOLDER}/shard-{n}" for n in range(1, len(shards))]
    for name, files in zip(names, shards, strict=True):
        _shard(site, files, site / name, stop)
    (site / FOLDER / "shards.json").write_text(json.dumps(names[1:]) + "\n", encoding="utf-8")
