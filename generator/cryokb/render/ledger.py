"""What each page cites and where each figure shows: the bookkeeping behind a page's reference
list and a source's "where this site uses it" (see trace.py). A block of text shown on several
pages (a finding's card) is rendered once and its citations and figures are replayed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from typing import Any

from markupsafe import Markup, escape

from cryokb.read.bib import Reference
from cryokb.read.model import Entity
from cryokb.render.figures import quantity
from cryokb.render.links import href

CITED, TRACED = 0, 1  # what a recorded step did
Tape = list[tuple[int, str, str]]  # the steps of a block: (CITED or TRACED, source, figure)
Made = tuple[Hashable, str, Tape]  # a block's key, its text and its steps


class Ledger:
    """The citations of the page being rendered and the figures traced to each source."""

    def __init__(self, numbers: dict[str, int], home: dict[str, str]) -> None:
        self.numbers, self.home = numbers, home  # each source's number and where it is listed
        self.current: Entity | None = None  # the page being rendered, for traced figures
        self.cited: dict[str, None] = {}  # the sources cited on it so far, in order
        self.traced: dict[str, list[tuple[str, Entity]]] = defaultdict(list)
        self._tape: Tape | None = None  # the steps of the block being made
        self._made: dict[Hashable, tuple[Markup, Tape]] = {}

    def begin(self, entity: Entity | None) -> None:
        """Start a page: about `entity` (None for a list or an index), nothing cited yet."""
        self.current, self.cited = entity, {}

    def cite(self, sources: list[dict[str, Any]], numeric: bool = False) -> Markup:
        """Numbered citation markers, each a link to its entry in the bibliography; a figure's
        marker (`numeric`) is styled smaller, right beside the number."""
        cls = "{.cryokb-cite .cryokb-num}" if numeric else "{.cryokb-cite}"
        marks = []
        for s in sources:
            ref = s["ref"]
            self._cited(ref)
            marks.append(f"[[{self.numbers.get(ref, '?')}]]({self.home[ref]}){cls}")
        return Markup("".join(marks))

    def _cited(self, ref: str) -> None:
        self.cited[ref] = None
        if self._tape is not None:
            self._tape.append((CITED, ref, ""))

    def trace(self, figure: str, key: str) -> None:
        """Note that `figure`, shown on the current page, comes from source `key`."""
        if self.current is not None:
            self.traced[key].append((figure, self.current))
        if self._tape is not None:
            self._tape.append((TRACED, key, figure))

    def mark(self, figure: str, key: str) -> str:
        """`figure` with its source marker; the source's entry will list it."""
        self.trace(figure, key)
        return f"{figure}{self.cite([{'ref': key}], numeric=True)}"

    def quantity(self, q: dict[str, Any]) -> Markup:
        """A quantity in both units with the markers of its sources beside it."""
        text = quantity(q)
        for s in q["sources"]:
            self.trace(text, s["ref"])
        return Markup(str(escape(text)) + str(self.cite(q["sources"], numeric=True)))

    def reference_list(
        self, entity: Entity | None, refs: dict[str, Reference], md: Callable[[str], Markup]
    ) -> str:
        """The page's reference list: every source it cited, then those it was written from,
        each with its DOI and PubMed links and what the page took from it."""
        details: dict[str, list[str]] = defaultdict(list)
        for s in entity.get("sources", []) if entity else []:
            self.cited.setdefault(s["ref"], None)
            if "detail" in s:
                details[s["ref"]].append(s["detail"])
        lines = []
        for key in list(self.cited):
            ref = refs[key]
            more = "".join(f" ({md(d)})" for d in details[key])
            links = "".join(
                f" [{label}]({href(url)})"
                for label, url in (("DOI", ref.doi_url), ("PubMed", ref.pubmed_url))
                if url
            )
            lines.append(f"- {self.cite([{'ref': key}])} {md(ref.citation)}{links}{more}\n")
        return "".join(lines)

    def export(self) -> list[tuple[str, str, str, str]]:
        """The traced figures as plain values: (source, figure, kind, id of the page)."""
        return [(key, f, e.kind, e.id) for key, uses in self.traced.items() for f, e in uses]

    def absorb(self, traced: list[tuple[str, str, str, str]], get: Callable[..., Entity]) -> None:
        """Add figures traced elsewhere (`export`), after those traced here."""
        for key, figure, kind, ident in traced:
            self.traced[key].append((figure, get(kind, ident)))

    def made(self, keys: list[Hashable]) -> list[Made]:
        """The blocks made under `keys` (see once), to `adopt` in another process: their text
        as plain str, which pickles in half the time of Markup."""
        blocks = [(key, self._made[key]) for key in keys]
        return [(key, str(text), tape) for key, (text, tape) in blocks]

    def adopt(self, made: list[Made]) -> None:
        """Take blocks made elsewhere (`made`): each is then reused as if made here."""
        for key, text, tape in made:
            self._made[key] = (Markup(text), tape)

    def once(self, key: Hashable, make: Callable[[], Markup]) -> Markup:
        """`make()`, called the first time `key` is asked for; each later time its text is
        reused and what it cited and traced is noted again, on the page being rendered."""
        if key in self._made:
            text, tape = self._made[key]
            for step, ref, figure in tape:
                if step == CITED:
                    self._cited(ref)
                else:
                    self.trace(figure, ref)
            return text
        outer, self._tape = self._tape, []
        try:
            text = make()
        finally:
            tape, self._tape = self._tape, outer
        if outer is not None:  # made inside another block: that block did all this too
            outer.extend(tape)
        self._made[key] = (text, tape)
        return text
