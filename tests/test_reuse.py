"""The preview's reuse of pages between rebuilds (generator/cryokb/render/reuse.py): after any
edit, a render that reuses the last build's pages equals a render from nothing, byte for byte,
and it renders again only a share of the pages."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cryokb.read.model import KnowledgeBase
from cryokb.render.links import Site
from cryokb.render.pages import Page, render
from cryokb.render.reuse import Reuse
from cryokb.rules.check import check_dir
from tests.conftest import MINIMAL, ROOT

TODAY = date(2026, 3, 1)
SITE = Site(url="https://example.org/kb/", repo="https://example.org/repo")


def _load(root: Path) -> KnowledgeBase:
    kb, problems = check_dir(root, today=TODAY if root == MINIMAL else date.today())
    assert not [p for p in problems if p.is_error]
    kb.forget_positions()  # as the hook does before it renders
    return kb


def _render(kb: KnowledgeBase, reuse: Reuse | None = None) -> dict[str, Page]:
    return render(kb, today=TODAY, site=SITE, version="v1", reuse=reuse)


def _edited(value: Any) -> Any:
    """The value with every sentence and name changed, and every number but years moved."""
    if isinstance(value, dict):
        return {k: (v if k in ("id", "ref", "level") else _edited(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_edited(v) for v in value]
    if isinstance(value, str) and " " in value and (len(value) > 25 or value[:1].isupper()):
        return value + " Zq 7 mg"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return value if 1900 < value < 2100 else value + 1


def _sample(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """The first and the last entity of each kind, and the questionnaire."""
    out = []
    for kind in kb.entities:
        ids = sorted(kb.entities[kind])
        out += [(kind, i) for i in dict.fromkeys(ids[:1] + ids[-1:])]
    return out + ([("questionnaire", "")] if kb.questionnaire else [])


@pytest.mark.parametrize("root", [MINIMAL, ROOT / "data"], ids=["minimal", "data"])
def test_a_reused_render_equals_a_fresh_one_after_each_edit(root: Path) -> None:
    kb = _load(root)
    reuse = Reuse()
    assert _render(kb, reuse) == _render(kb)
    for kind, id_ in _sample(kb):
        e = kb.questionnaire if kind == "questionnaire" else kb.get(kind, id_)
        assert e is not None
        before = e.doc.data
        e.doc.data = _edited(copy.deepcopy(before))
        reused, fresh = _render(kb, reuse), _render(kb)
        assert reused == fresh, f"{kind} {id_}: a reused page differs from a fresh render"
        e.doc.data = before
        assert _render(kb, reuse) == _render(kb)


def test_an_edit_to_one_study_renders_few_pages_again() -> None:
    kb = _load(ROOT / "data")
    reuse = Reuse()
    _render(kb, reuse)
    total = reuse.made
    study = kb.of("study")[0]
    study.doc.data = {**study.data, "population": study["population"] + " Zq"}
    _render(kb, reuse)
    assert 1 <= reuse.made <= total // 4, (reuse.made, total)
    assert reuse.reused == total - reuse.made


def test_a_bibliography_edit_renders_every_page_again() -> None:
    kb = _load(MINIMAL)
    reuse = Reuse()
    _render(kb, reuse)
    total = reuse.made
    key, ref = next(iter(kb.references.items()))
    fields = {**ref.fields, "title": ref.get("title") + " Zq"}
    kb.references[key] = dataclasses.replace(ref, fields=fields)
    assert _render(kb, reuse) == _render(kb)
    assert reuse.made == total and reuse.reused == 0


def test_a_build_without_reuse_keeps_nothing() -> None:
    kb = _load(MINIMAL)
    reuse = Reuse(keep=False)
    _render(kb, reuse)
    assert reuse.kept == {} and reuse.made == 0


def test_the_preview_parses_only_a_changed_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from cryokb.read import recall, yamlio

    shutil.copytree(MINIMAL, tmp_path / "data")
    calls: list[str] = []
    parse = yamlio._parse

    def counted(name: str, text: str) -> object:
        calls.append(name)
        return parse(name, text)

    monkeypatch.setattr(yamlio, "_parse", counted)
    check_dir(tmp_path / "data", today=TODAY)
    assert calls  # off by default: every build parses every file
    first = len(calls)
    check_dir(tmp_path / "data", today=TODAY)
    assert len(calls) == 2 * first
    monkeypatch.setattr(recall, "_on", [True])
    monkeypatch.setattr(recall, "_kept", {})
    kb, _ = check_dir(tmp_path / "data", today=TODAY)
    kb2, _ = check_dir(tmp_path / "data", today=TODAY)
    assert len(calls) == 3 * first  # the second preview build parsed nothing
    one = kb.of("condition")[0]
    assert kb2.of("condition")[0].data == one.data
    assert kb2.of("condition")[0].data is not one.data  # a copy: no build sees another's
    target = next((tmp_path / "data" / "conditions").glob("*.yaml"))
    target.write_text(target.read_text().replace("\nname: ", "\nname: Zq ", 1))
    kb3, problems = check_dir(tmp_path / "data", today=TODAY)
    assert len(calls) == 3 * first + 1  # only the saved file
    assert kb3.get("condition", target.stem)["name"].startswith("Zq ")
    kb3.forget_positions()  # as a build does: a kept parse must still place its problems
    text = target.read_text().replace("\nname: Zq ", "\nnmae: Zq ", 1)
    target.write_text(text)
    line = text[: text.index("nmae")].count("\n") + 1
    for _ in range(2):  # parsed, then recalled
        kb4, problems = check_dir(tmp_path / "data", today=TODAY)
        bad = [p for p in problems if p.is_error and "nmae" in p.message]
        assert bad and bad[0].file.endswith(target.name) and bad[0].line == line
        kb4.forget_positions()


def test_only_a_dirty_preview_remembers_parses() -> None:
    from cryokb.read import recall
    from cryokb.site import preview

    try:
        preview.start(serve=True, dirty=True)
        assert recall._on[0] and preview.reuse() is not None
        recall.parsed("x.yaml", "a: 1", lambda n, t: {"a": 1})
        assert recall._kept
    finally:
        preview.start(serve=False, dirty=False)
    assert not recall._on[0] and not recall._kept and preview.reuse() is None
