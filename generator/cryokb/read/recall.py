"""What the preview remembers between rebuilds: each file's parse, by its exact text, so a save
parses only the file it changed. Off unless `remember()` was called (`mkdocs serve --dirty`):
a build parses each file once and keeps nothing. A parse is kept pickled and handed out as a
fresh copy, so no build sees what another one changed."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_kept: dict[tuple[str, str], bytes] = {}
_on = [False]


def remember(on: bool = True) -> None:
    """Keep parses from now on, or (`on` False) keep nothing: the preview calls this once, at
    its start."""
    _on[0] = on
    if not on:
        _kept.clear()


def parsed(name: str, text: str, parse: Callable[[str, str], T]) -> T:
    """`parse(name, text)`, or a copy of what it gave for this name and text before."""
    if not _on[0]:
        return parse(name, text)
    if (kept := _kept.get((name, text))) is None:
        made = parse(name, text)
        try:
            kept = pickle.dumps(made, protocol=5)
        except RecursionError:  # data nested too deep to keep: parsed again next time
            return made
        for old in [k for k in _kept if k[0] == name]:
            del _kept[old]  # the file's earlier text
        _kept[name, text] = kept
    found: T = pickle.loads(kept)
    return found
