"""`cryokb diff BASE`: what a change does to the published site, for a reviewer, in Markdown.

Pages added, removed and changed; URLs that would disappear; and every finding whose certainty,
direction, wording or grade (its start, a domain's judgement, a reason to rate up) changed, old
beside new. The base's data comes from `git archive`, so the
work tree is never touched.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from cryokb.read import grade as g
from cryokb.read.load import load
from cryokb.read.model import KnowledgeBase
from cryokb.render.pages import render
from cryokb.rules import urls

Key = tuple[str, str, str, str]
# The parts of a grade the report compares, in the order a grade is read.
GRADE_FIELDS = [
    "grade.start",
    *(f"grade.{d}" for d in g.DOMAINS),
    "grade.rate_up",
    "grade.adopted",
    "grade.not_graded",
]


def base_data(ref: str, data: Path, into: Path) -> Path:
    """Extract the data folder as it is at git `ref` into `into`; return its path there."""
    top = subprocess.run(
        ["git", "-C", str(data), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    rel = data.resolve().relative_to(Path(top).resolve()).as_posix()
    archive = subprocess.run(
        ["git", "-C", top, "archive", "--format=tar", ref, "--", rel],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / rel


def findings(kb: KnowledgeBase) -> dict[Key, dict[str, Any]]:
    """Every finding by (study, outcome, condition, treatment), with its grade read as the
    fields a reviewer compares (`grade.start`, `grade.<domain>`, `grade.rate_up`, ...)."""
    out = {}
    for s in kb.of("study"):
        for f in s.get("findings", []):
            if isinstance(f, dict):
                what = str(f.get("modality") or f.get("intervention") or "")
                key = (s.id, str(f.get("outcome")), str(f.get("condition", "")), what)
                out[key] = {**f, **grade_fields(s.data, f.get("grade"))}
    return out


def grade_fields(study: dict[str, Any], grade: Any) -> dict[str, str]:
    """A finding's grade as one line per part: the start it takes (recorded, or from the
    design), each domain ('serious: reason'), each reason to rate up, and any adopted or
    not_graded note. Empty when the finding has no grade."""
    if not isinstance(grade, dict):
        return {}
    out: dict[str, str] = {}
    if "not_graded" not in grade:
        out["grade.start"] = g.start(study, grade) or "unknown"
    for j in g.judgements(grade):
        out[f"grade.{j.field}"] = f"{j.rating}: {j.reason}" if j.reason else j.rating
    ups = [
        f"{label.lower()} +{n}: {why}" if why else f"{label.lower()} +{n}"
        for label, n, why in g.upgrades(grade)
    ]
    if ups:
        out["grade.rate_up"] = "; ".join(ups)
    for note in ("adopted", "not_graded"):
        if isinstance(grade.get(note), str):
            out[f"grade.{note}"] = grade[note]
    return out


def report(old: KnowledgeBase, new: KnowledgeBase) -> str:
    """The Markdown summary of what changes between two knowledge bases."""
    lines = ["## Content diff", ""]
    after = {p: page.content for p, page in render(new).items()}
    try:
        before = {p: page.content for p, page in render(old).items()}
    except Exception as exc:  # an old data model today's templates cannot render
        lines += [f"The base could not be rendered with today's templates ({exc}).", ""]
        before = {}
    for title, paths in [
        ("Pages added", sorted(set(after) - set(before))),
        ("Pages removed", sorted(set(before) - set(after))),
        ("Pages changed", sorted(p for p in set(before) & set(after) if before[p] != after[p])),
    ]:
        lines.append(f"- **{title}:** " + (", ".join(f"`{p}`" for p in paths) or "none"))
    still = set(urls.published(new)) | set(urls.redirected(new))
    gone = sorted(set(urls.published(old)) - still)
    lines.append("- **URLs that disappear:** " + (", ".join(f"`{u}`" for u in gone) or "none"))
    lines += ["", "### Findings that change", ""]
    old_f, new_f = findings(old), findings(new)
    rows = []
    for key in sorted(set(old_f) | set(new_f)):
        a, b = old_f.get(key, {}), new_f.get(key, {})
        fields = ["certainty", "direction", "plain"]
        fields += [f for f in GRADE_FIELDS if f in a or f in b]
        for field in fields:
            if a.get(field) != b.get(field):
                was = " ".join(str(a.get(field, "(none)")).split()).replace("|", "\\|")
                now = " ".join(str(b.get(field, "(none)")).split()).replace("|", "\\|")
                rows.append(f"| {key[0]} | {key[1]} | {field} | {was} | {now} |")
    if rows:
        lines += ["| Study | Outcome | What | Before | After |", "|---|---|---|---|---|", *rows]
    else:
        lines.append("No finding changes its certainty, direction, wording or grade.")
    return "\n".join(lines) + "\n"


def main(ref: str, data: Path) -> int:
    """Print the report for the data folder against git `ref`; 2 when git cannot give it."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            base = base_data(ref, data, Path(tmp))
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"cryokb: error: cannot read '{ref}' from git: {exc}", file=sys.stderr)
            return 2
        old, _ = load(base)
        new, _ = load(data)
        print(report(old, new), end="")
    return 0
