"""The questionnaire for machines: the page's JSON and a FHIR R4 Questionnaire resource."""

from __future__ import annotations

from typing import Any

from cryokb.read.model import CITE, KINDS, KnowledgeBase, plain_text
from cryokb.render.links import homes, served
from cryokb.rules.questionnaire import NO_REASON, levels


def segments(text: str, numbers: dict[str, int], home: dict[str, str]) -> list[dict[str, Any]]:
    """Text with its [@key] citations kept as numbered links (relative to /questionnaire/)."""
    out: list[dict[str, Any]] = []
    last = 0
    for m in CITE.finditer(text):
        if before := " ".join(text[last : m.start()].split()):
            out.append({"text": before + " "})
        key = m.group(1)
        out.append({"cite": numbers[key], "url": "../" + served(home[key])})
        last = m.end()
    if rest := " ".join(text[last:].split()):
        out.append({"text": (" " if out else "") + rest})
    return out


def page_data(kb: KnowledgeBase) -> dict[str, Any]:
    """Everything the JavaScript evaluator and form need, from the same data as Python's.

    Links are relative to the questionnaire page, /questionnaire/.
    """
    assert kb.questionnaire is not None
    q = kb.questionnaire.data
    table = levels(kb)
    numbers, home = kb.numbers(), homes(kb)
    questions = []
    for item in q["questions"]:
        out = {k: item[k] for k in ("id", "raises", "enable_when") if k in item}
        out["text"] = plain_text(item["text"])
        if "help" in item:
            out["help"] = plain_text(item["help"])
        questions.append(out)
    return {
        "id": q["id"],
        "version": q["version"],
        "date": q["date"],
        "title": plain_text(q["title"]),
        "answers": q["answers"],
        "questions": questions,
        "modalities": [
            {
                "id": m,
                "name": plain_text(kb.get("modality", m)["name"]),
                "url": f"../{KINDS['modality']}/{m}/",
                "limits": [plain_text(x) for x in kb.get("modality", m).get("limits", [])],
            }
            for m in q["modalities"]
        ],
        "levels": {m: table[m] for m in q["modalities"]},
        "contraindications": {
            c.id: {
                "name": plain_text(c["name"]),
                "url": f"../{KINDS['contraindication']}/{c.id}/",
                "why": segments(c["why"], numbers, home),
            }
            for c in kb.of("contraindication")
        },
        "outcomes": {k: plain_text(v) for k, v in q["outcomes"].items()},
    }


ANSWER_SYSTEM = "urn:cryokb:questionnaire-answer"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"


def _radio() -> dict[str, Any]:
    coding = {"system": "http://hl7.org/fhir/questionnaire-item-control", "code": "radio-button"}
    return {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [coding]}}


def _answered(question: str, codes: list[str], labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "question": question,
            "operator": "=",
            "answerCoding": {"system": ANSWER_SYSTEM, "code": c, "display": labels[c]},
        }
        for c in codes
    ]


def _outcomes(kb: KnowledgeBase, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Display items, one per treatment and level, shown by enableWhen as the answers warrant.

    "Not sure" enables an item as "yes" does; the "none found" item needs every core question
    answered, and "no" to each that bears on the treatment. FHIR cannot say "the worst only": a
    stricter item may show beside a milder one.
    """
    assert kb.questionnaire is not None
    q = kb.questionnaire.data
    table = levels(kb)
    core = [item["id"] for item in q["questions"] if "enable_when" not in item]
    out = []
    for mid in q["modalities"]:
        name = plain_text(kb.get("modality", mid)["name"])
        for level in ("do-not-use", "ask-first", "take-care"):
            asked = [
                item["id"]
                for item in q["questions"]
                if any(table[mid].get(c) == level for c in item["raises"])
            ]
            if not asked:
                continue
            when = [w for qid in asked for w in _answered(qid, ["yes", "not-sure"], labels)]
            out.append(
                {
                    "linkId": f"result-{mid}-{level}",
                    "text": f"{name}: {plain_text(q['outcomes'][level])}",
                    "type": "display",
                    "enableWhen": when,
                    "enableBehavior": "any",
                }
            )
        out.append(
            {
                "linkId": f"result-{mid}-none-found",
                "text": f"{name}: {plain_text(q['outcomes']['none-found'])}",
                "type": "display",
                "enableWhen": [
                    w
                    for item in q["questions"]
                    if item["id"] in core
                    for w in (
                        _answered(item["id"], ["no"], labels)
                        if any(table[mid].get(c) != NO_REASON for c in item["raises"])
                        else [{"question": item["id"], "operator": "exists", "answerBoolean": True}]
                    )
                ],
                "enableBehavior": "all",
            }
        )
    return out


def fhir(kb: KnowledgeBase, base_url: str = "") -> dict[str, Any]:
    """A FHIR R4 Questionnaire with its results as display items; "not sure" counts as "yes"."""
    assert kb.questionnaire is not None
    q = kb.questionnaire.data
    labels = {a["code"]: a["label"] for a in q["answers"]}
    options = [
        {"valueCoding": {"system": ANSWER_SYSTEM, "code": a["code"], "display": a["label"]}}
        for a in q["answers"]
    ]
    items: list[dict[str, Any]] = [
        {
            "linkId": "introduction",
            "text": plain_text(q["intro"]),
            "type": "display",
        }
    ]
    for item in q["questions"]:
        entry: dict[str, Any] = {
            "linkId": item["id"],
            "text": plain_text(item["text"]),
            "type": "choice",
            "required": True,
            "extension": [_radio()],
            "answerOption": options,
        }
        if "help" in item:
            entry["item"] = [
                {
                    "linkId": f"{item['id']}-help",
                    "text": plain_text(item["help"]),
                    "type": "display",
                }
            ]
        when = item.get("enable_when")
        if when:
            codes = [when["answer"]] + (["not-sure"] if when["answer"] == "yes" else [])
            entry["enableWhen"] = _answered(when["question"], codes, labels)
            entry["enableBehavior"] = "any"
        items.append(entry)
    items.append(
        {
            "linkId": "results",
            "text": "What your answers mean for each cold treatment (not medical advice)",
            "type": "group",
            "item": _outcomes(kb, labels),
        }
    )
    return {
        "resourceType": "Questionnaire",
        "id": q["id"],
        "url": f"{base_url}questionnaire/questionnaire.fhir.json"
        if base_url
        else f"urn:cryokb:questionnaire:{q['id']}",
        "version": q["version"],
        "name": "".join(w.capitalize() for w in q["id"].split("-")),
        "title": plain_text(q["title"]),
        "status": "draft",
        "date": q["date"],
        "description": plain_text(q["intro"]),
        "item": items,
    }
