"""Read `references.bib` and format its records in Vancouver style."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors

from cryokb.read import files, names, recall
from cryokb.read.problems import Problem

# Fields each record type must have (what a Vancouver reference and its links need).
REQUIRED = {
    "article": ("author", "title", "journal", "year"),
    "book": ("title", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "year"),
    "report": ("title", "institution", "year"),
    "techreport": ("title", "institution", "year"),
    "online": ("title", "url", "urldate"),
    "misc": ("title",),
}
# A DOI as Crossref recommends matching it: ASCII only, no brackets or spaces that could end it
# inside a Markdown link; a PMID is ASCII digits ("١٢٣".isdigit() is True).
DOI = re.compile(r"10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+")
PMID = re.compile(r"[0-9]{1,9}")
MAX_BYTES = 16 * 1024 * 1024
# What kind of source a record is, in its optional `kind` field. Without one, a record is a
# clinical or research source (a study, review, guideline or regulator's page). `popular` and
# `home-care` sources are shown as such where they alone support a safety level.
KINDS = {
    "popular": "a popular web page",
    "home-care": "a health service's home-care page",
    "manufacturer": "a maker's published instructions or list",
}
POPULAR = frozenset({"popular", "home-care"})
MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}


@dataclass(frozen=True)
class Reference:
    """One bibliography record with LaTeX decoded to Unicode."""

    key: str
    type: str
    fields: dict[str, str]
    line: int
    lines: dict[str, int] = field(default_factory=dict)  # field name -> its line
    authors: tuple[names.Name, ...] = ()  # the `author` field, split into names and parts

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    @cached_property
    def citation(self) -> str:
        """The record as a Vancouver-style citation (see `vancouver`), worked out once."""
        return vancouver(self)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.get('doi')}" if self.get("doi") else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.get('pmid')}/" if self.get("pmid") else ""

    @property
    def popular(self) -> bool:
        """A popular article or a home-care page, not a clinical source (see KINDS)."""
        return self.get("kind") in POPULAR

    @property
    def unconfirmed(self) -> str:
        """What the record's note says could not be confirmed ('' when nothing)."""
        m = re.search(r"Unconfirmed:\s*(.+?)(?:\.\s+[A-Z]|\.?$)", self.get("note"))
        return m.group(1).strip() if m else ""


LATEX = re.compile(r"[\\{}$~%&_^`]|--|''|!`|\?`")  # what pylatexenc would change in a value


class _Latex(LatexDecodingMiddleware):
    """LaTeX decoding only for values with LaTeX in them: most values are plain text, and
    pylatexenc costs about 0.3 ms a value (a third of the check at 10,000 studies)."""

    def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
        if not LATEX.search(python_string):
            return python_string, ""
        result: tuple[str, str] = super()._transform_python_value_string(python_string)
        return result

    def decode(self, value: str) -> str:
        """One value decoded (an author's name part, decoded after the names are split)."""
        return self._transform_python_value_string(value)[0]


def load(
    path: Path, name: str, root: Path | None = None
) -> tuple[dict[str, Reference], list[Problem]]:
    """Parse the BibTeX file (a regular file inside `root`, at most MAX_BYTES); return records
    by key and every problem found."""
    raw = files.read(path, root or path.parent, name, MAX_BYTES)
    if isinstance(raw, Problem):
        return {}, [raw]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return {}, [Problem(name, 1, 1, "file is not valid UTF-8 text")]
    return recall.parsed(name, text, _parse)


def _parse(name: str, text: str) -> tuple[dict[str, Reference], list[Problem]]:
    """The records in the text of the file reported as `name`."""
    # bibtexparser re-exports parse_string without __all__, which mypy --strict flags.
    parse = bibtexparser.parse_string  # type: ignore[attr-defined]
    # Authors are split at ' and ' before LaTeX is decoded: decoding drops the braces that keep
    # an organisation whole (`{World Health Organization}`) and an 'and' inside one.
    latex = _Latex()
    split = SeparateCoAuthors(name_fields=("author",))
    library = parse(text, append_middleware=[split, latex])
    problems: list[Problem] = []
    for block in library.failed_blocks:
        reason = getattr(getattr(block, "error", None), "abort_reason", "") or str(
            getattr(block, "error", "")
        )
        first = reason.strip().splitlines()[0] if reason.strip() else "could not be parsed"
        problems.append(Problem(name, (block.start_line or 0) + 1, 1, f"BibTeX: {first}"))
    refs: dict[str, Reference] = {}
    for entry in library.entries:
        fields: dict[str, str] = {}
        lines: dict[str, int] = {}
        authors: tuple[names.Name, ...] = ()
        for f in entry.fields:
            lines[f.key.lower()] = f.start_line + 1
            value = str(f.value)
            if isinstance(f.value, list):  # the author field, split by SeparateCoAuthors
                authors, error = names.parse(f.value, latex.decode)
                if error:
                    where = f"BibTeX entry '{entry.key}' field '{f.key}'"
                    problems.append(Problem(name, f.start_line + 1, 1, f"{where}: {error}"))
                value = latex.decode(" and ".join(f.value))
            bare = f.enclosing == "no-enclosing"
            if bare and not value.isdigit() and value.lower() not in MONTHS:
                problems.append(
                    Problem(
                        name,
                        f.start_line + 1,
                        1,
                        f"BibTeX entry '{entry.key}' field '{f.key}': undefined string macro "
                        f"'{value}'",
                    )
                )
            fields[f.key.lower()] = " ".join(value.split())
        refs[entry.key] = Reference(
            entry.key, entry.entry_type.lower(), fields, (entry.start_line or 0) + 1, lines, authors
        )
    return refs, problems


