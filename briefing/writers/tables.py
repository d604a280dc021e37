"""Table geometry shared by both writers: the columns' widths, estimated from their text."""

from __future__ import annotations

from briefing.model import Table, plain_text

__all__ = ["BREAK_EVERY", "LONG_RUN", "LONG_TABLE", "column_widths"]

# A table with more rows than this (about a page) is laid out in the PDF with these
# widths (CSS table-layout: fixed): WeasyPrint's automatic layout measures every cell
# again on every page the table reaches, so a long table took time quadratic in its rows.
LONG_TABLE = 40
# A run of this many characters without a space or hyphen (a URL, a pasted code) gets a
# break opportunity every BREAK_EVERY characters in the PDF; Word and LibreOffice break
# it at the margin. A column need not be wider than such a piece.
LONG_RUN = 50
BREAK_EVERY = 20


def _width(piece: str) -> int:
    return BREAK_EVERY if len(piece) >= LONG_RUN else len(piece)


def column_widths(node: Table, total: float, size: float) -> list[float]:
    """Column widths (mm) from the cells' text, as the PDF's automatic table layout sets them.

    LibreOffice keeps a DOCX table's grid as written (it does not autofit), so equal
    columns would break long words and amounts. Each column gets room for its longest
    word, a right-aligned (numeric) column for its longest cell; what is left of the
    text width is shared in proportion to the rest of the text. Characters are
    estimated at 0.7 em (bold DejaVu Sans/Verdana: a little wide), plus the cell's 4 mm padding.
    """
    char, pad = 0.7 * size * 25.4 / 72, 4.0
    columns = [[plain_text(row[c]) if c < len(row) else "" for row in (node.header, *node.rows)]
               for c in range(len(node.header))]
    low, high = [], []
    for c, texts in enumerate(columns):
        right = c < len(node.align) and node.align[c] == "right"
        pieces = texts if right else [word for text in texts for word in text.split()]
        low.append(max((_width(p) for p in pieces), default=1) * char + pad)
        high.append(max(max((len(t) for t in texts), default=1) * char + pad, low[-1]))
    if sum(high) <= total:
        return high  # everything fits on one line: the table is as wide as its text
    if sum(low) >= total:
        return [w * total / sum(low) for w in low]
    spare, extra = total - sum(low), sum(h - w for h, w in zip(high, low, strict=True))
    return [w + spare * (h - w) / extra for h, w in zip(high, low, strict=True)]
