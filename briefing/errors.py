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
    """The template cannot be rendered, or renders to something invalid.

    A problem found in the generated Markdown knows only that text's line; ``kind`` and
    ``subject`` say what it is about, so that it can be found in the template:

    ``ref``                  a reference to an unknown heading id; subject: the id
    ``footnote-call``        a footnote called but not defined; subject: its label
    ``footnote-definition``  a footnote defined but not called; subject: its label
    ``image``                an image; subject: its source
    ``link``                 a link that cannot be in a letter; subject: its target
    ``html``                 raw HTML; subject: the tag as written
    """

    def __init__(
        self,
        message: str,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        *,
        kind: str | None = None,
        subject: str | None = None,
    ) -> None:
        super().__init__(message, file, line, column, hint)
        self.kind = kind
        self.subject = subject


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
