"""Read one YAML file into plain data, keeping the line and column of every value."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cryokb.read import files, recall
from cryokb.read.problems import Problem

Path_ = tuple[str | int, ...]
MAX_BYTES = 512 * 1024
# libyaml's parser when PyYAML has it: about 12 times faster, with the same line and column marks
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 20
_STR, _TIMESTAMP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"
# Where an anchor (&a), an alias (*a) or a tag (!t) could start; text without one needs no scan.
_MARKER = re.compile(r"(?:^|[\s\[{,])[&*!]", re.MULTILINE)


@dataclass
class Positions:
    """Where each value and key of a document sits: (line, column), from 1."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Document:
    """A parsed YAML file: its data, and its text to find where each value sits.

    Positions are worked out only when a problem asks for one (parsing the text again): most
    files have none, and the maps cost more time and memory than the data itself.
    """

    file: str
    data: Any
    text: str = ""
    problems: list[Problem] = field(default_factory=list)  # found while reading, not fatal
    _positions: Positions | None = field(default=None, repr=False)
    source: str = ""  # the file to read the text from again, once it is shed

    def shed(self, source: Path) -> None:
        """Drop the text, to be read again from `source` if a problem needs a position: a
        forked copy sends back only the data, and a build holds no file's text."""
        self.text, self.source = "", str(source)

    def full_text(self) -> str:
        """The file's text: as read, or read again after `shed`."""
        if not self.text and self.source:
            try:
                self.text = Path(self.source).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self.source = ""  # gone since: positions fall back to the file's start
        return self.text

    @property
    def positions(self) -> Positions:
        if self._positions is None:
            self._positions = Positions()
            text = self.full_text()
            node = yaml.compose(text, Loader=LOADER) if text else None
            if node is not None:  # the text loaded once, so it loads again
                _Builder(self, self._positions).build(node, ())
        return self._positions

    @property
    def values(self) -> dict[Path_, tuple[int, int]]:
        return self.positions.values

    @property
    def keys(self) -> dict[Path_, tuple[int, int]]:
        return self.positions.keys

    @property
    def lines(self) -> list[str]:
        return self.full_text().splitlines()

    def forget(self) -> None:
        """Drop the text and positions, which only problems need."""
        self.text, self._positions, self.source = "", None, ""

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value (or key) at `path`, else of its nearest parent."""
        values = self.values
        table = self.keys if key else values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in values:
                return values[p]
            p = p[:-1]
        return values.get((), (1, 1))

    def problem(
        self,
        path: Path_,
        message: str,
        *,
        key: bool = False,
        needle: str = "",
        severity: str = "error",
    ) -> Problem:
        """A problem at `path`; with `needle`, at the line of the value that holds it."""
        line, col = self.where(path, key=key)
        if needle:
            line, col = self._find(line, col, needle)
        return Problem(self.file, line, col, message, severity)

    def _find(self, line: int, col: int, needle: str) -> tuple[int, int]:
        """Where `needle` first starts at or after (line, col): block scalars span lines."""
        lines = self.lines
        for n in range(line - 1, min(len(lines), line + 200)):
            start = lines[n].find(needle, col - 1 if n == line - 1 else 0)
            if start >= 0:
                return n + 1, start + 1
        return line, col


class _Builder:
    """Turns composed nodes into Python data, rejecting duplicate keys and deep nesting; with
    `positions`, also records where each value and key sits."""

    def __init__(self, doc: Document, positions: Positions | None = None) -> None:
        self.doc = doc
        self.positions = positions
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path_) -> Any:
        mark = node.start_mark
        if self.positions is not None:
            self.positions.values[path] = (mark.line + 1, mark.column + 1)
        if len(path) > MAX_DEPTH:
            raise _Fail(mark, f"nesting deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                is_str = key_node.tag == _STR
                key = key_node.value if is_str else self.constructor.construct_object(key_node)
                if not isinstance(key, str):
                    raise _Fail(key_node.start_mark, f"key {key!r} must be a string")
                at = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in out:  # reported, and the first value kept, so the file still loads
                    if self.positions is None:  # on the first reading only
                        self.doc.problems.append(
                            Problem(self.doc.file, *at, f"duplicate key '{key}'")
                        )
                    continue
                if self.positions is not None:
                    self.positions.keys[(*path, key)] = at
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag in (_STR, _TIMESTAMP):  # as written; dates stay ISO strings for the schema
            return node.value
        value = self.constructor.construct_object(node)
        if isinstance(value, float) and not math.isfinite(value):  # .nan, .inf: not JSON
            raise _Fail(node.start_mark, f"'{node.value}' is not a finite number")
        return value


class _Fail(Exception):
    def __init__(self, mark: Any, message: str) -> None:
        self.mark = mark
        self.message = message


def _refused(text: str) -> tuple[Any, str] | None:
    """The first anchor, alias or explicit tag in `text`: the data needs none, and aliases
    expand exponentially ("billion laughs") while tags publish types `safe_load` refuses."""
    if not _MARKER.search(text):
        return None
    for event in yaml.parse(text, Loader=LOADER):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark, f"YAML alias '*{anchor}' is not allowed: write it out"
        if anchor:
            return event.start_mark, f"YAML anchor '&{anchor}' is not allowed"
        if (tag := getattr(event, "tag", None)) is not None:
            return event.start_mark, f"YAML tag '{tag}' is not allowed: write plain values"
    return None


def load(path: Path, name: str, root: Path | None = None) -> Document | Problem:
    """Load `path` (reported as `name`; a regular file inside `root`, at most MAX_BYTES), or
    return the first problem that stops it."""
    raw = files.read(path, root or path.parent, name, MAX_BYTES)
    if isinstance(raw, Problem):
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Problem(name, line, 1, "file is not valid UTF-8 text")
    return recall.parsed(name, text, _parse)


def _parse(name: str, text: str) -> Document | Problem:
    """The text of the file reported as `name`, read."""
    doc = Document(name, None, text=text)
    try:
        if found := _refused(text):
            return Problem(name, found[0].line + 1, found[0].column + 1, found[1])
        node = yaml.compose(text, Loader=LOADER)
        if node is None:
            return Problem(name, 1, 1, "file is empty")
        doc.data = _Builder(doc).build(node, ())
    except _Fail as exc:
        return Problem(name, exc.mark.line + 1, exc.mark.column + 1, exc.message)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return Problem(name, line, col, f"YAML syntax error: {exc.problem or exc.context}")
    except yaml.YAMLError as exc:
        return Problem(name, 1, 1, f"YAML error: {exc}")
    except RecursionError:
        return Problem(name, 1, 1, "nesting too deep to read")
    return doc
