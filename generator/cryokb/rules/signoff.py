"""Clinical sign-off: a page claims a clinician's review only in `reviewed.clinician`, by name,
role and date (the schema requires all three); until then the page says it is not yet reviewed
by a clinician. So `reviewed.by` may not speak of clinical review either way, and a sign-off
may not be dated in the future."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from cryokb.read.model import Entity
from cryokb.read.problems import Problem

# Words in `reviewed.by` that claim (or deny) a clinician's review.
CLINICAL = re.compile(
    r"\b(?:clinician|clinical(?:ly)?|doctors?|physio(?:therapist)?s?|nurses?|GPs?|Dr|MD|"
    r"general practitioner|surgeon|chiropractor|osteopath)\b",
    re.IGNORECASE,
)
WHERE = "reviewed.clinician (with the reviewer's name, role and date)"


def problems(entity: Entity, today: date) -> Iterator[Problem]:
    """Each claim of clinical review that the data does not back with a named sign-off."""
    reviewed: Any = entity.data.get("reviewed")
    if not isinstance(reviewed, dict):
        return
    by = reviewed.get("by")
    if isinstance(by, str) and (m := CLINICAL.search(by)):
        yield entity.doc.problem(
            ("reviewed", "by"),
            f"reviewed.by: '{m.group(0)}' speaks of a clinical review; a clinician's review goes "
            f"in {WHERE}, and without one the page says it is not yet reviewed by a clinician",
            needle=m.group(0),
        )
    clinician = reviewed.get("clinician")
    signed = clinician.get("date") if isinstance(clinician, dict) else None
    try:
        when = date.fromisoformat(signed) if isinstance(signed, str) else None
    except ValueError:
        return  # the schema reports the date
    if when and when > today:
        yield entity.doc.problem(
            ("reviewed", "clinician", "date"),
            f"reviewed.clinician.date: {when} is in the future (today is {today})",
        )
