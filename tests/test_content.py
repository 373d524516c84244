"""Patient text stays plain: short sentences in the fields patients read first."""

from __future__ import annotations

import re
from pathlib import Path

from cryokb.rules.check import check_dir

ROOT = Path(__file__).resolve().parent.parent
PATIENT_FIELDS = ("summary", "what_to_do", "get_help", "why")
PATIENT_KINDS = ("condition", "modality", "protocol", "contraindication", "side-effect")


def _sentences() -> list[tuple[str, str]]:
    kb, _ = check_dir(ROOT / "data")
    out = []
    for e in kb.all():
        if e.kind not in PATIENT_KINDS:
            continue
        for field in PATIENT_FIELDS:
            text = e.get(field)
            if isinstance(text, str):
                out += [(f"{e.id}.{field}", s) for s in re.split(r"(?<=[.!?])\s+", text.strip())]
    return out


def test_patient_sentences_are_short() -> None:
    """NHS-style plain English for a reading age of 9 to 11: about 15 words a sentence."""
    sentences = _sentences()
    assert len(sentences) > 80
    long = [(where, s) for where, s in sentences if len(s.split()) > 25]
    assert long == []
    mean = sum(len(s.split()) for _, s in sentences) / len(sentences)
    assert mean <= 17, mean


def test_patient_text_avoids_unexplained_jargon() -> None:
    jargon = re.compile(
        r"\b(vasoconstriction|contraindicat\w*|analgesi\w*|cryoglobulin\w*|"
        r"intramuscular|edema|oedema|metabolic)\b",
        re.IGNORECASE,
    )
    assert [(w, s) for w, s in _sentences() if jargon.search(s)] == []


def test_hand_written_pages_state_no_evidence_claim() -> None:
    """content/*.md takes what the evidence shows from the data, through markers (issue #20)."""
    from cryokb.rules import claims

    kb, _ = check_dir(ROOT / "data")
    found = list(claims.problems(ROOT / "content", set(kb.entities["condition"])))
    assert [str(p) for p in found] == []
    pages = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "content").glob("*.md")}
    assert "<!-- cryokb: what-we-know neck-pain back-pain -->" in pages["index.md"]
    assert "<!-- cryokb: article-claims -->" in pages["source-article.md"]


# Fields that hold the source article's own claims, or say where a source's words are.
CLAIM_FIELDS = {"article_claim", "article_claims", "claim", "detail", "ref"}
CITED = re.compile(r"\[@([\w:-]+)\]")


def _texts(x: object, key: str = "") -> list[tuple[str, str]]:
    """Every string in an entity with the field it sits in, leaving out CLAIM_FIELDS."""
    if key in CLAIM_FIELDS:
        return []
    if isinstance(x, dict):
        return [t for k, v in x.items() for t in _texts(v, str(k))]
    if isinstance(x, list):
        return [t for v in x for t in _texts(v, key)]
    return [(key, x)] if isinstance(x, str) else []


def test_what_only_the_source_article_gives_is_shown_as_its_claim() -> None:
    """Issue 20: advice or fact with only the popular article (or a home-care page) behind it
    says that the article says it, so it never reads as a clinical fact."""
    kb, _ = check_dir(ROOT / "data")
    bare = []
    for e in kb.all():
        if e.kind not in PATIENT_KINDS:
            continue
        for field, text in _texts(e.data):
            for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
                keys = set(CITED.findall(sentence))
                popular = keys and all(
                    k in kb.references and kb.references[k].popular for k in keys
                )
                if popular and "seed-article" in keys and "article" not in CITED.sub("", sentence):
                    bare.append((e.id, field, sentence))
    assert bare == []
