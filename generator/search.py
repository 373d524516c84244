"""Site search without a server or a third party: a Pagefind index, split into small chunks.

Pagefind (its binary ships on PyPI as `pagefind-bin`) reads the built HTML and writes
`pagefind/` beside it: a browser downloads only the index chunks for the words it searches,
so the first search stays small however many pages there are. Only the part of each page marked
`data-pagefind-body` (the article) is indexed, so menus and footers do not match.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pagefind_bin

BINARY = Path(pagefind_bin.__file__).parent / "pagefind"
FOLDER = "pagefind"  # served at /pagefind/
# DOIs, PubMed ids and temperatures are searched for with their punctuation.
CHARACTERS = "./-°"


def index(site: Path) -> None:
    """Write the search index of the built site in `site`; raise if Pagefind fails."""
    subprocess.run(
        [
            str(BINARY),
            "--site",
            str(site),
            "--output-subdir",
            FOLDER,
            "--include-characters",
            CHARACTERS,
            "--silent",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
