"""The questionnaire in real Chromium: same results as Python, by keyboard, private, printable."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from cryokb.rules.questionnaire import evaluate
from tests.test_questionnaire import IDS, KB, TABLE, Q

pytestmark = [pytest.mark.browser, pytest.mark.heavy]
CORE = [q["id"] for q in Q["questions"] if "enable_when" not in q]
FOLLOW = [q["id"] for q in Q["questions"] if "enable_when" in q]
CODES = ["yes", "no", "not-sure"]
FOLLOW_CODES = [None, "yes", "no", "not-sure"]  # rotated over the combinations
SAMPLES = 500  # about this many answer sets in each detailed sample (Node checks 232,419)
SAMPLE_BLOCK = 2_000  # detailed results per round trip to the browser


def _step(digits: int) -> int:
    """A stride through 3**digits combinations that gives about SAMPLES of them and, not being a
    multiple of 3, varies every answer across the sample."""
    step = max(1, 3**digits // SAMPLES)
    return step + 1 if step % 3 == 0 else step


def _nth(index: int, n: int) -> tuple[str, ...]:
    """`itertools.product(CODES, repeat=n)`'s item number `index`, without walking to it (3**n
    items: islice took 10 s to stride through them)."""
    digits = []
    for _ in range(n):
        index, digit = divmod(index, 3)
        digits.append(CODES[digit])
    return tuple(reversed(digits))


def _combination(index: int) -> dict[str, str]:
    answers = {}
    rest = index
    for qid in CORE:
        answers[qid] = CODES[rest % 3]
        rest //= 3
    code = FOLLOW_CODES[index % 4]
    for qid in FOLLOW:
        if code:
            answers[qid] = code
    return answers


def test_js_and_python_flags_match_in_detail(page: Any, base_url: str) -> None:
    page.goto(base_url + "questionnaire/")
    page.wait_for_function("window.CryokbQuestionnaire !== undefined")
    samples = [_combination(i) for i in range(0, 3 ** len(CORE), _step(len(CORE)))]
    samples += [
        dict(zip(IDS, _nth(i, len(IDS)), strict=True))
        for i in range(0, 3 ** len(IDS), _step(len(IDS)))
    ]
    js: list[Any] = []
    for start in range(0, len(samples), SAMPLE_BLOCK):  # one huge evaluate crashes the tab
        js += page.evaluate(
            """(samples) => {
      const root = document.getElementById('cryokb-questionnaire');
      const data = JSON.parse(root.dataset.questionnaire);
      return samples.map((a) => CryokbQuestionnaire.evaluate(data, a));
    }""",
            samples[start : start + SAMPLE_BLOCK],
        )
    for answers, js_result in zip(samples, js, strict=True):
        py = evaluate(Q, TABLE, answers)
        for m in Q["modalities"]:
            assert js_result[m]["level"] == py[m].level
            assert [
                (f["contraindication"], f["question"], f["answer"], f["level"], f["unconfirmed"])
                for f in js_result[m]["flags"]
            ] == [
                (f.contraindication, f.question, f.answer, f.level, f.unconfirmed)
                for f in py[m].flags
            ], (answers, m)


# --- end to end, by keyboard -------------------------------------------------------------


def _active(page: Any) -> dict[str, str]:
    return page.evaluate("""() => { const e = document.activeElement;
      return {tag: e.tagName, name: e.name || '', type: e.type || '',
              text: (e.textContent || '').trim(),
              id: e.id || ''}; }""")


def _keyboard_answer(page: Any, answers: dict[str, str]) -> None:
    """Tab through the form from the top of the page, answering each question by keys."""
    keys = {"yes": ["Space"], "no": ["ArrowRight"], "not-sure": ["ArrowRight", "ArrowRight"]}
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    for _ in range(200):
        page.keyboard.press("Tab")
        a = _active(page)
        if a["type"] == "radio" and a["name"].startswith("q-"):
            for key in keys[answers[a["name"][2:]]]:
                page.keyboard.press(key)
        elif a["tag"] == "BUTTON" and a["text"] == "Continue":
            page.keyboard.press("Enter")
            return
    raise AssertionError("never reached the Continue button")


def _tab_to(page: Any, text: str) -> None:
    for _ in range(80):
        page.keyboard.press("Tab")
        if _active(page)["text"].startswith(text):
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"never reached {text!r}")


def _results(page: Any) -> dict[str, str]:
    page.locator(".cq-result section").first.wait_for()
    return page.evaluate("""() => Object.fromEntries(
      [...document.querySelectorAll('.cq-result section')]
      .map((s) => [s.dataset.modality, s.dataset.level]))""")


def _click_answer(page: Any, answers: dict[str, str]) -> None:
    """Click each answer, then Continue (the keyboard's way is `_keyboard_answer`)."""
    page.evaluate(
        """(answers) => {  // in the form's order: a follow-up shows once its question is asked
          for (const [q, a] of answers) {
            const radio = document.querySelector(
              `#cryokb-questionnaire input[name='q-${q}'][value='${a}']`);
            if (radio && radio.closest('fieldset').checkVisibility()) radio.click();
          }
        }""",
        list(answers.items()),
    )
    page.get_by_role("button", name="Continue").click()


def _run(
    page: Any, base_url: str, answers: dict[str, str], keyboard: bool = True
) -> dict[str, str]:
    """Answer, continue and see the results, by keyboard alone or (to check what the results
    say of many answer sets: tests/test_questionnaire_js.py checks all their logic) by clicks."""
    page.goto(base_url + "questionnaire/")
    page.locator("#cryokb-questionnaire form").wait_for()
    loaded = len(page.requests)
    (_keyboard_answer if keyboard else _click_answer)(page, answers)
    assert _active(page)["text"] == "Check your answers"
    if keyboard:
        _tab_to(page, "See the results")
    else:
        page.get_by_role("button", name="See the results").click()
    got = _results(page)
    assert _active(page)["text"] == "What your answers mean for each cold treatment"
    assert page.locator(".cq-result").get_attribute("role") == "status"
    # Chromium fetches the tab's icon when it likes (here after the results show); that is the
    # browser's request, not the questionnaire's.
    made = [r for r in page.requests[loaded:] if not r.endswith("/assets/images/favicon.png")]
    assert made == [], "the questionnaire made a request"
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    return got


def test_all_no_gives_no_reason_found_with_limits(page: Any, base_url: str) -> None:
    answers = {q: "no" for q in CORE}
    got = _run(page, base_url, answers)
    assert set(got.values()) == {"none-found"}
    text = page.locator(".cq-result").inner_text()
    assert "not medical advice" in text
    assert "never longer than 4 minutes" in text.lower() and "No longer than 20 minutes" in text
    assert "never put ice directly on bare skin" in text.lower()


@pytest.mark.parametrize("question", CORE)
def test_one_yes_flags_its_contraindication(page: Any, base_url: str, question: str) -> None:
    answers = dict.fromkeys(IDS, "no")
    answers[question] = "yes"
    got = _run(page, base_url, answers, keyboard=False)
    item = next(q for q in Q["questions"] if q["id"] == question)
    expected = {m: r.level for m, r in evaluate(Q, TABLE, answers).items()}  # type: ignore[arg-type]
    assert got == expected
    for m in Q["modalities"]:
        section = page.locator(f".cq-result section[data-modality='{m}']")
        for c in item["raises"]:
            link = section.locator(f"a[href='../contraindications/{c}/']")
            assert link.count() == (0 if TABLE[m][c] == "no-known-reason" else 1)
        assert Q["outcomes"][expected[m]].split(".")[0] in section.inner_text()
    # each reason is explained once, not once per treatment, with its citations as links
    reasons = page.locator(".cq-reasons li")
    assert reasons.count() == len(item["raises"])
    for li in reasons.all():
        cites = li.locator("a[href^='../references/#'], a[href$='/#reference']")
        assert cites.count() >= 1
        assert "explains this )" not in li.inner_text()


def test_not_sure_counts_as_yes_and_says_so(page: Any, base_url: str) -> None:
    answers = dict.fromkeys(IDS, "no")
    answers["diabetes"] = "not-sure"
    got = _run(page, base_url, answers)
    assert "none-found" not in got.values()
    assert "not confirmed" in page.locator(".cq-result").inner_text()


def test_follow_up_appears_adds_flags_and_is_dropped_when_hidden(page: Any, base_url: str) -> None:
    answers = dict.fromkeys(IDS, "no")
    answers.update({"implant": "yes", "implant-heart": "yes"})
    _run(page, base_url, answers)
    section = page.locator(".cq-result section").first
    assert section.locator("a[href='../contraindications/cardiovascular-disease/']").count() == 1
    # change the parent to "No" on the check page: the follow-up disappears with its answer
    _tab_to(page, "Change your answers")
    page.get_by_role("button", name="Change your answer to: Do you have a pacemaker").focus()
    page.keyboard.press("Enter")
    assert _active(page)["name"] == "q-implant"
    page.keyboard.press("ArrowRight")  # Yes -> No
    assert page.locator("#q-implant-heart-group").is_hidden()
    _tab_to(page, "Continue")
    check = page.locator(".cq-check").inner_text()
    assert "Is it a pacemaker" not in check
    _tab_to(page, "See the results")
    assert set(_results(page).values()) == {"none-found"}


def test_error_summary_takes_focus_and_links_to_questions(page: Any, base_url: str) -> None:
    page.goto(base_url + "questionnaire/")
    page.locator("#cryokb-questionnaire form").wait_for()
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".cq-error-summary")
    assert summary.is_visible() and page.evaluate(
        "document.activeElement.classList.contains('cq-error-summary')"
    )
    assert summary.locator("a").count() == len(CORE)
    summary.locator("a").nth(3).focus()
    page.keyboard.press("Enter")
    assert _active(page)["name"] == f"q-{CORE[3]}"
    assert page.locator(f"#q-{CORE[3]}-group").get_attribute("aria-invalid") == "true"


