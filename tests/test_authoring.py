"""Editor tools and one-error-per-mistake: `cryokb new`, `add-reference`, `rename`, `--stale`."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from cryokb.cli import main
from cryokb.read.problems import errors
from cryokb.rules.check import check_dir, stale
from tests.test_check import _edit

ROOT = Path(__file__).resolve().parent.parent


def _errors(data: Path) -> list[str]:
    _, found = check_dir(data)
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in errors(found)]


# --- one mistake, one error ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("name: Sore neck", "name: [Sore neck", 3, "YAML syntax error"),
        (
            "summary: A neck that hurts.",
            "summary: A neck that hurts.\nsummary: Again.",
            4,
            "duplicate key 'summary'",
        ),
        (
            "summary: A neck that hurts.",
            "summary: |-\n  Fine.\n  Not <i>fine</i>.",
            5,
            "raw HTML is not allowed",
        ),
    ],
    ids=["syntax", "duplicate-key", "html-in-block"],
)
def test_a_broken_file_gives_one_error_and_no_cascade(
    data: Path, old: str, new: str, line: int, message: str
) -> None:
    """Other files refer to sore-neck; its id stays known, so they report nothing."""
    _edit(data / "conditions" / "sore-neck.yaml", old, new)
    found = _errors(data)
    assert len(found) == 1, found
    assert found[0].startswith(f"sore-neck.yaml:{line}: ") and message in found[0]


def test_errors_come_in_file_order(data: Path) -> None:
    _edit(data / "studies" / "trial2020.yaml", "level: 2", "level: 9")
    _edit(data / "conditions" / "sore-neck.yaml", "name: Sore neck", "name: Sore neck\nfoo: 1")
    _, found = check_dir(data)
    assert [Path(p.file).name for p in found] == ["sore-neck.yaml", "trial2020.yaml"]


def test_readability_is_a_warning_with_its_score(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hard = "Physiological thermoregulatory adaptations necessitate individualised consideration."
    _edit(data / "conditions" / "sore-neck.yaml", "summary: A neck that hurts.", f"summary: {hard}")
    assert main(["check", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "sore-neck.yaml:3:10: warning: summary: reading grade" in out
    assert main(["check", "--strict", "--data", str(data)]) == 1


def test_the_real_data_has_no_errors_and_reports_reading_grades() -> None:
    _, found = check_dir(ROOT / "data")
    assert errors(found) == []
    assert all(p.severity == "warning" and "reading grade" in p.message for p in found)


# --- review dates --------------------------------------------------------------------------


def test_stale_lists_overdue_reviews_as_warnings(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kb, _ = check_dir(data, today=date(2026, 3, 1))
    assert stale(kb, date(2026, 3, 1)) == []
    late = stale(kb, date(2026, 8, 1))
    assert {Path(p.file).name for p in late} >= {"sore-neck.yaml", "chamber.yaml"}
    assert all(
        p.severity == "warning" and "review overdue since 2026-07-01" in p.message for p in late
    )
    capsys.readouterr()
    assert main(["check", "--stale", "--data", str(data)]) == 0  # the fixture is overdue today
    assert "warning: next_review: review overdue" in capsys.readouterr().out
    assert main(["check", "--stale", "--strict", "--data", str(data)]) == 1


# --- cryokb new ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["condition", "modality", "protocol", "study", "guideline"])
def test_new_writes_a_skeleton_whose_todos_check_reports_by_line(data: Path, kind: str) -> None:
    assert main(["new", kind, "fresh-one", "--data", str(data)]) == 0
    folder = {"study": "studies", "modality": "modalities"}.get(kind, kind + "s")
    path = data / folder / "fresh-one.yaml"
    text = path.read_text()
    assert text.startswith(
        f"# yaml-language-server: $schema=../../generator/cryokb/schemas/{kind}."
    )
    assert f"  date: {date.today().isoformat()}" in text
    next_year = date.today().replace(year=date.today().year + 1, day=min(date.today().day, 28))
    assert f"next_review: {next_year.isoformat()[:7]}" in text
    mine = [f for f in _errors(data) if f.startswith("fresh-one.yaml")]
    found = [f for f in mine if "TODO left" in f]
    todo_lines = [i for i, line in enumerate(text.splitlines(), 1) if "TODO" in line]
    assert sorted(int(f.split(":")[1]) for f in found) == todo_lines
    # the only other errors: a study or guideline needs its BibTeX record (add-reference first),
    # and a condition needs evidence linked to it or a note of what was searched
    others = [f for f in mine if "TODO left" not in f]
    bib_first = ["fresh-one.yaml:2: id: no BibTeX entry 'fresh-one' in references.bib"]
    unlinked = [
        "fresh-one.yaml:2: id: no study, guideline or protocol names condition 'fresh-one'; "
        "link one, or add 'evidence_search' saying what was searched and why none is cited"
    ]
    expected = {"study": bib_first, "guideline": bib_first, "condition": unlinked}
    assert others == expected.get(kind, [])


def test_new_refuses_an_existing_or_badly_named_id(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "condition", "sore-neck", "--data", str(data)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "condition", "Sore_Neck", "--data", str(data)]) == 2
    assert "kebab-case" in capsys.readouterr().err


# --- cryokb add-reference ------------------------------------------------------------------

CSL = {
    "type": "article-journal",
    "title": "A new trial of cold",
    "container-title": "Journal of Tests",
    "DOI": "10.1000/new.7",
    "PMID": "7654321",
    "author": [{"family": "Smith", "given": "Ann"}, {"family": "Jones", "given": "Bo"}],
    "issued": {"date-parts": [[2024, 5]]},
    "volume": "3",
    "page": "10-20",
}


def test_add_reference_from_csl_json_then_a_study_passes_the_check(
    data: Path, tmp_path: Path
) -> None:
    record = tmp_path / "record.json"
    record.write_text(json.dumps(CSL))
    assert main(["add-reference", str(record), "--data", str(data)]) == 0
    bib = (data / "references.bib").read_text()
    assert "@article{smith2024trial," in bib and "pages   = {10--20}" in bib
    keys = [line.split("{")[1].rstrip(",") for line in bib.splitlines() if line.startswith("@")]
    assert keys == sorted(keys)
    assert main(["new", "study", "smith2024trial", "--data", str(data)]) == 0
    study = data / "studies" / "smith2024trial.yaml"
    text = study.read_text()
    fill = {
        "design: TODO": "design: Randomised trial",
        "level: TODO": "level: 2",
        "population: TODO": "population: Twenty adults.",
        "intervention: TODO": "intervention: A cold chamber.",
        "comparator: TODO": "comparator: Rest.",
        "by: TODO": "by: Test editor",
        "ref: TODO": "ref: smith2024trial",
    }
    for old, new in fill.items():
        text = text.replace(old, new)
    study.write_text(text)
    assert _errors(data) == []


def test_add_reference_refuses_duplicates_and_bad_records(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (data / "references.bib").read_text()
    cases = {
        "same-doi": "@article{other, author={A, B}, title={T}, journal={J}, year={2020}, "
        "doi={10.1000/TEST.1}}",
        "same-key": "@article{trial2020, author={A, B}, title={T}, journal={J}, year={2020}}",
        "bad-doi": "@article{fine2020, author={A, B}, title={T}, journal={J}, year={2020}, "
        "doi={doi-1234}}",
        "no-title": "@article{fine2021, author={A, B}, journal={J}, year={2021}}",
        "two": "@misc{a1, title={A}}\n@misc{b2, title={B}}",
        "garbage": "{not json",
    }
    for name, text in cases.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text)
        assert main(["add-reference", str(path), "--data", str(data)]) == 2, name
        assert capsys.readouterr().err.startswith("cryokb: error: "), name
    assert (data / "references.bib").read_text() == before


def test_add_reference_strips_a_doi_url_and_keeps_existing_records(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "r.bib"
    path.write_text(
        "@article{new2022, author={Doe, Jo}, title={T}, journal={J}, year={2022}, "
        "doi={https://doi.org/10.1000/x.9}}"
    )
    assert main(["add-reference", str(path), "--data", str(data)]) == 0
    bib = (data / "references.bib").read_text()
    assert "doi     = {10.1000/x.9}" in bib and "https://doi.org" not in bib
    assert "title   = {A test trial}" in bib and "note  = {Unconfirmed: author.}" in bib


# --- cryokb rename -------------------------------------------------------------------------


def test_rename_rewrites_every_reference_and_keeps_an_alias(data: Path) -> None:
    assert main(["rename", "condition", "sore-neck", "stiff-neck", "--data", str(data)]) == 0
    assert not (data / "conditions" / "sore-neck.yaml").exists()
    renamed = (data / "conditions" / "stiff-neck.yaml").read_text()
    assert "id: stiff-neck\naliases: [sore-neck]\n" in renamed
    assert "conditions: [stiff-neck]" in (data / "protocols" / "chamber-neck.yaml").read_text()
    assert "condition: stiff-neck" in (data / "studies" / "trial2020.yaml").read_text()
    assert "  - condition: stiff-neck" in (data / "guidelines" / "guide2021.yaml").read_text()
    assert _errors(data) == []
    assert main(["rename", "condition", "stiff-neck", "neck-ache", "--data", str(data)]) == 0
    assert (
        "aliases: [sore-neck, stiff-neck]" in (data / "conditions" / "neck-ache.yaml").read_text()
    )
    assert _errors(data) == []


def test_rename_a_study_renames_its_bibtex_key_and_citations(data: Path) -> None:
    _edit(
        data / "conditions" / "sore-neck.yaml",
        "summary: A neck that hurts.",
        "summary: A neck that hurts [@trial2020].",
    )
    assert main(["rename", "study", "trial2020", "doe2020trial", "--data", str(data)]) == 0
    assert "@article{doe2020trial," in (data / "references.bib").read_text()
    assert "[@doe2020trial]" in (data / "conditions" / "sore-neck.yaml").read_text()
    assert _errors(data) == []


def test_rename_refuses_an_unknown_or_taken_id(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rename", "condition", "nope", "other", "--data", str(data)]) == 2
    assert main(["rename", "modality", "chamber", "Bad_Id", "--data", str(data)]) == 2
    shutil.copy(data / "conditions" / "sore-neck.yaml", data / "conditions" / "other.yaml")
    assert main(["rename", "condition", "sore-neck", "other", "--data", str(data)]) == 2
    assert "already exists" in capsys.readouterr().err


ONE_ERROR = [
    "temperature-in-minutes",
    "duration-in-celsius",
    "review-in-future",
    "unknown-id-suggests",
    "html-inside-block-scalar",
    "todo-left",
]
ONE_BIB_ERROR = ["bib-missing-title", "bib-doi-as-url", "bib-pmid-not-digits"]
ONE_BIB_ERROR += ["bib-unreadable-author"]


@pytest.mark.parametrize("case", ONE_ERROR)
def test_each_mistake_the_checker_once_missed_gives_exactly_one_error(
    data: Path, case: str
) -> None:
    from tests.check_corpus import CASES

    _, file, old, new, line, message = next(c for c in CASES if c[0] == case)
    _edit(data / file, old, new)
    found = _errors(data)
    assert len(found) == 1 and found[0].startswith(f"{Path(file).name}:{line}: "), found
    assert message in found[0]


@pytest.mark.parametrize("case", ONE_BIB_ERROR)
def test_each_bibtex_mistake_gives_exactly_one_error(data: Path, case: str) -> None:
    from tests.check_corpus import BIB_CASES

    _, old, new, line, message = next(c for c in BIB_CASES if c[0] == case)
    _edit(data / "references.bib", old, new)
    found = _errors(data)
    assert len(found) == 1 and found[0].startswith(f"references.bib:{line}: "), found
    assert message in found[0]
