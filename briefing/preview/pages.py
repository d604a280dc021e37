"""A built PDF's pages as PNG images for the screen, rendered with PDFium (``pypdfium2``).

A page is drawn at the screen's resolution: one CSS pixel is 1/96 inch, a PDF point
1/72, so a page shown at its natural size on a screen with ``ratio`` device pixels per
CSS pixel is drawn at ``ratio · 96/72`` pixels per point (sharp on a high-DPI screen).
A page without colour (a Kamerbrief's later pages: black text) is drawn in grey,
which takes about a quarter of the time of a colour page and a third of its bytes.
PDFium is not thread-safe: every call holds one lock.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pypdfium2 as pdfium

__all__ = ["Mark", "Page", "describe_pages", "find_marks", "render_page"]

CSS_PX_PER_PT = 96 / 72
RATIOS = (1.0, 1.5, 2.0, 3.0)  # device pixel ratios drawn; a screen's is rounded up to one of these
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Page:
    """A page's size in CSS pixels, as the page shows it, and a digest of how it looks."""

    width: int
    height: int
    look: str  # equal for pages that look the same: an unchanged page keeps its image


def describe_pages(pdf: bytes) -> list[Page]:
    """Every page of ``pdf``: its size, and a digest of its pixels at 72 dpi in grey (a
    figure or a comma that changes, changes pixels; ≈ 5 ms a page)."""
    with _lock:
        document = pdfium.PdfDocument(pdf)
        try:
            out = []
            for index in range(len(document)):
                page = document[index]
                width, height = page.get_size()
                bitmap = page.render(scale=1, grayscale=True)
                look = hashlib.sha256(bytes(bitmap.buffer)).hexdigest()[:16]
                out.append(Page(round(width * CSS_PX_PER_PT), round(height * CSS_PX_PER_PT), look))
            return out
        finally:
            document.close()


def ratio_for(requested: float) -> float:
    """The drawn ratio for a screen's ``devicePixelRatio``: the smallest of :data:`RATIOS`
    that is at least as fine (at most the finest), so a few sizes cover every screen."""
    for ratio in RATIOS:
        if requested <= ratio + 0.01:
            return ratio
    return RATIOS[-1]


def render_page(pdf: bytes, index: int, ratio: float = 1.0) -> bytes:
    """Page ``index`` (from 0) of ``pdf`` as a PNG for a screen of device pixel ratio ``ratio``.

    Raises ``IndexError`` for a page the PDF does not have."""
    from PIL import ImageChops

    scale = ratio_for(ratio) * CSS_PX_PER_PT
    with _lock:
        document = pdfium.PdfDocument(pdf)
        try:
            if not 0 <= index < len(document):
                raise IndexError(index)
            page = document[index]
            # A quick look at a small copy tells whether the page has colour at all.
            thumb = page.render(scale=0.3).to_pil()
            red, green, blue = thumb.convert("RGB").split()
            coloured = bool(
                ImageChops.difference(red, green).getbbox() or ImageChops.difference(green, blue).getbbox()
            )
            image = page.render(scale=scale, grayscale=not coloured).to_pil()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)  # fast: the page goes over loopback, not the internet
    return out.getvalue()


# --------------------------------------------------------------------------- where changed text is


@dataclass(frozen=True, slots=True)
class Mark:
    """A highlighted stretch of one line on a page, in CSS pixels from the page's top left."""

    page: int
    left: float
    top: float
    width: float
    height: float
    phrase: int = 0  # the index of the phrase it marks, in the list given to find_marks


Phrase = tuple[str, Sequence[tuple[int, int]]]  # a sentence, and the spans of it to highlight
_HYPHEN_BREAK = "\u2010\r\n"  # WeasyPrint's hyphenation: U+2010, then pdfium's line break
_FOOTNOTE_CALL = re.compile(r"\[\^[^\]]*\]")


