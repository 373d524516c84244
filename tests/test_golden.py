"""Golden files of rendered Markdown, from the small fixed fixture data set (never the real data).

A change to `data/` never touches a golden file; the real data is covered by `cryokb check`.
After an intended change to rendering, refresh them with `make golden` and review the diff.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from cryokb.read.history import Change
from cryokb.read.model import KnowledgeBase
from cryokb.render.render import render
from cryokb.rules.check import check_dir
from cryokb.site.publish import Site

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 3, 1)  # before the fixture's next_review, so no page is overdue
BASE = "https://cryokb.test/"
CHANGE = Change("2026-02-01", "Shorter summary for sore necks")


def _render(today: date = TODAY) -> dict[str, str]:
    kb, problems = check_dir(FIXTURE, today=today)
    assert problems == []
    site = Site(BASE, "https://github.com/example/cryokb")
    changes = {str((FIXTURE / "conditions" / "sore-neck.yaml").resolve()): [CHANGE]}
    return {path: page.content for path, page in render(kb, today, site, changes).items()}


RENDERED = _render()


@pytest.mark.parametrize("path", sorted(RENDERED))
def test_rendered_page_matches_golden(path: str, request: pytest.FixtureRequest) -> None:
    golden = GOLDEN / path.replace("/", "__")
    if request.config.getoption("--update-golden"):
        golden.write_text(RENDERED[path], encoding="utf-8")
    assert golden.exists(), f"missing {golden.name}: run `make golden`"
    assert RENDERED[path] == golden.read_text(encoding="utf-8"), "run `make golden` if intended"


def test_no_stray_golden_files() -> None:
    expected = {path.replace("/", "__") for path in RENDERED}
    assert {p.name for p in GOLDEN.iterdir()} == expected


def test_rendering_is_deterministic() -> None:
    assert _render() == RENDERED


def test_an_overdue_page_says_so() -> None:
    late = _render(date(2026, 8, 1))
    notice = "Review overdue"
    assert (
        notice in late["conditions/sore-neck.md"]
        and notice not in RENDERED["conditions/sore-neck.md"]
    )


def test_no_template_comment_leaks_into_a_page() -> None:
    """The templates' comments use `{## ##}`; one written the usual Jinja way would show."""
    for path, text in RENDERED.items():
        assert not re.search(r"\{#-|-#\}|\{##|##\}|\{# ", text), path


@pytest.mark.parametrize("root", [FIXTURE, FIXTURE.parent.parent.parent / "data"], ids=str)
def test_quick_text_path_renders_the_same(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Text with no citation, and no digit or no source, skips the figure tracing: the same
    pages either way."""
    from cryokb.render import render as renderer

    kb, _ = check_dir(root, today=TODAY)
    quick = {path: page.content for path, page in render(kb, TODAY).items()}
    monkeypatch.setattr(renderer, "_plain", lambda text, src: False)  # every text the full way
    assert {path: page.content for path, page in render(kb, TODAY).items()} == quick


def _pages(kb: KnowledgeBase) -> list[tuple[str, str]]:
    return [(path, page.content) for path, page in render(kb, TODAY).items()]


@pytest.mark.parametrize("root", [FIXTURE, FIXTURE.parent.parent.parent / "data"], ids=str)
def test_the_same_pages_on_one_or_several_processes(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages rendered in forked copies (fanout.py) come back in order, and so do the figures
    traced on them, which the references and each study's "where this site uses it" list."""
    kb, _ = check_dir(root, today=TODAY)
    monkeypatch.setenv("CRYOKB_WORKERS", "1")
    one = _pages(kb)
    for n in (2, 3):
        monkeypatch.setenv("CRYOKB_WORKERS", str(n))
        assert _pages(kb) == one


@pytest.mark.parametrize("root", [FIXTURE, FIXTURE.parent.parent.parent / "data"], ids=str)
def test_a_card_rendered_once_shows_the_same_everywhere(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finding's card is rendered once and reused; each page it shows on still lists its
    sources and traces its figures, as if it had been rendered there."""
    from cryokb.render.ledger import Ledger

    kb, _ = check_dir(root, today=TODAY)
    reused = _pages(kb)
    monkeypatch.setattr(Ledger, "once", lambda self, key, make: make())
    monkeypatch.setattr(Ledger, "made", lambda self, keys: [])  # nothing made ahead to adopt
    assert _pages(kb) == reused


def test_a_card_says_where_its_finding_was_seen_escaped_once() -> None:
    """The condition added to a reused card on a treatment's page is escaped once, like the
    rest of the card, and a condition's own page does not repeat it."""
    kb, _ = check_dir(FIXTURE, today=TODAY)
    condition = kb.of("condition")[0]
    condition.doc.data["name"] = "Aches & <pains>"
    pages = dict(_pages(kb))
    modality = next(t for p, t in pages.items() if p.startswith("modalities/") and "Outcome" in t)
    assert "**Outcome:**" in modality
    assert "in [Aches &amp; &lt;pains&gt;](" in modality
    assert "&amp;amp;" not in "".join(pages.values())
    assert ", in [" not in pages[f"conditions/{condition.id}.md"]


def test_templates_print_through_the_quick_escape_and_still_escape_text() -> None:
    """The compiled templates call engine.escape_text (Markup passes through uncopied); plain text
    is escaped as before, and a dict key or an entity field reads as Jinja would read it."""
    from markupsafe import Markup

    from cryokb.render import engine
    from cryokb.render import render as render_module

    kb, _ = check_dir(FIXTURE, today=TODAY)
    r = render_module.Renderer(kb, TODAY, render_module.Site(), {}, "v")
    template = r.env.from_string("{{ a }}|{{ b }}|{{ d.k }}|{{ e.id }}:{{ e.name }}|{{ d.items }}")
    assert template.root_render_func.__globals__["escape"] is engine.escape_text
    e = kb.of("condition")[0]
    out = template.render(a="<x>", b=Markup("<i>"), d={"items": 1, "k": "&"}, e=e)
    assert out.startswith(f"&lt;x&gt;|<i>|&amp;|{e.id}:{e['name']}|&lt;built-in method items")
    from markupsafe import escape

    for value in ["<a href='x' title=\"y\">&</a>", "plain", 3, None, Markup("<b>")]:
        quick = engine.escape_text(value)
        assert quick == escape(value) and type(quick) is Markup


def test_templates_call_plain_functions_directly_and_others_as_jinja_does() -> None:
    """engine._Context calls a plain function at once; one that asks for the context (Jinja's
    pass_context), a macro or a callable object still gets what Jinja gives it."""
    from jinja2 import pass_context

    from cryokb.render import engine

    env = engine.environment()
    assert env.context_class is engine._Context
    assert env.from_string("x").globals is env.globals  # a plain dict, not a ChainMap

    class Shout:
        def __call__(self, text: str) -> str:
            return text.upper()

    env.globals.update(
        plain=lambda x: x * 2,
        ctx=pass_context(lambda context, key: context[key]),
        shout=Shout(),
        method="a-b".split,
    )
    template = env.from_string(
        "{% macro m(x) %}<{{ x }}>{% endmacro %}"
        "{{ plain(2) }} {{ ctx('v') }} {{ shout('y') }} {{ method('-')|join('+') }} {{ m(1) }}"
        "{% for i in [1] %} {{ plain(i) }} {{ ctx('v') }}{% endfor %}"
    )
    assert template.render(v="seen") == "4 seen Y a+b <1> 2 seen"
