"""A readable text dump of the document model, for golden-file tests and snapshots.

One block per line (nested blocks indented), inlines written with light markers:
``*emph*``, ``**strong**``, ``[text](url)``, ``[^n]`` for a footnote call and
``<ref:id=paragraaf 2>`` for a cross-reference.
"""

from __future__ import annotations

from briefing.model import (
    Block,
    BlockQuote,
    Code,
    Emph,
    Heading,
    Inline,
    Letter,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Paragraph,
    Ref,
    Strong,
    Table,
    Text,
)


def dump(letter: Letter) -> str:
    """The letter's body, its parts and the footnotes as text, one block per line."""
    lines: list[str] = []
    for block in letter.blocks:
        _block(block, lines, "")
    for part in letter.parts:
        lines.append(f"ANTWOORDEN: {inline_text(part.title)}")
        for answer in part.answers:
            for question in answer.questions:
                lines.append(f"  {question.label}: {inline_text(question.inlines)}")
            lines.append(f"  {answer.label}:")
            for block in answer.blocks:
                _block(block, lines, "    ")
    for note in letter.footnotes:
        lines.append(f"Footnote [^{note.label}] {note.number}:")
        for block in note.blocks:
            _block(block, lines, "  ")
    return "\n".join(lines) + "\n"


def inline_text(inlines: tuple[Inline, ...]) -> str:
    """Inlines with light markup (see the module docstring)."""
    out = []
    for n in inlines:
        if isinstance(n, Text):
            out.append(n.text)
        elif isinstance(n, Code):
            out.append(f"`{n.text}`")
        elif isinstance(n, Emph):
            out.append(f"*{inline_text(n.children)}*")
        elif isinstance(n, Strong):
            out.append(f"**{inline_text(n.children)}**")
        elif isinstance(n, Link):
            out.append(f"[{inline_text(n.children)}]({n.target})")
        elif isinstance(n, LineBreak):
            out.append("\\n")
        elif isinstance(n, NoteRef):
            out.append(f"[^{n.number if n.number is not None else n.label}]")
        elif isinstance(n, Ref):
            shown = n.text if (n.number or n.title) else "?"
            out.append(f"<ref:{n.target}={shown}>")
        else:
            raise TypeError(f"dump: unknown inline {type(n).__name__}")
    return "".join(out)


def _block(block: Block, lines: list[str], indent: str) -> None:
    if isinstance(block, Paragraph):
        lines.append(f"{indent}P: {inline_text(block.inlines)}")
    elif isinstance(block, Heading):
        ident = f" #{block.id}" if block.id else ""
        num = f" [{block.number}]" if block.number else (" [-]" if not block.numbered else "")
        lines.append(f"{indent}H{block.level}{ident}{num}: {inline_text(block.inlines)}")
    elif isinstance(block, ListBlock):
        kind = f"OL start={block.start}" if block.ordered else "UL"
        lines.append(f"{indent}{kind}:")
        for item in block.items:
            lines.append(f"{indent}  - item:")
            for b in item.blocks:
                _block(b, lines, indent + "    ")
    elif isinstance(block, Table):
        lines.append(f"{indent}TABLE align={','.join(a or '-' for a in block.align)}:")
        if block.caption:
            lines.append(f"{indent}  CAPTION: {inline_text(block.caption)}")
        lines.append(f"{indent}  | " + " | ".join(inline_text(c) for c in block.header) + " |")
        for row in block.rows:
            lines.append(f"{indent}  | " + " | ".join(inline_text(c) for c in row) + " |")
    elif isinstance(block, BlockQuote):
        lines.append(f"{indent}QUOTE:")
        for b in block.blocks:
            _block(b, lines, indent + "  ")
    else:
        raise TypeError(f"dump: unknown block {type(block).__name__}")
