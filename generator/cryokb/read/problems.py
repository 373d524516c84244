"""A data problem: where it is and what is wrong, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, at a 1-based line and column (0 when unknown).

    `severity` is "error" (blocks the build) or "warning" (printed, exit 0 unless --strict).
    """

    file: str
    line: int
    column: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def github(self) -> str:
        """The same problem as a GitHub Actions workflow command."""
        msg = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{self.severity} file={self.file},line={self.line},col={self.column}::{msg}"


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems that block a build."""
    return [p for p in problems if p.is_error]
