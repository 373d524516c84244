"""Author names: split into BibTeX's first, von, last and jr parts by bibtexparser, and written
the way NLM's Citing Medicine (Vancouver) writes them.

A name with no first part is kept whole: an organisation braced in BibTeX
(`{World Health Organization}`), a CSL-JSON `literal` author, or a single name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts


@dataclass(frozen=True)
class Name:
    """One author, each part decoded from LaTeX to Unicode."""

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""

    @property
    def vancouver(self) -> str:
        """Citing Medicine's form: a particle kept before the surname ('van de Kamp JM'), given
        names as initials without stops or hyphens ('Smith JP'), a rank after the initials without
        punctuation ('DeVita VT Jr'); a name without given names as written."""
        surname = " ".join(p for p in (self.von, self.last) if p)
        rank = self.jr.replace(".", "").replace(",", "")
        return " ".join(p for p in (surname, initials(self.first), rank) if p)

    @property
    def whole(self) -> bool:
        """No given names: an organisation or a single name, never to be cut into parts."""
        return not (self.first or self.von or self.jr)


def initials(given: str) -> str:
    """'Philip R. A.' -> 'PRA', 'Jean-Pierre' -> 'JP'."""
    return "".join(part[0] for part in re.split(r"[\s.\-]+", given) if part)


def parse(raw: list[str], decode: Callable[[str], str]) -> tuple[tuple[Name, ...], str]:
    """Names from an author field already split at ' and ' (by bibtexparser's
    SeparateCoAuthors) and still in LaTeX; and why one could not be read ('' when all could).
    A name that cannot be read is kept whole, so the record still renders."""
    names: list[Name] = []
    error = ""
    for text in raw:
        try:
            parts = parse_single_name_into_parts(text)
        except InvalidNameError as exc:
            error = error or f"author '{text}' cannot be read: {exc.reason.lower()}"
            names.append(Name(last=decode(text)))
            continue
        names.append(
            Name(*(decode(" ".join(p)) for p in (parts.first, parts.von, parts.last, parts.jr)))
        )
    return tuple(names), error


def bibtex(name: Name) -> str:
    """The name as a BibTeX author ('von Last, Jr, First'); whole names braced so that no
    reader cuts them into parts."""
    if name.whole:
        return "{" + name.last + "}"
    surname = " ".join(p for p in (name.von, name.last) if p)
    return ", ".join(p for p in (surname, name.jr, name.first) if p)
