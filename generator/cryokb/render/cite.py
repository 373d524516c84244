"""Cite this page: a citation of a cryokb page, and downloads in BibTeX and RIS.

RIS is written by rispy, the well-kept RIS reader and writer, rather than by hand. The author
is an organisation: braced whole in BibTeX (else a reader takes 'editors' for a surname and
'cryokb' for a given name) and without a comma in RIS (whose names are 'Last, First').
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import rispy

from cryokb.read.model import KINDS, Entity
from cryokb.read.names import Name
from cryokb.read.names import bibtex as bibtex_name

CITED_KINDS = ("protocol", "condition", "modality", "study")
AUTHOR = "cryokb editors"
SITE = "cryokb"


@dataclass(frozen=True)
class Citation:
    """What a reader needs to cite one page."""

    key: str
    title: str
    url: str
    version: str
    year: str
    accessed: str  # YYYY-MM-DD: the build date, for the reader to change to the day they read it

    def text(self) -> str:
        return (
            f"{AUTHOR}. {self.title}. {SITE}, data version {self.version}; {self.year}. "
            f"Available from: {self.url} (accessed {self.accessed})."
        )


def citation(e: Entity, title: str, base_url: str, version: str, today: date) -> Citation:
    path = f"{KINDS[e.kind]}/{e.id}/"
    return Citation(
        key=f"cryokb-{e.kind}-{e.id}",
        title=title,
        url=(base_url or "/") + path,
        version=version,
        year=e["reviewed"]["date"][:4],
        accessed=today.isoformat(),
    )


def _braced(text: str) -> str:
    """A BibTeX field value: braces balanced, special characters escaped."""
    out = text.replace("\\", "").replace("{", "").replace("}", "")
    for ch in "&%$#_":
        out = out.replace(ch, "\\" + ch)
    return "{" + out + "}"


def bibtex(c: Citation) -> str:
    fields = {
        "author": "{" + bibtex_name(Name(last=AUTHOR)) + "}",
        "title": _braced(c.title),
        "howpublished": _braced(f"{SITE}, data version {c.version}"),
        "year": _braced(c.year),
        "url": "{" + c.url + "}",
        "urldate": _braced(c.accessed),
        "note": _braced(f"Data version {c.version}"),
    }
    body = ",\n".join(f"  {k} = {v}" for k, v in fields.items())
    return f"@misc{{{c.key},\n{body}\n}}\n"


_RIS = rispy.RisWriter()  # made once: it builds its tag tables each time it is made


def ris(c: Citation) -> str:
    entry = {
        "type_of_reference": "ELEC",
        "title": c.title,
        "authors": [AUTHOR],
        "year": c.year,
        "urls": [c.url],
        "publisher": SITE,
        "edition": c.version,
        "access_date": c.accessed,
        "notes": [f"Data version {c.version}"],
    }
    text: str = _RIS.formats([entry])
    return text
