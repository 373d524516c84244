"""Keep a build's memory flat: each page's text lives on disk between MkDocs' two passes.

MkDocs reads and converts every page first (so navigation and links are known), then puts each
page in the theme and writes it. Left alone it holds every page's Markdown twice and its HTML
until the end, about 100 KB a page. Here a page's Markdown is dropped once converted, and its HTML
is parked in the file the page will be written to, read back just before the theme needs it and
dropped once the page is written. The finished page then replaces the parked HTML.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from mkdocs.structure.pages import Page

T = TypeVar("T")


def park(page: Page, html: str) -> str:
    """Write the page's converted `html` where the page will be written; keep nothing."""
    target = Path(page.file.abs_dest_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    page.markdown = None  # converted: MkDocs does not read it again
    if page.file.abs_src_path is None:
        page.file.content_string = ""  # a generated page's Markdown, held by its File
    return ""


def fetch(context: T, page: Page, **_: object) -> T:
    """Read the page's parked HTML back, just before the theme renders the page."""
    page.content = Path(page.file.abs_dest_path).read_text(encoding="utf-8")
    return context


def drop(output: T, page: Page, **_: object) -> T:
    """Forget the page's HTML once the finished page (`output`) is made."""
    page.content = None
    return output
