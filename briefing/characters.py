"""Characters that cannot appear in a letter, found where they enter: facts and templates.

A DOCX is XML 1.0, which has no place for most control characters (``\\x0b`` from a
copied Word line break, ``\\x1b`` from a terminal, NUL), lone surrogates or U+FFFE
and U+FFFF. lxml refuses them deep inside the DOCX writer; briefing finds them in
the file they were typed in, so the author hears where (file, line, column). The
Unicode line and paragraph separators (U+2028, U+2029) and NEL (U+0085) are refused
too: they are line breaks to some programs and not to others (WeasyPrint crashes on a
space before U+2029), so the two formats could not say the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from briefing.errors import InputError

__all__ = ["check", "describe", "find_invalid"]

# Everything XML 1.0 does not allow: C0 controls except tab, LF and CR; surrogates; FFFE/FFFF.
INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x85\u2028\u2029\ud800-\udfff\ufffe\uffff]")

_NAMES = {
    "\x00": "NUL",
    "\x0b": "verticale tab: een regeleinde uit Word?",
    "\x0c": "pagina-einde",
    "\x1b": "escape",
    "\x85": "regeleinde (NEL)",
    "\u2028": "regelscheiding: een regeleinde uit een ander programma?",
    "\u2029": "alineascheiding: een alinea-einde uit een ander programma?",
}


def describe(char: str) -> str:
    """``U+000B (verticale tab …)``: the character as an author can look it up."""
    if char in _NAMES:
        name = _NAMES[char]
    elif "\ud800" <= char <= "\udfff":
        name = "halve UTF-16-code"
    elif char in "\ufffe\uffff":
        name = "geen teken"
    else:
        name = unicodedata.name(char, "stuurteken")
    return f"U+{ord(char):04X} ({name})"


def find_invalid(text: str) -> Iterator[tuple[int, int, str]]:
    """Every invalid character in ``text`` as (line, column, character), both from 1."""
    for match in INVALID.finditer(text):
        start = match.start()
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        yield line, column, match.group()


def check(text: str, file: str | Path, error: type[InputError]) -> None:
    """Raise ``error`` at the first invalid character of ``file``'s ``text``, if it has one."""
    invalid = next(find_invalid(text), None)
    if invalid is not None:
        line, column, char = invalid
        raise error(
            f"het teken {describe(char)} kan niet in een brief", file, line, column,
            hint="verwijder het; het komt vaak mee bij kopiëren uit een ander programma",
        )
