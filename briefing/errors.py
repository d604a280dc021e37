"""The one error hierarchy of briefing.

Every problem a user can cause is an :class:`InputError` that knows the file and,
where known, the line and column; the CLI only prints these. Nothing here imports
from the rest of the package.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class BriefingError(Exception):
    """Base of every error briefing raises on purpose."""


class InputError(BriefingError):
    """A problem in the user's input, located in a file (and line, column)."""

    def __init__(
        self,
        message: str,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.hint = hint

    @property
    def location(self) -> str:
        """``file:line:column`` as far as known (empty when nothing is known)."""
        parts = [self.file or "?"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts) if self.file or self.line else ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class FactsError(InputError):
    """The letter file or a shared-facts file is not valid."""


class TemplateError(InputError):
    """The template cannot be rendered, or renders to something invalid."""


class PlaceholderError(InputError):
    """The letter still holds placeholder text such as ``[naam]``, ``XXX`` or ``TODO``."""


class OutputError(BriefingError):
    """An output file cannot be written (permissions, disk, an edited DOCX, a lock)."""


class UsageError(BriefingError):
    """The command was called wrongly (unknown letter, bad option); exit status 2."""


class Problems(BriefingError):
    """Several input problems at once, so that a user sees them all in one run."""

    def __init__(self, problems: Iterable[InputError]) -> None:
        # The same problem (a shared-facts file read for each letter) is listed once.
        self.problems = list({str(p): p for p in problems}.values())
        super().__init__("\n".join(str(p) for p in self.problems))
