"""The screening rules (shared/research/questionnaire.md) as properties of the evaluator."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from generator.check import check_dir
from generator.questionnaire import LEVELS, enabled, evaluate, severities
from generator.questionnaire_export import fhir, page_data

ROOT = Path(__file__).resolve().parent.parent
KB, _PROBLEMS = check_dir(ROOT / "data")
assert KB.questionnaire is not None
Q: dict[str, Any] = KB.questionnaire.data
TABLE = severities(KB)
IDS = [q["id"] for q in Q["questions"]]
CODES = ["no", "not-sure", "yes"]  # from best to worst
RANK = {level: i for i, level in enumerate(LEVELS)}

answers_st = st.fixed_dictionaries({}, optional={i: st.sampled_from(CODES) for i in IDS})
complete_st = st.fixed_dictionaries({i: st.sampled_from(CODES) for i in IDS})
# severity tables with relative grades and gaps, to exercise rules the real data does not
tables_st = st.fixed_dictionaries(
    {
        m: st.dictionaries(
            st.sampled_from(sorted(KB.entities["contraindication"])),
            st.sampled_from(["absolute", "relative"]),
        )
        for m in Q["modalities"]
    }
)


def levels(answers: dict[str, str], table: Any = TABLE, q: dict[str, Any] = Q) -> dict[str, str]:
    return {m: r.level for m, r in evaluate(q, table, answers).items()}


def test_real_data_is_valid() -> None:
    assert _PROBLEMS == []


@given(answers_st, tables_st)
def test_not_sure_counts_as_yes_and_is_marked_unconfirmed(
    answers: dict[str, str], table: Any
) -> None:
    as_yes = {k: ("yes" if v == "not-sure" else v) for k, v in answers.items()}
    assert levels(answers, table) == levels(as_yes, table)
    for result in evaluate(Q, table, answers).values():
        for flag in result.flags:
            assert flag.unconfirmed == (answers[flag.question] == "not-sure")


@given(answers_st, tables_st, st.sampled_from(IDS))
def test_monotonic_no_to_not_sure_to_yes(answers: dict[str, str], table: Any, qid: str) -> None:
    current = answers.get(qid)
    if current is None:
        return
    worse = dict(answers, **{qid: CODES[min(CODES.index(current) + 1, 2)]})
    before, after = levels(answers, table), levels(worse, table)
    for m in before:
        assert RANK[after[m]] >= RANK[before[m]], (m, before[m], after[m])


@given(answers_st, tables_st, st.randoms(use_true_random=False))
def test_worst_flag_wins_whatever_the_order(
    answers: dict[str, str], table: Any, rnd: random.Random
) -> None:
    shuffled = dict(
        Q,
        questions=rnd.sample(Q["questions"], len(Q["questions"])),
        modalities=rnd.sample(Q["modalities"], len(Q["modalities"])),
    )
    for q in shuffled["questions"]:
        q["raises"] = rnd.sample(q["raises"], len(q["raises"]))
    table2 = {m: dict(rnd.sample(sorted(t.items()), len(t))) for m, t in table.items()}
    assert levels(answers, table, Q) == levels(answers, table2, shuffled)
    for result in evaluate(Q, table, answers).values():
        worst = max((RANK[f.severity] for f in result.flags), default=-1)
        if worst >= 0:
            assert result.level == LEVELS[worst]


@given(answers_st, tables_st)
def test_no_reason_found_needs_every_shown_question_answered_no(
    answers: dict[str, str], table: Any
) -> None:
    shown = enabled(Q["questions"], answers)
    all_no = all(answers.get(q["id"]) == "no" for q in shown)
    for level in levels(answers, table).values():
        assert (level == "none-found") == all_no


def test_unanswered_is_incomplete_never_green() -> None:
    assert set(levels({}).values()) == {"incomplete"}
    all_no = {i: "no" for i in IDS}
    del all_no["diabetes"]
    assert set(levels(all_no).values()) == {"incomplete"}


@given(complete_st)
def test_missing_severity_counts_as_absolute(answers: dict[str, str]) -> None:
    empty: dict[str, dict[str, str]] = {m: {} for m in Q["modalities"]}
    for result in evaluate(Q, empty, answers).values():
        assert result.level in ("absolute", "none-found")
        assert all(f.severity == "absolute" for f in result.flags)


@given(answers_st, tables_st)
def test_follow_ups_only_add_flags_and_hidden_answers_are_dropped(
    answers: dict[str, str], table: Any
) -> None:
    followups = [q["id"] for q in Q["questions"] if "enable_when" in q]
    assert followups
    without = {k: v for k, v in answers.items() if k not in followups}
    for m, result in evaluate(Q, table, answers).items():
        base = evaluate(Q, table, without)[m]
        assert {(f.contraindication, f.question) for f in base.flags} <= {
            (f.contraindication, f.question) for f in result.flags
        }
        if base.level in ("relative", "absolute"):
            assert RANK[result.level] >= RANK[base.level]
    shown = {q["id"] for q in enabled(Q["questions"], answers)}
    visible = {k: v for k, v in answers.items() if k in shown}
    assert levels(answers, table) == levels(visible, table)


def test_follow_up_is_shown_for_yes_and_not_sure_only() -> None:
    child = next(q for q in Q["questions"] if "enable_when" in q)
    parent = child["enable_when"]["question"]
    for code, shown in [("yes", True), ("not-sure", True), ("no", False)]:
        assert (child in enabled(Q["questions"], {parent: code})) is shown


@given(complete_st)
def test_every_flag_is_explained_with_a_contraindication_page(answers: dict[str, str]) -> None:
    data = page_data(KB)
    for result in evaluate(Q, TABLE, answers).values():
        if result.level in ("relative", "absolute"):
            assert result.flags
        for f in result.flags:
            info = data["contraindications"][f.contraindication]
            assert info["url"] == f"../contraindications/{f.contraindication}/"
            assert info["why"] and answers[f.question] in ("yes", "not-sure")


def test_no_result_says_safe_cleared_or_eligible() -> None:
    forbidden = re.compile(r"\b(safe|cleared|eligible)\b", re.IGNORECASE)
    for level, text in Q["outcomes"].items():
        assert not forbidden.search(text), level
    assert "not medical advice" in Q["outcomes"]["none-found"].lower()
    for m in Q["modalities"]:
        assert KB.get("modality", m).get("limits"), m
    limits = " ".join(KB.get("modality", "whole-body-cryotherapy")["limits"])
    assert "4 minutes" in limits
    ice = " ".join(KB.get("modality", "ice-pack")["limits"])
    assert "20 minutes" in ice and "directly on bare skin" in ice


def test_every_contraindication_has_a_question() -> None:
    raised = {c for q in Q["questions"] for c in q["raises"]}
    assert raised == set(KB.entities["contraindication"]) and len(raised) == 11


def test_severity_comes_from_the_modality_data() -> None:
    for m in KB.of("modality"):
        for c in m["contraindications"]:
            assert TABLE[m.id][c["id"]] == c.get("severity", "absolute")


def test_fhir_export_is_a_valid_questionnaire() -> None:
    from fhir.resources.questionnaire import Questionnaire

    resource = fhir(KB)
    parsed = Questionnaire.model_validate(resource)
    assert parsed.status == "draft" and parsed.version == Q["version"]

    def walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [x for i in items for x in [i, *walk(i.get("item", []))]]

    items = walk(resource["item"])
    link_ids = [i["linkId"] for i in items]
    assert len(link_ids) == len(set(link_ids))
    seen: set[str] = set()
    for item in items:
        for when in item.get("enableWhen", []):
            assert when["question"] in seen, "enableWhen must point at an earlier item"
        seen.add(item["linkId"])
    assert {i["linkId"] for i in resource["item"]} == set(IDS)
