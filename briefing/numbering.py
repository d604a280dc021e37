"""The numbering pass: a pure function Letter → Letter.

Section numbers (1, 1.1, 1.1.1), footnote numbers (by order of first call) and the
text of cross-references are computed here, once, so both writers print the same.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import replace

from briefing.errors import TemplateError
from briefing.model import (
    Answer,
    AnswersPart,
    Block,
    BlockQuote,
    Emph,
    Footnote,
    Heading,
    Inline,
    Letter,
    Link,
    ListBlock,
    ListItem,
    NoteRef,
    Paragraph,
    Ref,
    Strong,
    Table,
    plain_text,
)


def number(letter: Letter) -> Letter:
    """Return ``letter`` with headings, footnotes and references numbered.

    Raises :class:`TemplateError` (without a file; the caller adds it) for a
    reference to an unknown heading id, a duplicate heading id, or a numbered heading
    without a numbered heading of the level above (``##`` before the first ``#``). Footnotes are
    checked once, where they are read (:func:`briefing.parse.parse`): a letter whose
    calls and notes do not match raises ValueError here.
    """
    blocks = _number_headings(letter.blocks, letter.meta.nummering)
    targets = {b.id: b for b in blocks if isinstance(b, Heading) and b.id}
    defined = {note.label: note for note in letter.footnotes}
    order: dict[str, int] = {}

    def inline(node: Inline) -> Inline:
        if isinstance(node, NoteRef):
            if node.label not in defined:
                raise ValueError(f"numbering: footnote [^{node.label}] is called but not defined")
            return replace(node, number=order.setdefault(node.label, len(order) + 1))
        if isinstance(node, Ref):
            target = targets.get(node.target)
            if target is None:
                raise TemplateError(
                    f"ref('{node.target}') verwijst naar een onbekende kop",
                    hint=_suggest(node.target, targets), kind="ref", subject=node.target,
                )
            if target.number is not None:
                return replace(node, number=target.number, title=None)
            return replace(node, number=None, title=plain_text(target.inlines))
        if isinstance(node, (Emph, Strong, Link)):
            return replace(node, children=tuple(inline(c) for c in node.children))
        return node

    def block(node: Block) -> Block:
        if isinstance(node, (Heading, Paragraph)):
            return replace(node, inlines=tuple(inline(i) for i in node.inlines))
        if isinstance(node, ListBlock):
            items = tuple(ListItem(tuple(block(b) for b in it.blocks)) for it in node.items)
            return replace(node, items=items)
        if isinstance(node, Table):
            return replace(
                node,
                caption=tuple(inline(i) for i in node.caption),
                header=tuple(tuple(inline(i) for i in cell) for cell in node.header),
                rows=tuple(tuple(tuple(inline(i) for i in cell) for cell in row) for row in node.rows),
            )
        if isinstance(node, BlockQuote):
            return replace(node, blocks=tuple(block(b) for b in node.blocks))
        raise TypeError(f"numbering: unknown block {type(node).__name__}")

    def part(node: AnswersPart) -> AnswersPart:
        answers = tuple(
            Answer(
                tuple(replace(q, inlines=tuple(inline(i) for i in q.inlines)) for q in answer.questions),
                tuple(block(b) for b in answer.blocks),
            )
            for answer in node.answers
        )
        return AnswersPart(tuple(inline(i) for i in node.title), answers)

    # In reading order: the letter, then its parts (footnotes are numbered through the document).
    blocks = tuple(block(b) for b in blocks)
    parts = tuple(part(p) for p in letter.parts)
    notes: list[Footnote] = []
    # Notes may call further notes: number their bodies in order until none is added.
    done: set[str] = set()
    while len(done) < len(order):
        for label in sorted(order, key=order.get):
            if label not in done:
                done.add(label)
                note = defined[label]
                notes.append(replace(note, number=order[label], blocks=tuple(block(b) for b in note.blocks)))
    unused = [label for label in defined if label not in order]
    if unused:
        raise ValueError(f"numbering: footnote [^{unused[0]}] is defined but not called")
    notes.sort(key=lambda n: n.number or 0)
    return replace(letter, blocks=blocks, footnotes=tuple(notes), parts=parts)


def _number_headings(blocks: tuple[Block, ...], enabled: bool) -> tuple[Block, ...]:
    counters = [0, 0, 0]
    seen: set[str] = set()
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, Heading):
            if b.id:
                if b.id in seen:
                    raise TemplateError(
                        f"de kop-id '{b.id}' komt twee keer voor", line=b.line,
                        hint="geef elke kop een eigen id",
                    )
                seen.add(b.id)
            if enabled and b.numbered:
                if 0 in counters[: b.level - 1]:  # would print "0.1" (Word shows it otherwise)
                    skipped = "#" * (counters.index(0) + 1)
                    raise TemplateError(
                        f"kop '{'#' * b.level} {plain_text(b.inlines)}' staat niet onder een '{skipped}'-kop",
                        line=b.line,
                        hint=f"zet er een '{skipped}'-kop boven, of schrijf {{.ongenummerd}} achter deze kop",
                    )
                counters[b.level - 1] += 1
                counters[b.level:] = [0] * (3 - b.level)
                b = replace(b, number=".".join(str(c) for c in counters[: b.level]))
            else:
                b = replace(b, number=None)
        out.append(b)
    return tuple(out)


def _suggest(name: str, options: Iterable[str]) -> str | None:
    options = list(options)
    close = difflib.get_close_matches(name, options, n=1)
    if close:
        return f"bedoelde u '{close[0]}'?"
    return f"bekende kop-id's: {', '.join(sorted(options))}" if options else "geen enkele kop heeft een id"
