"""Find placeholder text left in a letter: ``[naam]``, ``[…]``, ``XXX``, ``TODO``.

A placeholder is bracketed text that is neither a link nor a footnote (those are
parsed away before this runs), or the words XXX and TODO.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from briefing.model import Block, Letter, inline_runs, plain_text

PATTERN = re.compile(r"\[[^\[\]\n]*\]|\bXXX\b|\bTODO\b")


def find(letter: Letter) -> list[str]:
    """Every placeholder in the letter's text and metadata, in order, each once."""
    found: dict[str, None] = {}
    for text in _texts(letter):
        for match in PATTERN.finditer(text):
            found.setdefault(match.group(0))
    return list(found)


def _texts(letter: Letter) -> Iterator[str]:
    meta = letter.meta
    yield from (meta.betreft, meta.kenmerk, meta.uw_kenmerk or "", meta.aanhef, meta.slot or "")
    yield from meta.geadresseerde
    yield from meta.bijlagen
    for person in meta.ondertekenaars:
        yield person.functie
        yield person.naam
    for block in letter.blocks:
        yield from _block_texts(block)
    for note in letter.footnotes:
        for block in note.blocks:
            yield from _block_texts(block)
    # The answers part: its title and the answers. Not the questions: they are parliament's
    # text, copied verbatim, where '[…]' may well stand for an omission.
    for part in letter.parts:
        yield plain_text(part.title)
        for answer in part.answers:
            for block in answer.blocks:
                yield from _block_texts(block)


def _block_texts(block: Block) -> Iterator[str]:
    return (plain_text(run) for run in inline_runs(block))
