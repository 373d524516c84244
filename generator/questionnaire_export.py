"""The questionnaire for machines: the page's JSON and a FHIR R4 Questionnaire resource."""

from __future__ import annotations

from typing import Any

from .model import CITE, KINDS, KnowledgeBase
from .questionnaire import severities


def _plain(text: str) -> str:
    """Data text for `textContent`: citation markers removed, whitespace collapsed."""
    return " ".join(CITE.sub("", text).split())


def page_data(kb: KnowledgeBase) -> dict[str, Any]:
    """Everything the JavaScript evaluator and form need, from the same data as Python's.

    Links are relative to the questionnaire page, /questionnaire/.
    """
    assert kb.questionnaire is not None
    q = kb.questionnaire.data
    table = severities(kb)
    questions = []
    for item in q["questions"]:
        out = {k: item[k] for k in ("id", "raises", "enable_when") if k in item}
        out["text"] = _plain(item["text"])
        if "help" in item:
            out["help"] = _plain(item["help"])
        questions.append(out)
    return {
        "id": q["id"],
        "version": q["version"],
        "date": q["date"],
        "title": _plain(q["title"]),
        "answers": q["answers"],
        "questions": questions,
        "modalities": [
            {
                "id": m,
                "name": _plain(kb.get("modality", m)["name"]),
                "url": f"../{KINDS['modality']}/{m}/",
                "limits": [_plain(x) for x in kb.get("modality", m).get("limits", [])],
            }
            for m in q["modalities"]
        ],
        "severities": {m: table[m] for m in q["modalities"]},
        "contraindications": {
            c.id: {
                "name": _plain(c["name"]),
                "url": f"../{KINDS['contraindication']}/{c.id}/",
                "why": _plain(c["why"]),
            }
            for c in kb.of("contraindication")
        },
        "outcomes": {k: _plain(v) for k, v in q["outcomes"].items()},
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
            "text": _plain(item["text"]),
            "type": "choice",
            "required": True,
            "answerOption": options,
        }
        if "help" in item:
            entry["item"] = [
                {"linkId": f"{item['id']}-help", "text": _plain(item["help"]), "type": "display"}
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
        "title": _plain(q["title"]),
        "status": "draft",
        "date": q["date"],
        "description": _plain(q["intro"]),
        "item": items,
    }