def find_marks(pdf: bytes, phrases: Sequence[Phrase]) -> list[Mark]:
    """Where the spans of each sentence are on the pages, line by line.

    A sentence is looked for in the pages' text as a reader sees it (words split by
    hyphenation joined, line breaks as spaces); when it is not found whole (it runs onto
    the next page, or holds a footnote call), a span is looked for with as much of its
    sentence around it as can be found. Spans found nowhere are left out."""
    with _lock:
        document = pdfium.PdfDocument(pdf)
        try:
            texts = [_page_text(document[i].get_textpage()) for i in range(len(document))]
            marks: list[Mark] = []
            for number, (sentence, spans) in enumerate(phrases):
                for start, end in spans:
                    found = _locate(document, texts, sentence, start, end)
                    marks.extend(replace(mark, phrase=number) for mark in found)
            return marks
        finally:
            document.close()


PageText = tuple[str, list[int], pdfium.PdfTextPage]


def _page_text(textpage: pdfium.PdfTextPage) -> PageText:
    """A page's text normalised for searching, the character index behind each of its
    characters, and the text page (for the characters' boxes)."""
    raw = textpage.get_text_range()
    out: list[str] = []
    index: list[int] = []
    i = 0
    while i < len(raw):
        if raw.startswith(_HYPHEN_BREAK, i):
            i += len(_HYPHEN_BREAK)
            continue
        char = raw[i]
        if char.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                index.append(i)
        else:
            for part in unicodedata.normalize("NFKC", char):  # a ligature as its letters
                out.append(part)
                index.append(i)
        i += 1
    return "".join(out), index, textpage


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _locate(
    document: pdfium.PdfDocument, texts: list[PageText], sentence: str, start: int, end: int
) -> list[Mark]:
    """The marks of ``sentence[start:end]``, found with as much of its sentence around it as
    gives exactly one place; none when it is nowhere, or in several places alike."""
    span = _normal(sentence[start:end])
    if not span:
        return []
    before = _normal(_FOOTNOTE_CALL.sub("", sentence[:start]))
    after = _normal(_FOOTNOTE_CALL.sub("", sentence[end:]))
    gap_before = " " if before and (sentence[:start][-1:].isspace() or sentence[start].isspace()) else ""
    gap_after = " " if after and (sentence[end:][:1].isspace() or sentence[end - 1].isspace()) else ""
    words_before, words_after = before.split(), after.split()
    for n in (max(len(words_before), len(words_after)), 8, 4, 2, 1, 0):
        left = " ".join(words_before[-n:]) if n and words_before else ""
        right = " ".join(words_after[:n]) if n and words_after else ""
        prefix = left + gap_before if left else ""
        needle = prefix + span + (gap_after + right if right else "")
        hits = [(page, at) for page, (text, _, _) in enumerate(texts) for at in _all(text, needle)]
        if len(hits) > 1:
            return []  # the same words in several places: better no mark than a wrong one
        if hits:
            page, at = hits[0]
            index, textpage = texts[page][1], texts[page][2]
            first = at + len(prefix)
            return _boxes(document, page, textpage, index[first : first + len(span)])
    return []


def _all(text: str, needle: str) -> list[int]:
    out, at = [], text.find(needle)
    while at >= 0:
        out.append(at)
        at = text.find(needle, at + 1)
    return out


def _boxes(
    document: pdfium.PdfDocument, page: int, textpage: pdfium.PdfTextPage, chars: list[int]
) -> list[Mark]:
    """The characters' boxes joined per line (a span may wrap), in CSS pixels."""
    height = document[page].get_size()[1]
    lines: list[list[float]] = []  # [left, bottom, right, top] per line
    for char in dict.fromkeys(chars):
        left, bottom, right, top = textpage.get_charbox(char)
        if right <= left:
            continue
        if lines and abs(lines[-1][1] - bottom) < 3 and left >= lines[-1][0] - 1:
            line = lines[-1]
            line[0], line[1] = min(line[0], left), min(line[1], bottom)
            line[2], line[3] = max(line[2], right), max(line[3], top)
        else:
            lines.append([left, bottom, right, top])
    pad = 1.5  # points around the glyphs
    px = CSS_PX_PER_PT
    return [
        Mark(page, round((x0 - pad) * px, 1), round((height - y1 - pad) * px, 1),
             round((x1 - x0 + 2 * pad) * px, 1), round((y1 - y0 + 2 * pad) * px, 1))
        for x0, y0, x1, y1 in lines
    ]