def problems(refs: dict[str, Reference], name: str, used: set[str] | None) -> Iterator[Problem]:
    """Records by type: required fields, a bare DOI, a PMID of digits, safe text, and cited by
    the data (not checked when `used` is None: what cites them is unknown)."""
    from cryokb.rules.textsafety import MAX_TEXT, unsafe

    for key, ref in sorted(refs.items()):

        def at(field: str, message: str, ref: Reference = ref) -> Problem:
            return Problem(name, ref.lines.get(field, ref.line), 1, message)

        if used is not None and key not in used:
            yield at("", f"reference '{key}' is not cited by any data")
        if ref.type not in REQUIRED:
            known = ", ".join(sorted(REQUIRED))
            yield at("", f"reference '{key}': type @{ref.type} is not one of {known}")
        for needed in REQUIRED.get(ref.type, ()):
            if not ref.get(needed):
                yield at("", f"reference '{key}': @{ref.type} needs a '{needed}' field")
        doi = ref.get("doi")
        if doi and not DOI.fullmatch(doi):
            bare = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I)
            tip = f" (write it bare: {bare})" if bare != doi else " (it starts 10.NNNN/)"
            yield at("doi", f"reference '{key}' field 'doi': '{doi}' is not a bare DOI{tip}")
        kind = ref.get("kind")
        if kind and kind not in KINDS:
            yield at(
                "kind",
                f"reference '{key}' field 'kind': '{kind}' is not one of "
                f"{', '.join(sorted(KINDS))} (leave it out for a clinical source)",
            )
        pmid = ref.get("pmid")
        if pmid and not PMID.fullmatch(pmid):
            yield at("pmid", f"reference '{key}' field 'pmid': '{pmid}' must be digits only")
        for fname, value in ref.fields.items():
            if len(value) > MAX_TEXT:
                yield at(fname, f"reference '{key}' field '{fname}': over {MAX_TEXT} characters")
            if why := unsafe(value):
                yield at(fname, f"reference '{key}' field '{fname}': {why}")


def authors(ref: Reference) -> str:
    """The author list of a Vancouver citation: the first six, then 'et al' (Citing Medicine)."""
    listed = [a.vancouver for a in ref.authors]
    return ", ".join(listed[:6]) + (", et al" if len(listed) > 6 else "")


def vancouver(ref: Reference) -> str:
    """A Vancouver-style citation in plain text (links are added by the template)."""
    listed = authors(ref)
    parts = [f"{listed}." if listed else "", f"{ref.get('title').rstrip('.')}."]
    journal = ref.get("journal")
    year = ref.get("year")
    vol = ref.get("volume")
    issue = f"({ref.get('number')})" if ref.get("number") else ""
    pages = ref.get("pages").replace("--", "-").replace("\u2013", "-")
    where = f"{year}" + (f";{vol}" if vol else "") + issue + (f":{pages}" if pages else "")
    if journal:
        parts.append(f"{journal}. {where}.")
    elif ref.get("howpublished"):
        parts.append(f"{ref.get('howpublished').rstrip('.')}.")
    elif ref.get("institution"):  # a report: issued by an institution, not in a journal
        parts.append(f"{ref.get('institution').rstrip('.')}; {where}.")
    elif ref.get("organization"):
        parts.insert(0, f"{ref.get('organization')}.")
        parts[-1] = parts[-1][:-1] + " [Internet]."
        if year:
            parts.append(f"{year}.")
        if ref.get("urldate"):
            parts.append(f"Accessed {ref.get('urldate')}.")
    elif year:
        parts.append(f"{where}.")
    return " ".join(p for p in parts if p)
