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


def pages(site: Path) -> list[Path]:
    """The pages to index: those that mark their body (not search, 404 or list pages 2, 3...)."""
    return sorted(p for p in site.rglob("*.html") if BODY in p.read_text(encoding="utf-8"))


def _shard(site: Path, files: list[Path], out: Path) -> None:
    with tempfile.TemporaryDirectory(dir=site.parent) as tmp:
        for f in files:
            link = Path(tmp) / f.relative_to(site)
            link.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(f, link)
            except OSError:  # a file system without hard links
                shutil.copyfile(f, link)
        command = [str(BINARY), "--site", tmp, "--output-path", str(out), *OPTIONS]
        subprocess.run(command, check=True, capture_output=True, text=True)


def index(site: Path) -> None:
    """Write the search index of the built site in `site`. In the dirty preview it is written
    while the browser reloads the page (the next build waits for it, site/preview.py)."""
    if preview.folder() is not None:
        preview.later(lambda: _timed(site))
    else:
        _timed(site)


def _timed(site: Path) -> None:
    with report.phase("search", last=False) as said:
        found = pages(site)
        _index(site, found)
        said.append(f"{len(found)} page(s) indexed")


def _index(site: Path, found: list[Path]) -> None:
    shards = [found[i : i + SHARD] for i in range(0, len(found), SHARD)] or [[]]
    names = [FOLDER] + [f"{FOLDER}/shard-{n}" for n in range(1, len(shards))]
    for name, files in zip(names, shards, strict=True):
        _shard(site, files, site / name)
    (site / FOLDER / "shards.json").write_text(json.dumps(names[1:]) + "\n", encoding="utf-8")
