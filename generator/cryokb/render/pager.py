"""Long lists split into numbered pages of bounded size, so no page grows with the data.

Page 1 keeps the list's own address (`studies/index.md`, or an entity page such as
`modalities/ice-pack.md`); page n is `<folder>/page/<n>.md` (served at `/studies/page/2/`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from markupsafe import Markup

T = TypeVar("T")

# Items per page, chosen so a page of the longest items stays well under 100 KB of HTML.
SIZE = {"study": 80, "finding": 10, "column": 60, "item": 100}  # "item": any other list


@dataclass(frozen=True)
class Pager:
    """Page `number` of `count` of the list whose first page is `first` (a docs path)."""

    first: str
    number: int
    count: int

    def path(self, n: int) -> str:
        """The docs path of page n."""
        if n == 1:
            return self.first
        folder = self.first.removesuffix("/index.md").removesuffix(".md")
        return f"{folder}/page/{n}.md"

    def shown(self) -> list[int]:
        """The page numbers the pager links: the first and last, the two either side of this
        one, and those 10 and 100 away. A bounded set, so the pager does not grow with N."""
        near = {self.number + d for d in (-100, -10, -2, -1, 0, 1, 2, 10, 100)}
        return sorted(n for n in near | {1, self.count} if 1 <= n <= self.count)

    def nav(self) -> Markup:
        """Markdown links to other pages, as markup (page numbers and our own paths only, so
        templates print it as it is); empty when the list fits on one page."""
        if self.count == 1:
            return Markup("")
        links: list[str] = []
        previous = 0
        for n in self.shown():
            if n > previous + 1:
                links.append("…")  # pages left out
            links.append(f"**{n}**" if n == self.number else f"[{n}](/{self.path(n)})")
            previous = n
        steps = []
        if self.number > 1:
            steps.append(f"[Previous page](/{self.path(self.number - 1)})")
        if self.number < self.count:
            steps.append(f"[Next page](/{self.path(self.number + 1)})")
        return Markup(
            f'<nav class="cryokb-pager" aria-label="Pages of this list" markdown>\n'
            f"Page {self.number} of {self.count}. {' · '.join(steps)}\n\n"
            f"Pages: {' '.join(links)}\n</nav>\n"
        )


def split(first: str, items: Sequence[T], size: int) -> list[tuple[Pager, Sequence[T]]]:
    """The items in pages of at most `size`, each with its pager; one page when empty."""
    count = max(1, -(-len(items) // size))
    return [(Pager(first, n, count), items[(n - 1) * size : n * size]) for n in range(1, count + 1)]
