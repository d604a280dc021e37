"""A built PDF's pages as PNG images for the screen, rendered with PDFium (``pypdfium2``).

A page is drawn at the screen's resolution: one CSS pixel is 1/96 inch, a PDF point
1/72, so a page shown at its natural size on a screen with ``ratio`` device pixels per
CSS pixel is drawn at ``ratio · 96/72`` pixels per point (sharp on a high-DPI screen).
A page is drawn in grey; the part of it that has colour (a Kamerbrief's emblem) is drawn
a second time, in colour, as a small image the page lays over the grey one. Encoding the
PNG is most of the cost of a page image, and a grey page has a third of the bytes of a
colour one: page 1 of the example at ratio 2 takes ≈ 0.1 s instead of ≈ 0.33 s.
PDFium is not thread-safe: every call holds one lock.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import pypdfium2 as pdfium

__all__ = ["Mark", "Page", "describe_pages", "find_marks", "render_colour", "render_new", "render_page"]

CSS_PX_PER_PT = 96 / 72
RATIOS = (1.0, 1.5, 2.0, 3.0)  # device pixel ratios drawn; a screen's is rounded up to one of these
_THUMB = 0.3  # pixels per point of the small copy that finds a page's colour
_lock = threading.Lock()

Box = tuple[int, int, int, int]  # left, top, width, height in CSS pixels


@dataclass(frozen=True, slots=True)
class Page:
    """A page's size in CSS pixels, as the page shows it, a digest of how it looks, and
    where its colour is (None: nowhere)."""

    width: int
    height: int
    look: str  # equal for pages that look the same: an unchanged page keeps its image
    colour: Box | None = None


def describe_pages(pdf: bytes) -> list[Page]:
    """Every page of ``pdf``: its size, where it has colour, and a digest of its pixels at
    72 dpi in grey and of its colours (a figure or a comma that changes, changes pixels;
    ≈ 5 ms a page)."""
    with _lock:
        document = pdfium.PdfDocument(pdf)
        try:
            out = []
            for index in range(len(document)):
                page = document[index]
                width, height = page.get_size()
                grey = page.render(scale=1, grayscale=True)
                thumb = page.render(scale=_THUMB).to_pil().convert("RGB")
                look = hashlib.sha256(bytes(grey.buffer) + thumb.tobytes()).hexdigest()[:16]
                size = (round(width * CSS_PX_PER_PT), round(height * CSS_PX_PER_PT))
                out.append(Page(*size, look, _colour_box(thumb, size)))
            return out
        finally:
            document.close()


def _colour_box(thumb, size: tuple[int, int]) -> Box | None:
    """The CSS-pixel box around every coloured pixel of a page's small copy, with a margin;
    its corners on even CSS pixels, so that at every ratio it starts on a whole device pixel."""
    from PIL import ImageChops

    red, green, blue = thumb.split()
    box = ImageChops.add(ImageChops.difference(red, green), ImageChops.difference(green, blue)).getbbox()
    if box is None:
        return None
    to_css = CSS_PX_PER_PT / _THUMB
    left = max(0, math.floor((box[0] - 1) * to_css / 2) * 2)
    top = max(0, math.floor((box[1] - 1) * to_css / 2) * 2)
    right = min(size[0], math.ceil((box[2] + 1) * to_css / 2) * 2)
    bottom = min(size[1], math.ceil((box[3] + 1) * to_css / 2) * 2)
    return (left, top, right - left, bottom - top)


def ratio_for(requested: float) -> float:
    """The drawn ratio for a screen's ``devicePixelRatio``: the smallest of :data:`RATIOS`
    that is at least as fine (at most the finest), so a few sizes cover every screen."""
    for ratio in RATIOS:
        if requested <= ratio + 0.01:
            return ratio
    return RATIOS[-1]


def render_page(pdf: bytes, index: int, ratio: float = 1.0) -> bytes:
    """Page ``index`` (from 0) of ``pdf`` in grey, as a PNG for a screen of device pixel ratio
    ``ratio``. Raises ``IndexError`` for a page the PDF does not have."""
    return _render(pdf, index, ratio, None)


def render_colour(pdf: bytes, index: int, box: Box, ratio: float = 1.0) -> bytes:
    """The part ``box`` of page ``index`` in colour, as a PNG to lay over :func:`render_page`'s."""
    return _render(pdf, index, ratio, box)


ImageKey = tuple[str, float, bool]  # (page's look, ratio, colour part or not)


def render_new(
    pdf: bytes, pages: Sequence[Page], ratios: Sequence[float], shown: Iterable[str] = (),
    have: Iterable[ImageKey] = (),
) -> dict[ImageKey, bytes]:
    """The images of the pages of ``pdf`` (described by ``pages``) that changed, at each of
    ``ratios`` — grey, and the colour part where there is one. A page that looks like one
    already ``shown`` (by its look) is not drawn: the browser keeps its image; nor is an
    image in ``have``. Drawn before the page hears of a new build, so that it finds them ready."""
    shown, have = set(shown), set(have)
    wanted = [(index, ratio_for(ratio), colour) for index, page in enumerate(pages) if page.look not in shown
              for ratio in ratios for colour in ((False, True) if page.colour else (False,))]
    wanted = [(i, r, c) for i, r, c in dict.fromkeys(wanted) if (pages[i].look, r, c) not in have]
    if not wanted:
        return {}
    with _lock:
        document = pdfium.PdfDocument(pdf)
        try:
            drawn = [(pages[i].look, r, c, _draw(document, i, r, pages[i].colour if c else None))
                     for i, r, c in wanted]
        finally:
            document.close()
    return {(look, r, c): _png(image) for look, r, c, image in drawn}


def _render(pdf: bytes, index: int, ratio: float, box: Box | None) -> bytes:
    with _lock:
        document = pdfium.PdfDocument(pdf)
        try:
            image = _draw(document, index, ratio, box)
        finally:
            document.close()
    return _png(image)


def _draw(document: pdfium.PdfDocument, index: int, ratio: float, box: Box | None):
    """Page ``index`` as a PIL image (grey; or the part ``box`` in colour). Hold the lock."""
    scale = ratio_for(ratio) * CSS_PX_PER_PT
    if not 0 <= index < len(document):
        raise IndexError(index)
    page = document[index]
    if box is None:
        return page.render(scale=scale, grayscale=True).to_pil()
    width, height = page.get_size()
    left, top, w, h = (v / CSS_PX_PER_PT for v in box)  # in points
    crop = (left, height - top - h, width - left - w, top)  # cut off: left, bottom, right, top
    return page.render(scale=scale, crop=crop).to_pil()


def _png(image) -> bytes:
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
# A word hyphenated at a line's end, as PDFium gives it: WeasyPrint's hyphen U+2010 and a line
# break; or, where the PDF marks the hyphen as such (tagged PDF), U+FFFE (or a soft hyphen)
# with or without the line break.
_HYPHEN_BREAKS = ("\u2010\r\n", "\ufffe\r\n", "\u00ad\r\n", "\ufffe", "\u00ad")
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
        hyphen = next((h for h in _HYPHEN_BREAKS if raw.startswith(h, i)), None)
        if hyphen:
            i += len(hyphen)
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
