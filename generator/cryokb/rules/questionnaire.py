"""The eligibility questionnaire: its data rules and the reference evaluator.

The JavaScript evaluator in `overrides/` implements the same rules; tests prove they agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cryokb.read.model import Entity, KnowledgeBase, as_list
from cryokb.read.problems import Problem

# Outcome levels, best to worst; a result never moves left when an answer gets worse.
LEVELS = ("none-found", "take-care", "incomplete", "ask-first", "do-not-use")
RANK = {level: i for i, level in enumerate(LEVELS)}
NO_REASON = "no-known-reason"  # a contraindication that does not bear on a treatment
FLAGGING = {"yes", "not-sure"}
FORBIDDEN = re.compile(r"\b(safe|safely|safety|cleared|eligible|eligibility)\b", re.IGNORECASE)


def questionnaire_problems(q: Entity, kb: KnowledgeBase) -> Iterator[Problem]:
    """Rules JSON Schema cannot say: order of follow-ups, coverage of contraindications."""
    questions = as_list(q.get("questions"))
    earlier: set[str] = set()
    raised: set[str] = set()
    all_ids = {
        x.get("id") for x in questions if isinstance(x, dict) and isinstance(x.get("id"), str)
    }
    for i, item in enumerate(questions):
        if not isinstance(item, dict):
            continue
        when = item.get("enable_when")
        if isinstance(when, dict) and isinstance(when.get("question"), str):
            target = when["question"]
            at = ("questions", i, "enable_when", "question")
            if target not in all_ids:
                yield q.doc.problem(
                    at, f"questions[{i}].enable_when.question: unknown question '{target}'"
                )
            elif target not in earlier:
                yield q.doc.problem(
                    at,
                    f"questions[{i}].enable_when.question: '{target}' must "
                    "come before this follow-up (forward reference or cycle)",
                )
        if isinstance(item.get("id"), str):
            earlier.add(item["id"])
        raised.update(r for r in as_list(item.get("raises")) if isinstance(r, str))
    outcomes = q.get("outcomes") if isinstance(q.get("outcomes"), dict) else {}
    for level, text in sorted(outcomes.items()):
        if isinstance(text, str) and FORBIDDEN.search(text):
            yield q.doc.problem(
                ("outcomes", level),
                f"outcomes.{level}: a result must never say 'safe', 'cleared' or 'eligible'",
            )
    none_found = outcomes.get("none-found")
    if isinstance(none_found, str) and "not medical advice" not in none_found.lower():
        yield q.doc.problem(
            ("outcomes", "none-found"),
            "outcomes.none-found: must say that it is not medical advice",
        )
    for cid in sorted(set(kb.entities["contraindication"]) - raised):
        yield q.doc.problem(
            ("questions",), f"questions: no question raises contraindication '{cid}'", key=True
        )


class Flag(NamedTuple):
    """One contraindication raised by one answer."""

    contraindication: str
    question: str
    answer: str
    level: str

    @property
    def unconfirmed(self) -> bool:
        return self.answer == "not-sure"


@dataclass
class Result:
    """The outcome for one modality and the flags that explain it."""

    modality: str
    level: str
    flags: list[Flag] = field(default_factory=list)


def levels(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """modality -> contraindication -> level, taken from the modality data.

    A contraindication a modality does not grade counts as "do not use" for it (rule 5).
    """
    table: dict[str, dict[str, str]] = {}
    for modality in kb.of("modality"):
        given = {c["id"]: c["level"] for c in modality["contraindications"]}
        table[modality.id] = {
            c: given.get(c, "do-not-use") for c in kb.entities["contraindication"]
        }
    return table


def enabled(questions: list[dict[str, Any]], answers: Mapping[str, str]) -> list[dict[str, Any]]:
    """The questions shown for these answers, in any order of the data.

    A follow-up is shown when its parent is shown and answered as its `enable_when` says;
    "not sure" counts as "yes" here too, so a doubt never hides a follow-up.
    """
    by_id = {q["id"]: q for q in questions}

    def shown(qid: str, depth: int) -> bool:
        when = by_id[qid].get("enable_when")
        if when is None:
            return True
        parent = when["question"]
        if parent not in by_id or depth > len(by_id):
            return False
        accepted = {when["answer"]} | ({"not-sure"} if when["answer"] == "yes" else set())
        return answers.get(parent) in accepted and shown(parent, depth + 1)

    return [q for q in questions if shown(q["id"], 0)]


def _level(table: Mapping[str, Mapping[str, str]], modality: str, contraindication: str) -> str:
    """The cell's level; a missing or unknown cell counts as "do not use" (rule 5)."""
    given = table.get(modality, {}).get(contraindication, "")
    return given if given in LEVELS or given == NO_REASON else "do-not-use"


def evaluate(
    questionnaire: Mapping[str, Any],
    table: Mapping[str, Mapping[str, str]],
    answers: Mapping[str, str],
) -> dict[str, Result]:
    """Outcome per modality. Answers to hidden questions are ignored."""
    asked = enabled(questionnaire["questions"], answers)
    complete = all(answers.get(q["id"]) in ("yes", "no", "not-sure") for q in asked)
    results: dict[str, Result] = {}
    for modality in questionnaire["modalities"]:
        flags = []
        for q in asked:
            answer = answers.get(q["id"])
            if answer not in FLAGGING:
                continue
            for c in q["raises"]:
                level = _level(table, modality, c)
                if level != NO_REASON:
                    flags.append(Flag(c, q["id"], answer, level))
        # an unanswered question keeps the result at "incomplete" at least: never milder
        floor = RANK["none-found"] if complete else RANK["incomplete"]
        level = LEVELS[max([floor, *(RANK[f.level] for f in flags)])]
        results[modality] = Result(
            modality,
            level,
            sorted(flags, key=lambda f: (-LEVELS.index(f.level), f.contraindication, f.question)),
        )
    return results
