"""GRADE as data: the certainty follows from the start and the domains, every downgrade gives
its reason, and the pages show the steps; each broken edit is named by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from cryokb.read import grade
from cryokb.rules.check import check_dir
from tests.conftest import ROOT

STUDY = Path("studies") / "trial2020.yaml"


def _edit(data: Path, old: str, new: str) -> None:
    path = data / STUDY
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(data: Path) -> list[str]:
    _, problems = check_dir(data)
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in problems if p.is_error]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "        rating: very-serious",
            "        rating: serious",
            "trial2020.yaml:17: findings[0].certainty: 'low' does not follow from the grade "
            "(start high, imprecision \u22121 = moderate)",
            id="certainty-does-not-follow",
        ),
        pytest.param(
            "        reason: 'Ten people.'\n",
            "",
            "trial2020.yaml:23: findings[0].grade.imprecision: a very-serious downgrade needs "
            "its 'reason' in words",
            id="downgrade-without-reason",
        ),
        pytest.param(
            "        reason: 'Ten people.'",
            "        reason: ' '",
            "trial2020.yaml:23: findings[0].grade.imprecision: a very-serious downgrade needs "
            "its 'reason' in words",
            id="blank-reason",
        ),
        pytest.param(
            "design: Randomised trial",
            "design: Controlled study with two groups",
            "trial2020.yaml:18: findings[0].grade: give 'start' (high for randomised trials, "
            "low for observational studies)",
            id="unclear-design-needs-a-start",
        ),
        pytest.param(
            "    grade:\n",
            "    grade:\n      start: low\n",
            "trial2020.yaml:17: findings[0].certainty: 'low' does not follow from the grade "
            "(start low, imprecision \u22122 = very low)",
            id="start-low-clamps-to-very-low",
        ),
        pytest.param(
            "      publication_bias: no-concern\n",
            "      publication_bias: no-concern\n      rate_up:\n"
            "        - {factor: large-effect, reason: A big drop.}\n",
            "(start high, imprecision \u22122, large effect +1 = moderate)",
            id="rate-up-counts",
        ),
        pytest.param(
            "      publication_bias: no-concern\n",
            "",
            "trial2020.yaml:18: findings[0].grade: no judgement for publication_bias",
            id="a-domain-left-out",
        ),
        pytest.param(
            "    grade:\n",
            "    grade:\n      not_graded: Could not be read.\n",
            "trial2020.yaml:18: findings[0].grade: 'not_graded' goes alone, with certainty "
            "'not-verified'",
            id="not-graded-with-a-certainty",
        ),
        pytest.param(
            "    grade:\n",
            "    grade:\n      adopted: The source's own grade.\n",
            "trial2020.yaml:19: findings[0].grade.adopted: an adopted grade needs the source's "
            "own in 'source_grade'",
            id="adopted-needs-the-source-grade",
        ),
        pytest.param(
            "      risk_of_bias: no-concern",
            "      risk_of_bias: {rating: moderate, reason: x}",
            "trial2020.yaml:19: findings[0].grade.risk_of_bias",
            id="unknown-rating-is-a-schema-error",
        ),
        pytest.param(
            '  assessed: "no"\n',
            '  assessed: "yes"\n',
            "trial2020.yaml:28: published_assessment: missing required field 'tool'",
            id="a-published-assessment-needs-its-tool-result-and-sources",
        ),
        pytest.param(
            "  note: Not assessed.\n",
            "  note: Not assessed.\n  result: 7 out of 10\n",
            "trial2020.yaml:30: published_assessment.result: an assessment that was not found "
            "has no result",
            id="no-score-without-an-assessment",
        ),
    ],
)
def test_a_broken_grade_is_named_by_file_line_and_field(
    data: Path, old: str, new: str, expected: str
) -> None:
    assert _errors(data) == []
    _edit(data, old, new)
    found = _errors(data)
    assert any(expected in f for f in found), found


def test_a_consistent_regrade_passes(data: Path) -> None:
    """Not a rule that refuses everything: lower the certainty and add its reason, and it passes."""
    _edit(data, "certainty: low", "certainty: very-low")
    _edit(
        data, "plain: The chamber may reduce soreness.", "plain: We are uncertain whether it helps."
    )
    _edit(
        data,
        "      risk_of_bias: no-concern",
        "      risk_of_bias: {rating: serious, reason: Open.}",
    )
    assert _errors(data) == []


@pytest.mark.parametrize(
    ("design", "start"),
    [
        ("Randomised trial", "high"),
        ("Double-blind randomised trial", "high"),
        ("Randomised crossover trial", "high"),
        ("Cochrane systematic review of randomised trials", "high"),
        ("Uncontrolled single-group pilot study (pain measured before and after)", "low"),
        ("Historically controlled study (compared with earlier patients)", "low"),
        ("Non-randomised controlled study", "low"),
        ("Cochrane systematic review of randomised and other controlled trials", None),
        ("Controlled study with two groups", None),
        ("Narrative review of controlled trials", None),
    ],
)
def test_only_a_clear_design_gives_the_start(design: str, start: str | None) -> None:
    assert grade.design_start(design) == start


def test_every_real_finding_is_graded_with_its_reasons() -> None:
    """The migration kept every downgrade's words: no empty reason, and the checker agrees."""
    kb, problems = check_dir(ROOT / "data")
    assert [str(p) for p in problems if p.is_error] == []
    findings = [(s, f) for s in kb.of("study") for f in s["findings"]]
    assert len(findings) >= 25
    for study, f in findings:
        if "not_graded" in f["grade"]:
            assert f["certainty"] == "not-verified"
            continue
        assert set(grade.DOMAINS) <= set(f["grade"])
        for j in grade.judgements(f["grade"]):
            assert j.reason or not j.steps, (study.id, j)
        if "adopted" not in f["grade"]:
            assert grade.derived(study.data, f["grade"]) == f["certainty"], study.id