def test_fieldsets_legends_and_labels(page: Any, base_url: str) -> None:
    page.goto(base_url + "questionnaire/")
    page.locator("#cryokb-questionnaire form").wait_for()
    assert page.locator("#cryokb-questionnaire fieldset").count() == len(IDS)
    assert page.locator("#cryokb-questionnaire fieldset > legend").count() == len(IDS)
    for radio in page.locator("#cryokb-questionnaire input[type=radio]").all():
        assert radio.evaluate("(r) => r.labels.length") == 1
    assert page.locator("input:checked").count() == 0  # nothing pre-selected


def test_print_summary_shows_id_version_date_answers_and_outcomes(page: Any, base_url: str) -> None:
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    answers = dict.fromkeys(IDS, "no")
    answers["kidneys"] = "yes"
    _run(page, base_url, answers)
    _tab_to(page, "Print this summary")
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    result = page.locator(".cq-result")
    text = result.inner_text()
    assert f'Checklist "{Q["id"]}", version {Q["version"]}, {Q["date"]}' in text
    assert text.index("What your answers mean") < text.index(f"version {Q['version']}")
    for q in Q["questions"]:
        if q["id"] in CORE:
            assert q["text"] in text
    for m, r in evaluate(Q, TABLE, answers).items():  # type: ignore[arg-type]
        section = result.locator(f"section[data-modality='{m}']").inner_text()
        assert Q["outcomes"][r.level].split(".")[0] in section
    assert page.locator(".cq-form").is_hidden()
    assert page.locator(".cq-actions").is_hidden()


