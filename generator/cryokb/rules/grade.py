"""GRADE rules: each finding's certainty follows from its start, downgrades and upgrades, and
every downgrade gives its reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cryokb.read import grade as g
from cryokb.read.model import Entity, as_list
from cryokb.read.problems import Problem
from cryokb.read.yamlio import Path_
from cryokb.rules.schema import dotted


def problems(entity: Entity) -> Iterator[Problem]:
    """Every GRADE rule for one study's findings (a wrong type is the schema's to report)."""
    if entity.kind != "study":
        return
    for i, finding in enumerate(as_list(entity.get("findings"))):
        if isinstance(finding, dict) and isinstance(finding.get("grade"), dict):
            yield from _finding(entity, ("findings", i), finding)
    assessment = entity.get("published_assessment")
    if isinstance(assessment, dict) and assessment.get("assessed") == "no":
        for key in ("tool", "result"):  # a score nobody published must not reach the page
            if key in assessment:
                at: Path_ = ("published_assessment", key)
                yield entity.doc.problem(
                    at, f"{dotted(at)}: an assessment that was not found has no {key}"
                )


def _finding(entity: Entity, at: Path_, finding: dict[str, Any]) -> Iterator[Problem]:
    grade: dict[str, Any] = finding["grade"]
    where: Path_ = (*at, "grade")
    certainty = finding.get("certainty")
    if certainty == "not-verified" or "not_graded" in grade:
        if certainty != "not-verified" or set(grade) != {"not_graded"}:
            yield entity.doc.problem(
                where,
                f"{dotted(where)}: 'not_graded' goes alone, with certainty 'not-verified' "
                "(a graded result gives its start and domains instead)",
                key=True,
            )
        return
    missing = [f for f in g.DOMAINS if f not in grade]
    if missing:
        yield entity.doc.problem(
            where,
            f"{dotted(where)}: no judgement for {', '.join(missing)} (give no-concern, or a "
            "rating with its reason; 'Not assessed' is a reason)",
            key=True,
        )
    for j in g.judgements(grade):
        if j.steps and not j.reason.strip():
            path = (*where, j.field)
            yield entity.doc.problem(
                path, f"{dotted(path)}: a {j.rating} downgrade needs its 'reason' in words"
            )
    study = entity.data
    if g.start(study, grade) is None:
        yield entity.doc.problem(
            where,
            f"{dotted(where)}: give 'start' (high for randomised trials, low for observational "
            f"studies): the design '{study.get('design')}' does not say clearly which it is",
            key=True,
        )
        return
    if "adopted" in grade:
        if "source_grade" not in finding:
            path = (*where, "adopted")
            yield entity.doc.problem(
                path, f"{dotted(path)}: an adopted grade needs the source's own in 'source_grade'"
            )
        return
    derived = g.derived(study, grade)
    if derived != certainty and not missing:
        path = (*at, "certainty")
        yield entity.doc.problem(
            path,
            f"{dotted(path)}: '{certainty}' does not follow from the grade "
            f"({g.sum_up(study, grade)}); change the certainty or the judgements",
        )
