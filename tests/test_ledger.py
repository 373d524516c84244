"""Ledger: a block rendered once cites and traces on every page it is reused on."""

from __future__ import annotations

from markupsafe import Markup

from cryokb.read.model import Entity
from cryokb.read.yamlio import Document
from cryokb.render.ledger import Ledger


def _page(name: str) -> Entity:
    return Entity("condition", name, Document(f"{name}.yaml", {"name": name}))


def test_a_reused_block_cites_and_traces_again_on_each_page() -> None:
    ledger = Ledger({"a": 1, "b": 2}, {"a": "/a.md", "b": "/b.md"})
    made: list[str] = []

    def block() -> Markup:
        made.append("once")
        return ledger.cite([{"ref": "a"}]) + Markup(ledger.mark("5 minutes", "b"))

    first, second = _page("first"), _page("second")
    ledger.begin(first)
    ledger.cite([{"ref": "b"}])
    text = ledger.once("card", block)
    assert list(ledger.cited) == ["b", "a"]
    ledger.begin(second)
    assert ledger.once("card", block) == text and made == ["once"]
    assert list(ledger.cited) == ["a", "b"]  # in the order the block cites them
    assert ledger.traced["b"] == [("5 minutes", first), ("5 minutes", second)]
    assert ledger.once("other", lambda: Markup("x")) == "x" and made == ["once"]


def test_a_block_inside_a_block_is_replayed_with_it() -> None:
    ledger = Ledger({"a": 1}, {"a": "/a.md"})
    page = _page("p")
    ledger.begin(page)
    ledger.once("outer", lambda: ledger.once("inner", lambda: ledger.cite([{"ref": "a"}])))
    ledger.begin(_page("q"))
    ledger.once("outer", lambda: Markup("never made"))
    assert list(ledger.cited) == ["a"]


def test_figures_traced_in_a_copy_come_back_after_those_traced_here() -> None:
    here, there = Ledger({}, {}), Ledger({}, {})
    a, b = _page("a"), _page("b")
    here.begin(a)
    here.trace("1 minute", "ref")
    there.begin(b)
    there.trace("2 minutes", "ref")
    here.absorb(there.export(), lambda kind, ident: {"a": a, "b": b}[ident])
    assert here.traced["ref"] == [("1 minute", a), ("2 minutes", b)]


def test_a_block_made_ahead_in_another_ledger_cites_and_traces_where_it_is_shown() -> None:
    ahead, here = Ledger({"a": 1}, {"a": "/a.md"}), Ledger({"a": 1}, {"a": "/a.md"})
    text = ahead.once("card", lambda: Markup(ahead.mark("5 minutes", "a")))
    assert ahead.traced == {}  # made on no page: nothing traced there
    here.adopt(ahead.made(["card"]))
    page = _page("p")
    here.begin(page)
    assert here.once("card", lambda: Markup("never made")) == text
    assert list(here.cited) == ["a"]
    assert here.traced["a"] == [("5 minutes", page)]
