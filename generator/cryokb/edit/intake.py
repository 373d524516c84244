"""`cryokb add-reference`: take one BibTeX or CSL-JSON record and add it to references.bib.

CSL-JSON is what doi.org returns for a DOI asked for `application/vnd.citationstyles.csl+json`;
an editor can save it from a browser. No network access: the record is read from a file or stdin.
The bibliography is rewritten normalised (one layout, records in key order); a duplicate key or
DOI, a malformed DOI and a record missing required fields are refused.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import bibtexparser

from cryokb.edit.skeleton import ID
from cryokb.read.bib import DOI, PMID, REQUIRED
from cryokb.read.names import Name
from cryokb.read.names import bibtex as bibtex_name

_NAMES = "author title journal booktitle publisher institution year volume number pages doi pmid"
FIELD_ORDER = (*_NAMES.split(), "url", "urldate", "note")
# CSL types to BibTeX ones; doi.org answers for Crossref DOIs with Crossref's own names too.
CSL_TYPES = {"article-journal": "article", "journal-article": "article", "book": "book"}
CSL_TYPES |= {"chapter": "incollection", "book-chapter": "incollection", "report": "report"}
CSL_TYPES |= {"webpage": "online"}
# Where a CSL item's container and publisher go in each BibTeX type (see read/bib.REQUIRED).
CONTAINER = {"article": "journal", "incollection": "booktitle"}
PUBLISHER = {"book": "publisher", "incollection": "publisher", "report": "institution"}
PUBLISHER |= {"online": "organization"}


class IntakeError(ValueError):
    """The record cannot be added; the message says why."""


def _bare_doi(doi: str) -> str:
    bare = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.I)
    if not DOI.fullmatch(bare):
        raise IntakeError(f"'{doi}' is not a DOI (it starts 10.NNNN/)")
    return bare


def _ascii(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", text).lower())


def _text(value: Any) -> str:
    """A CSL string; Crossref sends some (title, container-title) as a list of strings."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(str(value).split()) if value is not None else ""


def _name(person: dict[str, Any]) -> Name:
    """A CSL name as BibTeX's parts. A `literal` name (Crossref writes `name`) is kept whole."""
    literal = _text(person.get("literal") or person.get("name") or "")
    if literal or not person.get("family"):
        return Name(last=literal or _text(person.get("family")))
    particles = (person.get("dropping-particle"), person.get("non-dropping-particle"))
    return Name(
        first=_text(person.get("given")),
        von=" ".join(_text(p) for p in particles if p),
        last=_text(person["family"]),
        jr=_text(person.get("suffix")),
    )


def _date(value: Any) -> str:
    """YYYY[-MM[-DD]] from a CSL date ({"date-parts": [[2024, 5, 1]]})."""
    parts = value.get("date-parts") if isinstance(value, dict) else None
    first = parts[0] if parts and isinstance(parts[0], list) else []
    return "-".join(f"{p:0>2}" if i else str(p) for i, p in enumerate(first) if p)


def from_csl(item: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    """(key, type, fields) from one CSL-JSON item."""
    kind = CSL_TYPES.get(_text(item.get("type")), "misc")
    authors = [_name(a) for a in item.get("author") or [] if isinstance(a, dict)]
    authors = [a for a in authors if a.last]
    year = _date(item.get("issued"))[:4]
    fields = {
        "author": " and ".join(bibtex_name(a) for a in authors),
        "title": _text(item.get("title")),
        CONTAINER.get(kind, "howpublished"): _text(item.get("container-title")),
        PUBLISHER.get(kind, "publisher"): _text(item.get("publisher")) if kind in PUBLISHER else "",
        "year": year,
        "volume": _text(item.get("volume")),
        "number": _text(item.get("issue")),
        "pages": _text(item.get("page")).replace("--", "-").replace("-", "--"),
        "doi": _text(item.get("DOI")),
        "pmid": _text(item.get("PMID")),
        "url": _text(item.get("URL")) if kind == "online" or not item.get("DOI") else "",
        "urldate": _date(item.get("accessed")) if kind == "online" else "",
    }
    words = [w for w in re.findall(r"[A-Za-z]+", fields["title"]) if len(w) > 3]
    key = _ascii(authors[0].last if authors else "anon") + year
    key += _ascii(words[0]) if words else ""
    return key, kind, {k: v for k, v in fields.items() if v}


def parse(text: str) -> tuple[str, str, dict[str, str]]:
    """(key, type, fields) of the one record in `text`, BibTeX or CSL-JSON."""
    if text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IntakeError(f"not valid JSON: {exc}") from None
        items = data if isinstance(data, list) else [data]
        if len(items) != 1 or not isinstance(items[0], dict):
            raise IntakeError("give exactly one CSL-JSON record")
        return from_csl(items[0])
    library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    if library.failed_blocks:
        raise IntakeError("the BibTeX record could not be parsed")
    if len(library.entries) != 1:
        raise IntakeError(f"give exactly one BibTeX record, not {len(library.entries)}")
    entry = library.entries[0]
    fields = {f.key.lower(): " ".join(str(f.value).split()) for f in entry.fields}
    return entry.key, entry.entry_type.lower(), fields


def format_entry(key: str, kind: str, fields: dict[str, str]) -> str:
    """One record in the bibliography's layout: known fields first, in a fixed order."""
    names = [n for n in FIELD_ORDER if fields.get(n)] + sorted(set(fields) - set(FIELD_ORDER))
    width = max(len(n) for n in names)
    body = ",\n".join(f"  {n.ljust(width)} = {{{fields[n]}}}" for n in names if fields.get(n))
    return f"@{kind}{{{key},\n{body}\n}}\n"


def add(bib_path: Path, text: str, key: str | None = None) -> str:
    """Add the record in `text` to `bib_path`; return its key. Raises IntakeError."""
    new_key, kind, fields = parse(text)
    new_key = key or new_key
    if not ID.match(new_key):
        raise IntakeError(f"key '{new_key}' must be kebab-case, as a study id is (use --key)")
    if fields.get("doi"):
        fields["doi"] = _bare_doi(fields["doi"])
    if fields.get("pmid") and not PMID.fullmatch(fields["pmid"]):
        raise IntakeError(f"PMID '{fields['pmid']}' must be digits only")
    missing = [f for f in REQUIRED.get(kind, ("title",)) if not fields.get(f)]
    if kind not in REQUIRED or missing:
        raise IntakeError(f"a @{kind} record needs {', '.join(missing) or 'a known type'}")
    source = bib_path.read_text(encoding="utf-8") if bib_path.exists() else ""
    library = bibtexparser.parse_string(source)  # type: ignore[attr-defined]
    entries = {e.key: e for e in library.entries}
    if new_key in entries:
        raise IntakeError(f"key '{new_key}' is already in {bib_path.name}")
    for e in library.entries:
        doi = e.fields_dict.get("doi")
        if doi and fields.get("doi") and str(doi.value).lower() == fields["doi"].lower():
            raise IntakeError(f"DOI {fields['doi']} is already in {bib_path.name} as '{e.key}'")
    records = {
        k: format_entry(k, e.entry_type.lower(), {f.key.lower(): str(f.value) for f in e.fields})
        for k, e in entries.items()
    }
    records[new_key] = format_entry(new_key, kind, fields)
    header = "".join(f"{c.comment.rstrip()}\n" for c in library.comments)  # keeps its '%'
    out = (header + "\n" if header else "") + "\n".join(records[k] for k in sorted(records))
    bib_path.write_text(out, encoding="utf-8")
    return new_key
