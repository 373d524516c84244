"""The questionnaire's JavaScript rules and Python's reference agree, run in Node (no browser).

The page loads the same `questionnaire-logic.js`; the browser tests check a sample of answers
through the page itself. With 17 questions there are 4^17 (about 17 billion) answer sets, counting
an unanswered question; each evaluator needs 40 to 100 µs for one, so the whole space would take
days. Checked instead, in full detail (level and every flag): every answer set in which at most
four questions are answered other than "No" (each of those "Yes", "I'm not sure" or unanswered:
212,416 sets, the follow-up's answer rotated across them), where results combine; and a seeded
random sample of the whole space.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from cryokb.render.questionnaire_export import page_data
from cryokb.rules.questionnaire import evaluate
from tests.test_questionnaire import KB, TABLE, Q

ROOT = Path(__file__).resolve().parent.parent
LOGIC = ROOT / "overrides" / "assets" / "cryokb" / "questionnaire-logic.js"
IDS = [q["id"] for q in Q["questions"]]
CORE = [i for i, q in enumerate(Q["questions"]) if "enable_when" not in q]
FOLLOW = [i for i, q in enumerate(Q["questions"]) if "enable_when" in q]
CODE = {"y": "yes", "n": "no", "s": "not-sure", "u": None}
FLAGGED = 4  # questions answered other than "No", in every combination
RANDOM = 20_000


def answer_sets() -> list[str]:
    """One line per answer set: a letter per question (y, n, s = not sure, u = unanswered)."""
    lines = []
    for k in range(FLAGGED + 1):
        for chosen in itertools.combinations(CORE, k):
            for codes in itertools.product("ysu", repeat=k):
                row = ["n"] * len(IDS)
                for i, c in zip(chosen, codes, strict=True):
                    row[i] = c
                follow = "unys"[len(lines) % 4]
                for i in FOLLOW:
                    row[i] = follow
                lines.append("".join(row))
    rng = random.Random(20261202)
    lines += ["".join(rng.choice("ynsu") for _ in IDS) for _ in range(RANDOM)]
    lines += ["y" * len(IDS), "s" * len(IDS), "u" * len(IDS)]
    return lines


def python_lines(lines: list[str]) -> list[str]:
    """Python's results, in the Node script's format."""
    out = []
    for line in lines:
        answers = {q: CODE[c] for q, c in zip(IDS, line, strict=True) if CODE[c]}
        results = evaluate(Q, TABLE, answers)  # type: ignore[arg-type]
        out.append(
            " ".join(
                ";".join(
                    [r.level]
                    + [
                        f"{f.contraindication}/{f.question}/{f.answer}/{f.level}/{int(f.unconfirmed)}"
                        for f in r.flags
                    ]
                )
                for r in (results[m] for m in Q["modalities"])
            )
        )
    return out


def test_the_answer_space_is_what_the_docstring_says() -> None:
    lines = answer_sets()
    assert len(CORE) == 17 and len(lines) == 212_416 + RANDOM + 3
    assert len(set(lines[:212_416])) == 212_416
    assert all(len(line) == len(IDS) for line in lines)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_javascript_and_python_agree(tmp_path: Path) -> None:
    lines = answer_sets()
    (tmp_path / "answers.txt").write_text("\n".join(lines) + "\n")
    (tmp_path / "data.json").write_text(json.dumps(page_data(KB)))
    node = subprocess.Popen(
        ["node", str(ROOT / "tests" / "questionnaire_all.js"), str(LOGIC),
         str(tmp_path / "data.json"), str(tmp_path / "answers.txt")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    half = len(lines) // 2
    with ProcessPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(python_lines, [lines[:half], lines[half:]]))
    js, _ = node.communicate(timeout=600)
    assert node.returncode == 0
    expected = parts[0] + parts[1]
    got = js.splitlines()
    assert len(got) == len(lines)
    for line, a, b in zip(lines, got, expected, strict=True):
        assert a == b, f"JavaScript and Python differ for {line}:\n JS {a}\n Py {b}"
