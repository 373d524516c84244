"""The FHIR export works as a screening form in a real FHIR client: NLM's LHC-Forms in Chromium.

`make test` unpacks the pinned `lforms` tarball (`npm pack`, no dependencies to resolve) into
node_modules/.lforms; its prebuilt web component needs nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cryokb.render.questionnaire_export import fhir
from cryokb.rules.questionnaire import evaluate
from tests.conftest import free_port, serve
from tests.test_questionnaire import KB, TABLE, Q

pytestmark = pytest.mark.browser
LFORMS = Path(__file__).resolve().parent.parent / "node_modules" / ".lforms" / "package" / "dist"
CORE = [q["id"] for q in Q["questions"] if "enable_when" not in q]
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LHC-Forms</title>
<link href="lforms/webcomponent/styles.css" rel="stylesheet"></head>
<body><div id="form"></div>
<script src="lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="lforms/webcomponent/lhc-forms.js"></script>
<script src="lforms/fhir/lformsFHIRAll.min.js"></script></body></html>"""


@pytest.fixture(scope="module")
def lforms_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert (LFORMS / "lforms" / "webcomponent" / "lhc-forms.js").is_file(), "run `make test`"
    root = tmp_path_factory.mktemp("lforms")
    (root / "lforms").symlink_to(LFORMS / "lforms")
    (root / "index.html").write_text(PAGE)
    with serve(root, free_port()) as url:
        yield url


@pytest.fixture
def form(browser: Any, lforms_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(lforms_url + "index.html")
    page.wait_for_function(
        "typeof LForms !== 'undefined' && typeof LForms.Util.addFormToPage === 'function'"
    )
    resource = fhir(KB, "https://cryokb.test/")
    page.evaluate("(q) => LForms.Util.addFormToPage(q, 'form', {fhirVersion: 'R4'})", resource)
    page.locator('[id="item-diabetes/1"]').wait_for()
    yield page
    context.close()


def _answer(page: Any, question: str, label: str) -> None:
    page.locator(f'[id="item-{question}/1"]').get_by_text(label, exact=True).click()


def _shown(page: Any) -> set[str]:
    """The result items LHC-Forms shows now, by their text."""
    texts = page.locator("#form").inner_text()
    out = set()
    for m in Q["modalities"]:
        name = KB.get("modality", m)["name"]
        for level, text in Q["outcomes"].items():
            if f"{name}: {' '.join(text.split())}" in texts:
                out.add(f"{m}:{level}")
    return out


def test_the_form_renders_with_its_introduction(form: Any) -> None:
    text = form.locator("#form").inner_text()
    assert " ".join(Q["intro"].split())[:60] in text
    for q in Q["questions"]:
        if q["id"] in CORE:
            assert q["text"] in text
    assert _shown(form) == set()  # nothing is shown before any answer


def test_not_sure_shows_an_outcome_and_no_takes_it_away(form: Any) -> None:
    for qid in CORE:
        _answer(form, qid, "No")
    assert _shown(form) == {f"{m}:none-found" for m in Q["modalities"]}

    # A question whose outcome differs by modality (Python's evaluator says), so the form must
    # tell the modalities apart.
    def outcome(qid: str) -> set[str]:
        results = evaluate(Q, TABLE, {q: "not-sure" if q == qid else "no" for q in CORE})
        return {f"{m}:{results[m].level}" for m in Q["modalities"]}

    mixed = next(q for q in CORE if len({o.split(":")[1] for o in outcome(q)}) > 1)
    _answer(form, mixed, "I'm not sure")
    expected = outcome(mixed)
    assert _shown(form) == expected
    assert len({e.split(":")[1] for e in expected}) > 1
    _answer(form, mixed, "No")
    assert _shown(form) == {f"{m}:none-found" for m in Q["modalities"]}


def test_the_follow_up_appears_for_not_sure_and_the_response_holds_the_answers(form: Any) -> None:
    assert form.locator('[id="item-implant-heart/1"]').count() == 0
    _answer(form, "implant", "I'm not sure")
    form.locator('[id="item-implant-heart/1"]').wait_for()
    _answer(form, "implant-heart", "Yes")
    response = form.evaluate(
        "() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', '#form')"
    )
    answers = {
        i["linkId"]: i["answer"][0]["valueCoding"]["code"]
        for i in json.loads(json.dumps(response))["item"]
        if "answer" in i
    }
    assert answers == {"implant": "not-sure", "implant-heart": "yes"}
