"""The text-safety check's shortcuts give the same answers as its full path."""

from __future__ import annotations

import random

from cryokb.rules.textsafety import unsafe

PIECES = [
    "a",
    "{",
    "}",
    "{: #x }",
    "#",
    "# ",
    "![",
    "[",
    "*[",
    "]:",
    "--8<--",
    "&shy;",
    "\u202e",
    "\x02",
    "Z",
    "1",
    " ",
    "\n",
    "\t",
    ":",
    "<",
    ">",
    "=",
    "%",
    "]",
    "(",
    ")",
    "&",
    "#",
    ";",
    "/",
    "\\",
    "script",
    "java",
    "on",
    "load",
    "data",
    "text/html",
    "&lt;",
    "&#58;",
    "%3C",
    "%3a",
    "](",
    "https://",
    "x.md",
    "é",
    "\u2013",
    "\uff53",
    "\u200b",
    "\x00",
    "[@key]",
    "b>",
    "img",
]


def test_quick_path_agrees_with_the_full_path() -> None:
    rng = random.Random(20261127)
    found = 0
    for _ in range(50_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        quick, full = unsafe(text), unsafe(text, quick=False)
        assert quick == full and getattr(quick, "needle", "") == getattr(full, "needle", ""), text
        found += full is not None
    assert 1_000 < found < 49_000  # both kinds of text were tried


def test_the_quick_path_still_catches_script() -> None:
    assert unsafe("see javascript:alert(1)")
    assert unsafe("a <b>bold</b> claim")
    assert unsafe("x onload=alert(1)")
    assert unsafe("[link](javascript:alert(1))")
    assert unsafe("A plain sentence, with commas; and (brackets).") is None
