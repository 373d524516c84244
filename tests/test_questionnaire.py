"""The screening rules (shared/research/questionnaire.md) as properties of the evaluator."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cryokb.render.questionnaire_export import fhir, page_data
from cryokb.rules.check import check_dir
from cryokb.rules.questionnaire import LEVELS, NO_REASON, enabled, evaluate
from cryokb.rules.questionnaire import levels as cell_levels

ROOT = Path(__file__).resolve().parent.parent
KB, _PROBLEMS = check_dir(ROOT / "data")
assert KB.questionnaire is not None
Q: dict[str, Any] = KB.questionnaire.data
TABLE = cell_levels(KB)
IDS = [q["id"] for q in Q["questions"]]
CODES = ["no", "not-sure", "yes"]  # from best to worst
RANK = {level: i for i, level in enumerate(LEVELS)}

answers_st = st.fixed_dictionaries({}, optional={i: st.sampled_from(CODES) for i in IDS})
complete_st = st.fixed_dictionaries({i: st.sampled_from(CODES) for i in IDS})
CELL_LEVELS = ["do-not-use", "ask-first", "take-care", NO_REASON]
# level tables with every level and with gaps, to exercise rules the real data does not
tables_st = st.fixed_dictionaries(
    {
        m: st.dictionaries(
            st.sampled_from(sorted(KB.entities["contraindication"])), st.sampled_from(CELL_LEVELS)
        )
        for m in Q["modalities"]
    }
)


def levels(answers: dict[str, str], table: Any = TABLE, q: dict[str, Any] = Q) -> dict[str, str]:
    return {m: r.level for m, r in evaluate(q, table, answers).items()}


def test_real_data_is_valid() -> None:
    assert [p for p in _PROBLEMS if p.is_error] == []


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
        worst = max((RANK[f.level] for f in result.flags), default=-1)
        if worst >= 0:
            assert RANK[result.level] >= worst
            assert result.level == LEVELS[worst] or result.level == "incomplete"


@given(answers_st, tables_st)
def test_no_reason_found_needs_every_relevant_question_answered_no(
    answers: dict[str, str], table: Any
) -> None:
    """A green result needs every shown question answered, and "no" wherever it matters."""
    shown = enabled(Q["questions"], answers)
    complete = all(answers.get(q["id"]) in CODES for q in shown)
    for m, level in levels(answers, table).items():
        relevant = [
            q for q in shown if any(table[m].get(c, "do-not-use") != NO_REASON for c in q["raises"])
        ]
        all_no = complete and all(answers.get(q["id"]) == "no" for q in relevant)
        assert (level == "none-found") == all_no, (m, level)


def test_unanswered_is_incomplete_never_green() -> None:
    assert set(levels({}).values()) == {"incomplete"}
    all_no = {i: "no" for i in IDS}
    del all_no["diabetes"]
    assert set(levels(all_no).values()) == {"incomplete"}


@given(complete_st)
def test_missing_level_counts_as_do_not_use(answers: dict[str, str]) -> None:
    empty: dict[str, dict[str, str]] = {m: {} for m in Q["modalities"]}
    for result in evaluate(Q, empty, answers).values():
        assert result.level in ("do-not-use", "none-found")
        assert all(f.level == "do-not-use" for f in result.flags)


@given(complete_st, tables_st)
def test_not_sure_never_clears_anyone(answers: dict[str, str], table: Any) -> None:
    """Any "not sure" on a question that bears on a treatment gives no green result for it."""
    for m, result in evaluate(Q, table, answers).items():
        doubtful = [
            q
            for q in enabled(Q["questions"], answers)
            if answers.get(q["id"]) == "not-sure"
            and any(table[m].get(c, "do-not-use") != NO_REASON for c in q["raises"])
        ]
        if doubtful:
            assert result.level != "none-found" and any(f.unconfirmed for f in result.flags)


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
        if base.level in ("ask-first", "do-not-use", "take-care"):
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
        if result.level in ("ask-first", "do-not-use", "take-care"):
            assert result.flags
        for f in result.flags:
            info = data["contraindications"][f.contraindication]
            assert info["url"] == f"../contraindications/{f.contraindication}/"
            assert info["why"] and answers[f.question] in ("yes", "not-sure")
            text = "".join(part.get("text", "") for part in info["why"])
            assert "[@" not in text and "explains this )" not in text


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
    assert raised == set(KB.entities["contraindication"]) and len(raised) >= 14


def test_levels_come_from_the_modality_data_with_a_source_per_cell() -> None:
    for m in KB.of("modality"):
        cells = {c["id"]: c for c in m["contraindications"]}
        assert set(cells) == set(KB.entities["contraindication"]), m.id
        for cid, c in cells.items():
            assert TABLE[m.id][cid] == c["level"] and c["sources"], (m.id, cid)


def test_local_and_whole_body_cold_differ() -> None:
    """The table is not blanket: a chamber and an ice pack get different advice somewhere."""
    assert TABLE["whole-body-cryotherapy"]["high-blood-pressure"] == "do-not-use"
    assert TABLE["ice-pack"]["high-blood-pressure"] != "do-not-use"
    bp = {"high-blood-pressure"}
    answers = {q["id"]: ("yes" if set(q["raises"]) == bp else "no") for q in Q["questions"]}
    result = levels(answers)
    assert result["whole-body-cryotherapy"] == "do-not-use" != result["ice-pack"]


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
    questions = [i["linkId"] for i in resource["item"] if i["type"] == "choice"]
    assert questions == IDS
    assert resource["url"] and resource["version"] == Q["version"]
    assert resource["item"][0]["type"] == "display"  # the introduction and disclaimer
    for i in items:
        for option in i.get("answerOption", []):
            assert option["valueCoding"]["system"]


def test_fhir_outcomes_follow_the_level_table() -> None:
    """Each treatment has a result item per level it uses, enabled by exactly those questions."""
    resource = fhir(KB)
    results = next(i for i in resource["item"] if i["linkId"] == "results")["item"]
    by_id = {r["linkId"]: r for r in results}
    for m in Q["modalities"]:
        assert f"result-{m}-none-found" in by_id
        for level in ("do-not-use", "ask-first", "take-care"):
            expected = {
                q["id"] for q in Q["questions"] if any(TABLE[m][c] == level for c in q["raises"])
            }
            item = by_id.get(f"result-{m}-{level}")
            got = {w["question"] for w in item["enableWhen"]} if item else set()
            assert got == expected, (m, level)
            if item:
                assert {w["answerCoding"]["code"] for w in item["enableWhen"]} == {
                    "yes",
                    "not-sure",
                }
