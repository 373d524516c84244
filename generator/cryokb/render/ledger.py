"""What each page cites and where each figure shows: the bookkeeping behind a page's reference
list and a source's "where this site uses it" (see trace.py). It records; reuse.py replays
what a page reused from the last build recorded."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from cryokb.read.bib import Reference
from cryokb.read.model import Entity
from cryokb.render.figures import quantity
from cryokb.render.links import href


class Ledger:
    """The citations of the page being rendered and the figures traced to each source."""

    def __init__(self, numbers: dict[str, int], home: dict[str, str]) -> None:
        self.numbers, self.home = numbers, home  # each source's number and where it is listed
        self.current: Entity | None = None  # the page being rendered, for traced figures
        self.cited: dict[str, None] = {}  # the sources cited on it so far, in order
        self.traced: dict[str, list[tuple[str, Entity]]] = defaultdict(list)
        self.log: list[tuple[str, str, tuple[str, str]]] | None = None  # traces, for reuse.py

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
            self.cited[ref] = None
            marks.append(f"[[{self.numbers.get(ref, '?')}]]({self.home[ref]}){cls}")
        return Markup("".join(marks))

    def trace(self, figure: str, key: str) -> None:
        """Note that `figure`, shown on the current page, comes from source `key`."""
        if self.current is not None:
            self.traced[key].append((figure, self.current))
            if self.log is not None:
                self.log.append((key, figure, (self.current.kind, self.current.id)))

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
