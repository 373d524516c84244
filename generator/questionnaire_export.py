"""The questionnaire for machines: the page's JSON and a FHIR R4 Questionnaire resource."""

from __future__ import annotations

from typing import Any

from .model import KINDS, KnowledgeBase, plain_text
from .questionnaire import levels


def page_data(kb: KnowledgeBase) -> dict[str, Any]:
    """Everything the JavaScript evaluator and form need, from the same data as Python's.

    Links are relative to the questionnaire page, /questionnaire/.
    """
    assert kb.questionnaire is not None
    q = kb.questionnaire.data
    table = levels(kb)
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
                "why": plain_text(c["why"]),
            }
            for c in kb.of("contraindication")
        },
        "outcomes": {k: plain_text(v) for k, v in q["outcomes"].items()},
    }


def fhir(kb: KnowledgeBase) -> dict[str, Any]:
    """A FHIR R4 Questionnaire; "not sure" enables follow-ups as "yes" does."""
    assert kb.questionnaire is not None
    q = kb.questionnaire.data
    options = [{"valueCoding": {"code": a["code"], "display": a["label"]}} for a in q["answers"]]
    labels = {a["code"]: a["label"] for a in q["answers"]}
    items = []
    for item in q["questions"]:
        entry: dict[str, Any] = {
            "linkId": item["id"],
            "text": plain_text(item["text"]),
            "type": "choice",
            "required": True,
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
            entry["enableWhen"] = [
                {
                    "question": when["question"],
                    "operator": "=",
                    "answerCoding": {"code": c, "display": labels[c]},
                }
                for c in codes
            ]
            entry["enableBehavior"] = "any"
        items.append(entry)
    return {
        "resourceType": "Questionnaire",
        "id": q["id"],
        "version": q["version"],
        "name": "".join(w.capitalize() for w in q["id"].split("-")),
        "title": plain_text(q["title"]),
        "status": "draft",
        "date": q["date"],
        "description": plain_text(q["intro"]),
        "item": items,
    }
