"""The document model: the only thing the writers see.

Frozen, slotted dataclasses in the spirit of pandoc's AST. The parser builds a
:class:`Letter`; the numbering pass returns a copy with section, footnote and
reference numbers filled in. No I/O here and no imports from the package.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

# --------------------------------------------------------------------------- inlines


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True, slots=True)
class Emph:
    """Italic text (``*x*``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strong:
    """Bold text (``**x**``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Code:
    """Inline code, set in the body font (letters have no monospace)."""

    text: str


@dataclass(frozen=True, slots=True)
class Link:
    """An external hyperlink."""

    children: tuple[Inline, ...]
    target: str


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break within a paragraph."""


@dataclass(frozen=True, slots=True)
class NoteRef:
    """A footnote call ``[^label]``; ``number`` is set by the numbering pass."""

    label: str
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Ref:
    """A cross-reference to a heading (``ref("id")``).

    The numbering pass fills ``number`` ("2", "1.1") for a numbered heading, or
    ``title`` (the heading's plain text) for an unnumbered one.
    """

    target: str
    number: str | None = None
    title: str | None = None

    @property
    def label(self) -> str:
        """What the reader sees after "paragraaf ": the number or the quoted title."""
        if self.number is not None:
            return self.number
        return f"\u2018{self.title or self.target}\u2019"

    @property
    def text(self) -> str:
        """The whole reference as printed: ``paragraaf 2``."""
        return f"paragraaf {self.label}"


Inline = Text | Emph | Strong | Code | Link | LineBreak | NoteRef | Ref

# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True, slots=True)
class Heading:
    """A section (level 1), subsection (2) or sub-subsection (3) heading."""

    level: int
    inlines: tuple[Inline, ...]
    id: str | None = None
    numbered: bool = True
    number: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of running text."""

    inlines: tuple[Inline, ...]
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of a list: a sequence of blocks (usually one paragraph)."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bullet list or a numbered list; numbered lists restart at ``start``."""

    ordered: bool
    items: tuple[ListItem, ...]
    start: int = 1
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A table with one header row; ``align`` holds 'left', 'center', 'right' or None.

    ``caption``: its caption (a ``: …`` paragraph next to it in the template), set above
    it; ``caption_line`` that paragraph's line.
    """

    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    align: tuple[str | None, ...]
    line: int | None = None
    caption: tuple[Inline, ...] = ()
    caption_line: int | None = None


@dataclass(frozen=True, slots=True)
class BlockQuote:
    """A quotation, set indented."""

    blocks: tuple[Block, ...]
    line: int | None = None


Block = Heading | Paragraph | ListBlock | Table | BlockQuote


@dataclass(frozen=True, slots=True)
class Footnote:
    """A footnote's text; ``number`` is its printed number (by order of first call)."""

    label: str
    blocks: tuple[Block, ...]
    number: int | None = None


# --------------------------------------------------------------------------- letter


@dataclass(frozen=True, slots=True)
class Afzender:
    """The sender, printed in the colofon (right-hand column)."""

    organisatie: str
    bezoekadres: tuple[str, ...] = ()
    postadres: tuple[str, ...] = ()
    onderdeel: str | None = None
    website: str | None = None
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Ondertekenaar:
    """One signatory: function (``De minister van …,``) and name."""

    functie: str
    naam: str


@dataclass(frozen=True, slots=True)
class Meta:
    """The letter's metadata (the ``brief:`` mapping), already formatted for print."""

    betreft: str
    datum: date
    datum_tekst: str
    kenmerk: str
    afzender: Afzender
    ondertekenaars: tuple[Ondertekenaar, ...]
    geadresseerde: tuple[str, ...] = ()
    uw_kenmerk: str | None = None
    aanhef: str = "Geachte voorzitter,"
    slot: str | None = None
    bijlagen: tuple[str, ...] = ()
    nummering: bool = True
    concept: bool = False
    soort: str = "kamerbrief"  # the document type (DESIGN §4a): kamerbrief or antwoorden


# --------------------------------------------------------------------------- parts


@dataclass(frozen=True, slots=True)
class Question:
    """A written question of parliament, as its text reads (footnote calls aside)."""

    number: int
    inlines: tuple[Inline, ...]

    @property
    def label(self) -> str:
        """``Vraag 2``."""
        return f"Vraag {self.number}"


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer: the questions it answers (one or more, in order) and its text."""

    questions: tuple[Question, ...]
    blocks: tuple[Block, ...]

    @property
    def numbers(self) -> tuple[int, ...]:
        """The numbers of the questions answered: ``(2, 3)``."""
        return tuple(q.number for q in self.questions)

    @property
    def label(self) -> str:
        """``Antwoord 1``, ``Antwoord 2 en 3``, ``Antwoord 4, 5 en 6``."""
        return "Antwoord " + join_numbers(self.numbers)


@dataclass(frozen=True, slots=True)
class AnswersPart:
    """The answers to written questions: a title line, then each answer with its questions.

    Starts on a new page; it has no section numbering and no signature.
    """

    title: tuple[Inline, ...]
    answers: tuple[Answer, ...]


Part = AnswersPart


def join_numbers(numbers: tuple[int, ...]) -> str:
    """``2`` / ``2 en 3`` / ``4, 5 en 6``."""
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en " + words[-1]


# --------------------------------------------------------------------------- the document


@dataclass(frozen=True, slots=True)
class Letter:
    """A whole document: metadata, the letter's body blocks, the footnotes of the whole
    document, and the parts that follow the letter, each on a new page (the answers to
    written questions). A plain Kamerbrief has no parts."""

    meta: Meta
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...] = field(default=())
    parts: tuple[Part, ...] = field(default=())


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text of inlines as a reader sees it (footnote calls as their numbers)."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, (Text, Code)):
            out.append(node.text)
        elif isinstance(node, (Emph, Strong, Link)):
            out.append(plain_text(node.children))
        elif isinstance(node, LineBreak):
            out.append("\n")
        elif isinstance(node, NoteRef):
            out.append(str(node.number) if node.number is not None else "")
        elif isinstance(node, Ref):
            out.append(node.text)
        else:  # pragma: no cover - the model is closed
            raise TypeError(f"unknown inline node {type(node).__name__}")
    return "".join(out)


def inline_runs(block: Block) -> Iterator[tuple[Inline, ...]]:
    """Every run of inlines in ``block``, in reading order: a paragraph's or heading's text,
    a table's caption and cells, and those of the blocks inside lists and quotes."""
    if isinstance(block, Paragraph | Heading):
        yield block.inlines
    elif isinstance(block, ListBlock):
        for item in block.items:
            for child in item.blocks:
                yield from inline_runs(child)
    elif isinstance(block, Table):
        if block.caption:
            yield block.caption
        for row in (block.header, *block.rows):
            yield from row
    elif isinstance(block, BlockQuote):
        for child in block.blocks:
            yield from inline_runs(child)
    else:
        raise TypeError(f"unknown block {type(block).__name__}")
