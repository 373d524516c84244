"""Text fields are Markdown without raw HTML: find anything that could run as script."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

_TAG = re.compile(r"<[A-Za-z!?/]")
_SCHEME = re.compile(r"(?:java|vb|live)script\s*:|data\s*:\s*[a-z]+/", re.IGNORECASE)
_HANDLER = re.compile(r"\bon[a-z]{3,}\s*=", re.IGNORECASE)
_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_SAFE_LINK = re.compile(r"^(https?://|mailto:|#|/|\.\.?/|[A-Za-z0-9_-]+(/|\.md|#|$))", re.I)


_PLAIN = re.compile(r"[ -%'-~\n]*\Z")  # printable ASCII with no '&': nothing to undo
# _PLAIN without < : = % ] { [ # (no rule can match plain text without one of them), in one pattern
_QUICK = re.compile(r"[\x20-\x22\x24\x27-\x39\x3b\x3e-\x5a\x5c\x5e-\x7a\x7c-\x7e\n]*\Z")


def _normalise(text: str, quick: bool = True) -> str:
    """Undo the tricks that hide a scheme: entities, escapes, control and spacing characters."""
    if quick and _PLAIN.match(text):
        return text
    text = html.unescape(html.unescape(text))
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == "\n")


# What the renderer would turn into something else than the words the checker read: Python-
# Markdown's attribute lists ({: #id .class key=value}, which set ids, targets and overlays),
# images, snippet includes, link and abbreviation definitions, headings (ids of their own) and
# character references. The site never needs them in data text.
_MARKDOWN = [
    (re.compile(r"\{:?[ ]*[^}\n ][^}\n]*\}"), "attribute lists such as {: #id } are not allowed"),
    (re.compile(r"!\["), "images are not allowed in text"),
    (re.compile(r"-+8<-+"), "snippet markers (--8<--) are not allowed in text"),
    (
        re.compile(r"^[ \t]*\*?\[[^\]\n]+\]:", re.M),
        "Markdown definitions ([x]: ...) are not allowed",
    ),
    (re.compile(r"^[ \t]*#{1,6}(?:[ \t]|$)", re.M), "headings (#) are not allowed in text"),
    (
        re.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);"),
        "character references such as &shy; are not allowed (write the character itself)",
    ),
]
_VISIBLE = re.compile(r"\\(?=[!-/:-@\[-`{-~])|[*_`~]")  # escapes and emphasis marks


def visible(text: str) -> str:
    """The words a reader sees once Markdown has rendered `text`: emphasis marks and backslash
    escapes removed (`prob*ab*ly` reads as "probably")."""
    return _VISIBLE.sub("", text)


def _invisible(text: str) -> str | None:
    """The first control, format (bidirectional overrides, zero-width) or unassigned
    character: text that shows other words than the data holds, or hides a renderer marker."""
    for ch in text:
        kind = unicodedata.category(ch)
        if (kind[0] == "C" or kind in ("Zl", "Zp")) and ch not in "\n\t":
            return ch
    return None


# Characters in one text (a data field or a BibTeX field). The longest in the data is about 600;
# the bound keeps rendering in proportion (Python-Markdown slows more than linearly on one huge
# paragraph of links: bench/linear.py).
MAX_TEXT = 3000


class Unsafe(str):
    """Why a text is not allowed; `needle` is a snippet of the raw text to locate it by."""

    needle: str = ""


def _why(message: str, needle: str) -> Unsafe:
    out = Unsafe(message)
    out.needle = needle
    return out


def unsafe(text: str, quick: bool = True) -> Unsafe | None:
    """Why `text` is not allowed, or None when it is plain Markdown. `quick` skips the work
    for texts no rule can match (most of them): a test holds it to the same answers."""
    if quick and _QUICK.match(text):
        return None
    plain = _normalise(text, quick)
    plain = plain + "\n" + unquote(plain)  # percent-encoding hides nothing either
    squeezed = re.sub(r"[\s\\]+", "", plain)
    if m := _TAG.search(plain):
        return _why("raw HTML is not allowed in text (write Markdown)", _raw(text, m.group(0)))
    if _SCHEME.search(squeezed):
        return _why("script or data URLs are not allowed in text", "")
    if m := _HANDLER.search(plain):
        return _why("event-handler attributes are not allowed in text", _raw(text, m.group(0)))
    for target in _LINK.findall(plain):
        if target and not _SAFE_LINK.match(target):
            return _why(
                f"link target '{target}' is not allowed (use https://, mailto: or a page path)",
                _raw(text, target),
            )
    if ch := _invisible(text):
        name = unicodedata.name(ch, "a control character")
        return _why(f"invisible character U+{ord(ch):04X} ({name}) is not allowed in text", ch)
    for pattern, message in _MARKDOWN:
        if m := pattern.search(text):
            return _why(message, m.group(0).strip())
    return None


def _raw(text: str, found: str) -> str:
    """`found` when it appears as written in `text` (not only after decoding), else ''."""
    return found if found in text else ""