def test_works_after_instant_navigation_from_home(page: Any, base_url: str) -> None:
    page.goto(base_url, wait_until="networkidle")  # instant navigation needs the sitemap
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("link", name="Answer the questionnaire").click()
    page.locator("#cryokb-questionnaire form").wait_for()
    assert page.evaluate("window.__sameDocument === true")
    assert page.locator(".cryokb-checklist").is_hidden()
    # the table of contents no longer points at the hidden checklist
    visible = page.locator(
        ".md-nav a[href='#checklist']:visible, .md-nav a[href='#what-it-means']:visible"
    )
    assert visible.count() == 0


def test_without_javascript_a_printable_checklist_is_shown(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "questionnaire/")
    checklist = page.locator(".cryokb-checklist")
    assert checklist.is_visible()
    text = checklist.inner_text()
    for q in Q["questions"]:
        assert q["text"] in text
    assert f"version {Q['version']}" in text
    assert page.locator("#cryokb-questionnaire").is_hidden()
    context.close()


def test_page_data_matches_the_yaml(page: Any, base_url: str) -> None:
    from cryokb.render.questionnaire_export import page_data

    page.goto(base_url + "questionnaire/")
    embedded = json.loads(page.locator("#cryokb-questionnaire").get_attribute("data-questionnaire"))
    assert embedded == page_data(KB)


def _late(page: Any, script: str, seconds: float = 0.5) -> None:
    """Serve `script` late, so the page's other scripts run first (as after instant navigation)."""
    page.route(f"**/{script}", lambda route: (time.sleep(seconds), route.continue_()))


def test_instant_navigation_works_when_the_rules_script_runs_last(page: Any, base_url: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _late(page, "questionnaire-logic.js")
    page.goto(base_url, wait_until="networkidle")  # instant navigation needs the sitemap
    page.evaluate("window.__sameDocument = true")
    page.locator("a", has_text="Answer the questionnaire").first.click()
    page.locator("#cryokb-questionnaire form").wait_for()
    assert page.evaluate("window.__sameDocument === true")  # instant navigation, no reload
    _keyboard_answer(page, dict.fromkeys(IDS, "no"))
    assert _active(page)["text"] == "Check your answers"
    _tab_to(page, "See the results")
    assert set(_results(page).values()) == {"none-found"}
    assert errors == []


def test_keyboard_only_from_home_by_instant_navigation_to_print(page: Any, base_url: str) -> None:
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page.goto(base_url, wait_until="networkidle")  # instant navigation needs the sitemap
    page.evaluate("window.__sameDocument = true")
    _tab_to(page, "Answer the questionnaire")
    page.locator("#cryokb-questionnaire form").wait_for()
    page.wait_for_function("location.pathname.endsWith('/questionnaire/')")
    page.wait_for_timeout(300)  # the theme finishes its page swap before a person starts typing
    assert page.evaluate("window.__sameDocument === true")  # instant navigation, no reload
    _keyboard_answer(page, dict.fromkeys(IDS, "no"))
    _tab_to(page, "See the results")
    assert set(_results(page).values()) == {"none-found"}
    _tab_to(page, "Print this summary")
    assert page.evaluate("window.__printed") == 1
    assert all(r.startswith(base_url) for r in page.requests)