def test_an_adopted_grade_says_its_domains_were_not_read() -> None:
    """A grade taken from the source shows 'Not read' for the domains it could not read, not
    'Not downgraded' (which would claim a judgement nobody made); a downgrade still shows."""
    study = {"design": "Cochrane systematic review of randomised trials"}
    domains = {d: {"rating": "no-concern", "reason": "Not read."} for d in grade.DOMAINS}
    ours = {judged for _, judged, _ in grade.table(study, domains)[1:]}
    assert ours == {"Not downgraded"}
    adopted = {**domains, "adopted": "The review's own grade."}
    adopted["imprecision"] = {"rating": "serious", "reason": "20 people."}
    theirs = {what: judged for what, judged, _ in grade.table(study, adopted)[1:]}
    assert theirs.pop("Imprecision") == "Serious (\u22121)"
    assert set(theirs.values()) == {"Not read"}


def test_the_real_adopted_grade_is_not_shown_as_five_clean_domains() -> None:
    kb, _ = check_dir(ROOT / "data")
    from cryokb.render import evidence_fhir

    adopted = [
        (s, n, f)
        for s in kb.of("study")
        for n, f in enumerate(s["findings"], 1)
        if "adopted" in f["grade"]
    ]
    assert adopted, "the real data has a grade taken from its source"
    for s, n, f in adopted:
        rows = grade.table(s.data, f["grade"])
        assert "Not downgraded" not in {judged for _, judged, _ in rows}
        certainty = evidence_fhir.evidence(kb, s.id, n, "https://x.test/", "v")["certainty"][0]
        assert "subcomponent" not in certainty  # FHIR claims no domain judgement either
        assert certainty["rating"]["coding"][0]["code"] == f["certainty"]


def test_what_size_matters_shows_beside_the_effect_as_the_source_gives_it(data: Path) -> None:
    """A source's yardstick (here a planned difference) is shown on the card right after the
    effect, and carried in the FHIR statistic's notes; a finding without one shows none."""
    from cryokb.render import evidence_fhir
    from cryokb.render.pages import render

    kb, _ = check_dir(data)
    before = render(kb)["studies/trial2020.md"].content
    assert "planned to find" not in before and "as the source gives it" not in before
    _edit(
        data,
        "words: a small drop}",
        "words: a small drop, importance: {kind: planned-difference, words: 'the trial had "
        "enough people to find a difference of 2 points'}}",
    )
    kb, problems = check_dir(data)
    assert [p for p in problems if p.is_error] == []
    card = render(kb)["studies/trial2020.md"].content
    effect_at = card.index("**Size of the effect:**")
    said_at = card.index("**The difference the trial was planned to find:** the trial had enough")
    assert effect_at < said_at < card.index("**Outcome:**")
    statistic = evidence_fhir.evidence(kb, "trial2020", 1, "https://x.test/", "v")["statistic"][0]
    notes = [n["text"] for n in statistic["note"]]
    assert (
        "The difference the trial was planned to find: the trial had enough people to find a "
        "difference of 2 points" in notes
    )


def test_real_yardsticks_come_from_their_sources() -> None:
    """The two the data records: the review's rule of thumb for sizes (its summary-of-findings
    table) and the trial's planned 15 mm difference (its abstract on PubMed)."""
    kb, _ = check_dir(ROOT / "data")
    said = {
        (s.id, f["effect"]["importance"]["kind"])
        for s in kb.of("study")
        for f in s["findings"]
        if "importance" in f.get("effect", {})
    }
    assert said == {
        ("costello2015cochrane", "size-rule"),
        ("garra2010heatcold", "planned-difference"),
    }
