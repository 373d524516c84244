"""Synthetic data of any size for benchmarks: N studies, and the other kinds in proportion.

Every entity is written afresh (not copies of one file): studies with their own BibTeX record and
DOI and one to three findings each; about one condition per ten studies, one of them in a quarter
of the findings (as low back pain is in the literature); a protocol per condition
and treatment pair in use; a contraindication per hundred studies, at most 20, each with a cell
for every treatment and a question that raises it. `cryokb check` accepts the result (see
bench/run.py).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REVIEWED = {"date": "2026-11-01", "by": "Benchmark generator"}
CERTAINTY = [
    ("moderate", "probably eases"),
    ("low", "may ease"),
    ("very-low", "We are uncertain whether it eases"),
]
DIRECTIONS = ["benefit", "no-difference", "unclear"]
DOMAINS = ["pain", "soreness", "function", "recovery", "disease-activity"]


def _grade(certainty: str, people: int) -> dict[str, object]:
    """GRADE domains that give `certainty` from a randomised trial's start (high)."""
    steps = {"moderate": 1, "low": 2, "very-low": 3}[certainty]
    reason = f"One trial with {people} people."
    grade: dict[str, object] = dict.fromkeys(
        ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias"),
        "no-concern",
    )
    grade["imprecision"] = {"rating": "serious" if steps == 1 else "very-serious", "reason": reason}
    if steps == 3:
        grade["risk_of_bias"] = {"rating": "serious", "reason": "Not blinded."}
    return grade


def _dump(path: Path, kind: str, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    modeline = (
        f"# yaml-language-server: $schema=../../generator/cryokb/schemas/{kind}.schema.json\n"
    )
    path.write_text(modeline + yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def generate(target: Path, studies: int, seed: int = 1) -> Path:
    """Write a data folder with `studies` synthetic studies beside the real data; return it."""
    rnd = random.Random(seed)
    shutil.copytree(ROOT / "data", target)
    modalities = sorted(p.stem for p in (target / "modalities").glob("*.yaml"))
    conditions = [f"synthetic-condition-{i}" for i in range(max(1, studies // 10))]
    # Reasons not to use cold are a short clinical list, not one that grows with the literature:
    # one per hundred studies, at most 20 (34 with the real ones); each adds a question.
    contraindications = [f"synthetic-reason-{i}" for i in range(min(20, max(1, studies // 100)))]
    bib = []
    for c in conditions:
        _dump(
            target / "conditions" / f"{c}.yaml",
            "condition",
            {
                "id": c,
                "name": f"Condition {c.rsplit('-', 1)[1]}",
                "summary": "A synthetic condition for the benchmark. It has no real meaning.",
                "reviewed": REVIEWED,
                "next_review": "2027-11-01",
                "sources": [{"ref": "seed-article"}],
            },
        )
    for i in range(studies):
        key = f"synthetic{i:05d}"
        bib.append(
            f"@article{{{key},\n  author  = {{Author, Test{i} and Other, Ann}},\n"
            f"  title   = {{Synthetic trial number {i} of cold for a condition}},\n"
            f"  journal = {{Journal of Benchmarks}},\n  year    = {{{2000 + i % 26}}},\n"
            f"  doi     = {{10.5555/bench.{i}}},\n  pmid    = {{{90000000 + i}}}\n}}\n"
        )
        findings = []
        for _ in range(rnd.randint(1, 3)):
            certainty, verb = rnd.choice(CERTAINTY)
            people = rnd.randint(10, 400)
            findings.append(
                {
                    "outcome": f"Outcome measured after {rnd.randint(1, 12)} weeks",
                    "domain": rnd.choice(DOMAINS),
                    # skewed like the literature: one common condition gathers a quarter
                    "condition": conditions[0] if rnd.random() < 0.25 else rnd.choice(conditions),
                    "modality": rnd.choice(modalities),
                    "comparator": "Rest",
                    "studies": 1,
                    "participants": people,
                    "direction": rnd.choice(DIRECTIONS),
                    "no_estimate": "Synthetic data has no effect size.",
                    "certainty": certainty,
                    "grade": _grade(certainty, people),
                    "plain": f"Cold {verb} this synthetic outcome."
                    if certainty != "very-low"
                    else f"{verb} this synthetic outcome.",
                }
            )
        _dump(
            target / "studies" / f"{key}.yaml",
            "study",
            {
                "id": key,
                "design": "Randomised trial",
                "cebm": {"level": 2},
                "participants": sum(f["participants"] for f in findings),
                "population": "Synthetic adults.",
                "intervention": "A cold treatment.",
                "comparator": "Rest.",
                "summary": "A synthetic study for the benchmark.",
                "findings": findings,
                "reviewed": REVIEWED,
                "next_review": "2027-11-01",
                "sources": [{"ref": key}],
            },
        )
    for c in contraindications:
        _dump(
            target / "contraindications" / f"{c}.yaml",
            "contraindication",
            {
                "id": c,
                "name": f"Reason {c.rsplit('-', 1)[1]}",
                "summary": "A synthetic reason not to use cold.",
                "why": "It is made up for the benchmark [@seed-article].",
                "what_to_do": "Ask a doctor first.",
                "reviewed": REVIEWED,
                "next_review": "2027-11-01",
                "sources": [{"ref": "seed-article"}],
            },
        )
    for m in modalities:  # every treatment grades every new reason
        path = target / "modalities" / f"{m}.yaml"
        data = yaml.safe_load(path.read_text())
        data["contraindications"] += [
            {"id": c, "level": "ask-first", "sources": [{"ref": "seed-article"}]}
            for c in contraindications
        ]
        _dump(path, "modality", data)
    q = yaml.safe_load((target / "questionnaire.yaml").read_text())
    q["questions"] += [
        {"id": f"q-{c}", "text": f"Do you have {c}?", "raises": [c]} for c in contraindications
    ]
    (target / "questionnaire.yaml").write_text(yaml.safe_dump(q, sort_keys=False))
    with (target / "references.bib").open("a", encoding="utf-8") as out:
        out.write("\n" + "\n".join(bib))
    return target
