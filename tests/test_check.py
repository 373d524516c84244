"""`cryokb check`: real data passes; each bad input is named by file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.check import check_dir
from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"

# (id, file to edit, text to replace, replacement, expected line, expected message part)
CASES: list[tuple[str, str, str, str, int, str]] = [
    (
        "yaml-syntax",
        "conditions/sore-neck.yaml",
        "name: Sore neck",
        "name: [Sore neck",
        3,
        "YAML syntax error",
    ),
    (
        "duplicate-key",
        "conditions/sore-neck.yaml",
        "summary: A neck that hurts.",
        "summary: A neck that hurts.\nsummary: Again.",
        4,
        "duplicate key 'summary'",
    ),
    (
        "unknown-key",
        "conditions/sore-neck.yaml",
        "name: Sore neck",
        "name: Sore neck\nnmae: x",
        3,
        "nmae: unknown field (did you mean 'name'?)",
    ),
    (
        "wrong-type",
        "studies/trial2020.yaml",
        "participants: 10",
        "participants: ten",
        5,
        "participants: expected ['integer', 'null'], got string",
    ),
    (
        "missing-field",
        "conditions/sore-neck.yaml",
        "summary: A neck that hurts.\n",
        "",
        1,
        "missing required field 'summary'",
    ),
    (
        "id-mismatch",
        "conditions/sore-neck.yaml",
        "id: sore-neck",
        "id: stiff-neck",
        1,
        "'stiff-neck' does not match the file name 'sore-neck.yaml'",
    ),
    (
        "id-not-kebab",
        "conditions/sore-neck.yaml",
        "id: sore-neck",
        "id: Sore_Neck",
        1,
        "not a kebab-case id",
    ),
    (
        "unknown-modality",
        "protocols/chamber-neck.yaml",
        "modality: chamber",
        "modality: sauna",
        3,
        "modality: unknown modality 'sauna'",
    ),
    (
        "unknown-condition",
        "protocols/chamber-neck.yaml",
        "conditions: [sore-neck]",
        "conditions: [sore-neck, gout]",
        4,
        "conditions[1]: unknown condition 'gout'",
    ),
    (
        "unknown-contraindication",
        "modalities/chamber.yaml",
        "{id: heart-disease,",
        "{id: lung-disease,",
        18,
        "unknown contraindication 'lung-disease'",
    ),
    (
        "unknown-side-effect",
        "modalities/chamber.yaml",
        "side_effects: [tingling]",
        "side_effects: [tingling, itching]",
        16,
        "side_effects[1]: unknown side-effect 'itching'",
    ),
    (
        "unknown-bib-key",
        "conditions/sore-neck.yaml",
        "  - ref: src2020",
        "  - ref: nobody1999",
        10,
        "sources[0].ref: unknown reference 'nobody1999'",
    ),
    (
        "unknown-cite-marker",
        "modalities/chamber.yaml",
        "[@src2020]",
        "[@ghost2001]",
        4,
        "how_it_works: unknown reference 'ghost2001'",
    ),
    (
        "duplicate-contraindication",
        "modalities/chamber.yaml",
        "  - {id: heart-disease, level: do-not-use, sources: [{ref: src2020}]}",
        "  - {id: heart-disease, level: do-not-use, sources: [{ref: src2020}]}\n"
        "  - {id: heart-disease, level: ask-first, sources: [{ref: src2020}]}",
        19,
        "contraindications[1].id: duplicate id 'heart-disease'",
    ),
    (
        "duplicate-parameter",
        "protocols/chamber-neck.yaml",
        "steps:",
        "  - id: session-length\n    label: Again\n    kind: course\n"
        "    value: {max: 1, unit: weeks, sources: [{ref: src2020}]}\nsteps:",
        16,
        "parameters[1].id: duplicate id 'session-length'",
    ),
    (
        "duration-over-max",
        "protocols/chamber-neck.yaml",
        "      max: 3\n",
        "      max: 5\n",
        12,
        "5 minutes exceeds the 4-minute maximum of modality 'chamber'",
    ),
    (
        "min-over-max",
        "modalities/chamber.yaml",
        "min: -135",
        "min: -100",
        6,
        "temperature: min -100 > max -110",
    ),
    (
        "invalid-date",
        "conditions/sore-neck.yaml",
        "date: 2026-01-01",
        "date: 2026-02-30",
        6,
        "'2026-02-30' is not a valid date",
    ),
    (
        "inverted-dates",
        "conditions/sore-neck.yaml",
        "next_review: 2026-07-01",
        "next_review: 2025-12-01",
        8,
        "next_review: 2025-12-01 is not after the review date",
    ),
    (
        "raw-html",
        "conditions/sore-neck.yaml",
        "summary: A neck that hurts.",
        "summary: A neck that <b>hurts</b>.",
        3,
        "summary: raw HTML is not allowed",
    ),
    (
        "script-tag",
        "side-effects/tingling.yaml",
        "summary: Pins and needles.",
        "summary: Pins <script>alert(1)</script>",
        4,
        "raw HTML is not allowed",
    ),
    (
        "javascript-url",
        "contraindications/heart-disease.yaml",
        "what_to_do: Ask a doctor first.",
        "what_to_do: '[Ask](javascript:alert(1))'",
        5,
        "script or data URLs are not allowed",
    ),
    (
        "event-handler",
        "studies/trial2020.yaml",
        "population: Ten adults.",
        "population: Ten adults onclick=alert(1)",
        6,
        "event-handler attributes are not allowed",
    ),
    (
        "entity-encoded-scheme",
        "conditions/sore-neck.yaml",
        "summary: A neck that hurts.",
        "summary: '[x](jav&#x61;script:alert(1))'",
        3,
        "script or data URLs are not allowed",
    ),
    (
        "wording-vs-certainty",
        "studies/trial2020.yaml",
        "plain: The chamber may reduce soreness.",
        "plain: The chamber reduces soreness.",
        20,
        "wording does not match certainty 'low'",
    ),
    (
        "bad-enum",
        "studies/trial2020.yaml",
        "direction: benefit",
        "direction: great",
        15,
        "'great' is not one of: benefit, no-difference, harm, favours-comparator, unclear",
    ),
    (
        "cebm-out-of-range",
        "studies/trial2020.yaml",
        "level: 2",
        "level: 7",
        4,
        "cebm.level: 7 is greater than the maximum of 5",
    ),
    (
        "empty-list",
        "protocols/chamber-neck.yaml",
        "conditions: [sore-neck]",
        "conditions: []",
        4,
        "conditions: must not be empty",
    ),
    (
        "bare-yes-answer",
        "questionnaire.yaml",
        '{question: heart, answer: "yes"}',
        "{question: heart, answer: yes}",
        18,
        "(quote it)",
    ),
    (
        "follow-up-forward",
        "questionnaire.yaml",
        '{question: heart, answer: "yes"}',
        '{question: heart-device, answer: "yes"}',
        18,
        "must come before this follow-up",
    ),
    (
        "follow-up-unknown",
        "questionnaire.yaml",
        '{question: heart, answer: "yes"}',
        '{question: lungs, answer: "yes"}',
        18,
        "unknown question 'lungs'",
    ),
    (
        "duplicate-question",
        "questionnaire.yaml",
        "  - id: heart-device",
        "  - id: heart",
        15,
        "questions[1].id: duplicate id 'heart'",
    ),
]

CASES += [
    (
        "questionnaire-missing-text",
        "questionnaire.yaml",
        "  ask-first: Talk to a doctor first.\n",
        "",
        20,
        "outcomes: missing required field 'ask-first'",
    ),
    (
        "questionnaire-says-safe",
        "questionnaire.yaml",
        "ask-first: Talk to a doctor first.",
        "ask-first: You are safe to use it.",
        21,
        "must never say 'safe'",
    ),
]

# Mistakes an editor makes that the checker once let through (issue: editor-proof data).
CASES += [
    (
        "temperature-in-minutes",
        "modalities/chamber.yaml",
        "  unit: celsius",
        "  unit: minutes",
        8,
        "temperature.unit: a temperature is in celsius, not 'minutes'",
    ),
    (
        "duration-in-celsius",
        "protocols/chamber-neck.yaml",
        "      unit: minutes",
        "      unit: celsius",
        13,
        "parameters[0].value.unit: a duration is in minutes or seconds, not 'celsius'",
    ),
    (
        "review-in-future",
        "conditions/sore-neck.yaml",
        "  date: 2026-01-01",
        "  date: 2099-01-01",
        6,
        "reviewed.date: 2099-01-01 is in the future",
    ),
    (
        "unknown-id-suggests",
        "protocols/chamber-neck.yaml",
        "modality: chamber",
        "modality: chambre",
        3,
        "unknown modality 'chambre' (did you mean 'chamber'?)",
    ),
    (
        "html-inside-block-scalar",
        "conditions/sore-neck.yaml",
        "summary: A neck that hurts.",
        "summary: >-\n  A neck that\n  hurts <b>a lot</b>.",
        5,
        "summary: raw HTML is not allowed",
    ),
    (
        "todo-left",
        "conditions/sore-neck.yaml",
        "summary: A neck that hurts.",
        "summary: TODO",
        3,
        "summary: TODO left",
    ),
    (
        "long-patient-sentence",
        "conditions/sore-neck.yaml",
        "summary: A neck that hurts.",
        "summary: " + " ".join(["word"] * 30) + ".",
        3,
        "summary: a sentence of 30 words",
    ),
    (
        "jargon",
        "contraindications/heart-disease.yaml",
        "why: Cold raises blood pressure.",
        "why: Cold causes vasoconstriction.",
        4,
        "why: 'vasoconstriction' is jargon",
    ),
    (
        "cell-without-source",
        "modalities/chamber.yaml",
        "  - {id: heart-disease, level: do-not-use, sources: [{ref: src2020}]}",
        "  - {id: heart-disease, level: do-not-use}",
        18,
        "contraindications[0]: missing required field 'sources'",
    ),
    (
        "cell-bad-level",
        "modalities/chamber.yaml",
        "level: do-not-use",
        "level: absolute",
        18,
        "'absolute' is not one of: do-not-use, ask-first, take-care, no-known-reason",
    ),
    (
        "hand-written-absence",
        "conditions/sore-neck.yaml",
        "details: Trials are small.",
        "details: No study has tested this.",
        4,
        "'No study' claims what no study shows",
    ),
    (
        "finding-without-effect",
        "studies/trial2020.yaml",
        "    effect: {measure: mean difference, value: -1.5, ci: [-2.5, -0.5], "
        "scale: 'soreness, 0 to 10', when: after 1 day, words: a small drop}\n",
        "",
        10,
        "give the 'effect' as the source reports it, or 'no_estimate'",
    ),
    (
        "ci-misses-value",
        "studies/trial2020.yaml",
        "value: -1.5",
        "value: 1.5",
        16,
        "must run low to high and hold the value",
    ),
    (
        "guideline-unknown-condition",
        "guidelines/guide2021.yaml",
        "  - condition: sore-neck",
        "  - condition: sore-nek",
        6,
        "unknown condition 'sore-nek' (did you mean 'sore-neck'?)",
    ),
]

BIB_CASES: list[tuple[str, str, str, int, str]] = [
    (
        "bib-unused",
        "@misc{src2020,",
        "@misc{extra2021, title = {Extra}}\n\n@misc{src2020,",
        10,
        "reference 'extra2021' is not cited by any data",
    ),
    (
        "bib-duplicate-key",
        "@misc{src2020,",
        "@misc{trial2020, title = {Again}}\n\n@misc{src2020,",
        10,
        "Duplicate entry key 'trial2020'",
    ),
    (
        "bib-broken-entry",
        "@misc{src2020,",
        "@article{broken, title = {unclosed\n\n@misc{src2020,",
        10,
        "BibTeX:",
    ),
    (
        "bib-undefined-macro",
        "journal = {Journal of Tests},",
        "journal = jtests,",
        4,
        "undefined string macro 'jtests'",
    ),
    (
        "bib-html-in-title",
        "title   = {A test trial},",
        "title   = {A <img src=x> trial},",
        3,
        "field 'title': raw HTML is not allowed",
    ),
    (
        "bib-missing-title",
        "  title   = {A test trial},\n",
        "",
        1,
        "reference 'trial2020': @article needs a 'title' field",
    ),
    (
        "bib-doi-as-url",
        "doi     = {10.1000/test.1}",
        "doi     = {https://doi.org/10.1000/test.1}",
        6,
        "'https://doi.org/10.1000/test.1' is not a bare DOI (write it bare: 10.1000/test.1)",
    ),
    (
        "bib-pmid-not-digits",
        "pmid    = {12345678}",
        "pmid    = {PMID 12345678}",
        7,
        "field 'pmid': 'PMID 12345678' must be digits only",
    ),
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


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


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"- a list\n- not a mapping\n", "the file must hold a mapping"),
        (b"id: sore-neck\nname: \xff\xfe\n", "not valid UTF-8"),
        (b"a:" + b" [" * 60 + b"]" * 60 + b"\n", "nesting deeper than"),
        (b"x: " + b"a" * (600 * 1024) + b"\n", "the limit is"),
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

    from generator.model import KINDS

    schemas = ROOT / "generator" / "schemas"
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    for kind, folder in [*KINDS.items(), ("questionnaire", "")]:
        path = schemas / f"{kind}.schema.json"
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))
        glob = f"data/{folder}/*.yaml" if folder else "data/questionnaire.yaml"
        assert settings[f"./generator/schemas/{kind}.schema.json"] == glob
        files = list((ROOT / "data").glob(glob.removeprefix("data/")))
        assert files, glob
        for f in files:  # the modeline lets any YAML language server find the schema
            first = f.read_text().splitlines()[0]
            assert first.endswith(f"generator/schemas/{kind}.schema.json"), f
