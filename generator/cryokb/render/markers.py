"""Evidence words for hand-written pages: a marker in content/, rendered from the data.

A hand-written page never states what the evidence shows. Where it must speak of the evidence, it
holds a marker on a line of its own, an HTML comment that data text cannot hold (`cryokb check`
refuses raw HTML in the data, and Jinja escapes `<` in what the templates print):

    <!-- cryokb: what-we-know neck-pain back-pain -->

The MkDocs hook replaces it with Markdown rendered here from the data, with the same macros as
the condition and study pages. `cryokb check` reports a marker it does not know by file and line
(claims.py), and the build fails on one.

- `what-we-know [condition ...]`: each condition's "what we know" and how sure, with a link to
  its page (every condition when none is named).
- `article-claims`: what the source article claims of each condition and study, beside what the
  data says of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from cryokb.render.links import Site

if TYPE_CHECKING:
    from cryokb.read.model import KnowledgeBase

NAMES = ("what-we-know", "article-claims")  # see above
TAKES_IDS = {"what-we-know"}  # the markers that may name conditions
MARKER = re.compile(r"^<!--[ \t]*cryokb:(?P<body>[^\n]*?)-->[ \t]*$", re.MULTILINE)
STARTS = re.compile(r"<!--\s*cryokb\b")  # anything that looks like a marker, well formed or not
Blocks = dict[str, str]  # "name" or "name condition-id" -> its Markdown


@dataclass(frozen=True)
class Marker:
    line: int  # 1-based, in the text searched
    name: str
    ids: tuple[str, ...]


class MarkerError(ValueError):
    """A marker the build cannot fill; the message names the file and line."""


def find(text: str) -> Iterator[Marker | tuple[int, str]]:
    """Each marker in `text`, or (line, what is wrong) for a marker that is not well formed."""
    good = {m.start(): m for m in MARKER.finditer(text)}
    for start in (m.start() for m in STARTS.finditer(text)):
        line = text.count("\n", 0, start) + 1
        m = good.get(start)
        if m is None:
            yield line, "a cryokb marker must be a line of its own: <!-- cryokb: name -->"
            continue
        words = m.group("body").split()
        yield Marker(line, words[0] if words else "", tuple(words[1:]))


def problems(text: str, conditions: set[str]) -> Iterator[tuple[int, str]]:
    """(line, message) for each marker the build could not fill."""
    known = ", ".join(NAMES)
    for m in find(text):
        if not isinstance(m, Marker):
            yield m
        elif m.name not in NAMES:
            yield m.line, f"unknown cryokb marker '{m.name}': the markers are {known}"
        elif m.ids and m.name not in TAKES_IDS:
            yield m.line, f"cryokb marker '{m.name}' takes no condition ids"
        else:
            for cid in m.ids:
                if cid not in conditions:
                    yield m.line, f"cryokb marker '{m.name}': unknown condition '{cid}'"


def render(
    kb: KnowledgeBase, site: Site | None = None, version: str = "", wanted: set[str] | None = None
) -> Blocks:
    """The Markdown of the markers `wanted` (their `keys`; every marker when None), from the
    data: each condition's "what we know" on its own or all together, and the article's claims."""
    from cryokb.render.render import Renderer  # the render phase; not needed by `cryokb check`

    r = Renderer(kb, date.today(), site or Site(), {}, version or "unversioned")
    r.ledger.begin(None)  # figures here are not listed among their sources' uses
    macros: Any = r.env.get_template("_markers.md.j2").module  # its macros
    conditions = kb.of("condition")
    every = wanted is None or "what-we-know" in wanted
    blocks = {
        f"what-we-know {e.id}": str(macros.what_we_know(e)).strip()
        for e in conditions
        if every or f"what-we-know {e.id}" in (wanted or set())
    }
    if every:
        blocks["what-we-know"] = "\n\n".join(blocks[f"what-we-know {e.id}"] for e in conditions)
    if wanted is None or "article-claims" in wanted:
        blocks["article-claims"] = str(macros.article_claims(conditions, kb.of("study"))).strip()
    return blocks


class Source(Protocol):
    """A hand-written page as MkDocs holds it (a `File`): where it is and its text."""

    src_uri: str

    @property
    def abs_src_path(self) -> str | None: ...

    @property
    def content_string(self) -> str: ...

    @content_string.setter
    def content_string(self, value: str) -> None: ...


def fill(text: str, where: str, blocks: Blocks, conditions: set[str]) -> str:
    """`text` (a page's whole file) with each marker replaced by its block; a marker that cannot
    be filled raises MarkerError, naming `where` and the line."""
    if "<!--" not in text:  # most pages: no marker
        return text
    for line, message in problems(text, conditions):
        raise MarkerError(f"{where}:{line}: {message}")
    return MARKER.sub(lambda m: "\n\n".join(blocks[k] for k in _keys(m.group("body"))), text)


def _keys(body: str) -> list[str]:
    """The blocks a marker's words ask for: `what-we-know a b` asks for two."""
    name, *ids = body.split() or [""]
    return [f"{name} {cid}" for cid in ids] or [name]


def fill_pages(pages: Iterable[Source], kb: KnowledgeBase, site: Site, version: str) -> None:
    """Fill the markers of each hand-written page, before MkDocs reads its front matter. A page
    filled is held in memory, like a generated page (MkDocs unsets its `abs_src_path`), and the
    hook sanitizes its HTML as it does theirs. Only the blocks the pages ask for are rendered."""
    marked = [(page, text) for page in pages if "<!--" in (text := page.content_string)]
    conditions = set(kb.entities["condition"])
    for page, text in marked:  # a bad marker fails the build before anything is rendered
        for line, message in problems(text, conditions):
            raise MarkerError(f"{page.abs_src_path or page.src_uri}:{line}: {message}")
    wanted = {key for _, text in marked for m in MARKER.finditer(text) for key in _keys(m["body"])}
    if not wanted:
        return
    blocks = render(kb, site, version, wanted)
    for page, text in marked:
        if (done := fill(text, page.abs_src_path or page.src_uri, blocks, conditions)) != text:
            page.content_string = done
